package widen.range;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;
import widen.sql.Sql;

/**
 * Cuts the id space into ranges of about {@code rangeRows} rows each, by rows and not by id span,
 * so a sparse id space gives neither empty ranges nor giant ones.
 *
 * <p>Each boundary is one seek on the primary key that reads ids only, as pt-online-schema-change
 * and Spirit do:
 * <pre>
 * SELECT `id` FROM `db`.`t` FORCE INDEX (PRIMARY)
 *  WHERE `id` > ? AND `id` <= ? ORDER BY `id` LIMIT 1 OFFSET ?
 * </pre>
 * with the offset one less than the range's rows, which may change from range to range
 * ({@link RangeSizer}).
 * The id found is the inclusive upper bound of the next range. When fewer rows are left, the last
 * range runs up to the ceiling (the high-water mark read when the plan began); rows above the
 * ceiling are left to the delta sweeps.
 */
public final class RangePlanner {
  private final String boundarySql;
  private final String countSql;
  private final int rangeRows;

  public RangePlanner(String database, String table, String primaryKey, int rangeRows) {
    String t = Sql.quote(database, table);
    String pk = Sql.quote(primaryKey);
    this.rangeRows = rangeRows;
    this.boundarySql = "SELECT " + pk + " FROM " + t + " FORCE INDEX (PRIMARY) WHERE " + pk
        + " > ? AND " + pk + " <= ? ORDER BY " + pk + " LIMIT 1 OFFSET ?";
    this.countSql = "SELECT COUNT(*) FROM " + t + " FORCE INDEX (PRIMARY) WHERE " + pk + " > ? AND "
        + pk + " <= ?";
  }

  /** A range planned with the number of source rows it held when planned. */
  public record Planned(IdRange range, long rows) {}

  /** The smallest and largest id now in the table, or empty when it has no rows. */
  public static Bounds bounds(Connection c, String database, String table, String primaryKey)
      throws SQLException {
    String pk = Sql.quote(primaryKey);
    String sql = "SELECT MIN(" + pk + "), MAX(" + pk + "), MIN(" + pk + ") IS NULL FROM "
        + Sql.quote(database, table);
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(3) ? Bounds.EMPTY : new Bounds(rs.getLong(1), rs.getLong(2), false);
    }
  }

  /** Ids in the table at one moment; {@code empty} when it held no rows. */
  public record Bounds(long min, long max, boolean empty) {
    static final Bounds EMPTY = new Bounds(0, 0, true);

    /** The exclusive lower bound of the first range: one below the smallest id. */
    public long before() {
      return Math.subtractExact(min, 1);
    }
  }

  /** The next range above {@code after}, up to {@code ceiling}; empty when none is left. */
  public Optional<Planned> next(Connection c, long after, long ceiling)
      throws SQLException {
    return next(c, after, ceiling, rangeRows);
  }

  /** As {@link #next(Connection, long, long)}, with {@code rows} rows instead of the default. */
  public Optional<Planned> next(Connection c, long after, long ceiling, int rows)
      throws SQLException {
    if (after >= ceiling) {
      return Optional.empty();
    }
    OptionalLong boundary = seek(c, after, ceiling, rows);
    if (boundary.isPresent()) {
      return Optional.of(new Planned(new IdRange(after, boundary.getAsLong()), rows));
    }
    long rest = count(c, after, ceiling);
    return rest == 0 ? Optional.empty()
        : Optional.of(new Planned(new IdRange(after, ceiling), rest));
  }

  public String boundarySql() {
    return boundarySql;
  }

  private OptionalLong seek(Connection c, long after, long ceiling, int rows)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(boundarySql)) {
      ps.setLong(1, after);
      ps.setLong(2, ceiling);
      ps.setInt(3, rows - 1);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  private long count(Connection c, long after, long ceiling) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(countSql)) {
      ps.setLong(1, after);
      ps.setLong(2, ceiling);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
