package widen.coordinator;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import widen.schema.TableShape;
import widen.sql.Sql;

/**
 * The id headroom between the two tables: rows the application writes to the new table take ids
 * from its AUTO_INCREMENT counter, and none of them may ever take an id a copied row needs, or the
 * copy's upsert would overwrite the application's row. So the counter must stay above the
 * source's largest id plus a margin for the rows the old table still receives, and no target row
 * may sit in ids the copy has yet to reach.
 *
 * @param sourceMax the source's largest id now (or the copy's mark if the source is empty)
 * @param counter the target's AUTO_INCREMENT, or null if its key is not auto-increment
 * @param copiedThrough ids up to here are covered by planned copy ranges
 * @param foreignRows target rows in {@code (copiedThrough, sourceMax + minFree]}: rows widen did
 *     not copy, in ids the copy may still write
 */
public record Headroom(long sourceMax, Long counter, long minFree, long copiedThrough,
    long foreignRows, long firstForeignId) {

  static Headroom measure(Connection src, Connection dst, HighWaterMark source,
      TableShape target, long copiedThrough, long minFree) throws SQLException {
    long max = Math.max(copiedThrough, source.max(src).orElse(copiedThrough));
    Long counter = counter(dst, target);
    String pk = Sql.quote(target.primaryKey());
    long ceiling = Math.addExact(max, minFree);
    long[] foreign = new long[2];
    try (PreparedStatement ps = dst.prepareStatement("SELECT COUNT(*), COALESCE(MIN(" + pk
        + "), 0) FROM " + Sql.quote(target.database(), target.table()) + " WHERE " + pk
        + " > ? AND " + pk + " <= ?")) {
      ps.setLong(1, copiedThrough);
      ps.setLong(2, ceiling);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        foreign[0] = rs.getLong(1);
        foreign[1] = rs.getLong(2);
      }
    }
    return new Headroom(max, counter, minFree, copiedThrough, foreign[0], foreign[1]);
  }

  /** The target's AUTO_INCREMENT counter, or null when its primary key does not auto-increment. */
  static Long counter(Connection dst, TableShape target) throws SQLException {
    if (!target.primaryKeyColumn().autoIncrement()) {
      return null;
    }
    try (PreparedStatement ps = dst.prepareStatement("SELECT AUTO_INCREMENT FROM"
        + " information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, target.database());
      ps.setString(2, target.table());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The smallest counter that is safe now. */
  public long needed() {
    return sourceMax + minFree + 1;
  }

  /** Why the application's rows could collide with copied ones, with the fix; empty if safe. */
  public Optional<String> problem() {
    if (foreignRows > 0) {
      return Optional.of("target holds " + foreignRows + " rows widen did not copy with ids inside"
          + " the source's range (first id " + firstForeignId + ", source max " + sourceMax
          + " + headroom.min_free " + minFree + "): the copy would overwrite them; empty the"
          + " target, or resume the migration that copied them (same migration.id and"
          + " control.schema)");
    }
    if (counter != null && counter < needed()) {
      return Optional.of("target AUTO_INCREMENT is " + counter + ", not above the source's max id "
          + sourceMax + " + headroom.min_free " + minFree + ": new rows written to the target"
          + " could take ids the copy needs; run `widen prepare` to raise it");
    }
    return Optional.empty();
  }

  public JsonObject toJson() {
    return new JsonObject().put("source_max_id", sourceMax).put("target_auto_increment", counter)
        .put("ids_free", counter == null ? null : counter - sourceMax - 1)
        .put("min_free", minFree);
  }

  /** Raises the target's counter to {@code value}; InnoDB does this without a table rebuild. */
  static void raise(Connection dst, TableShape target, long value) throws SQLException {
    try (Statement s = dst.createStatement()) {
      s.execute("ALTER TABLE " + Sql.quote(target.database(), target.table()) + " AUTO_INCREMENT = "
          + value);
    }
  }
}
