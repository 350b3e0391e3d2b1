package widen.worker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.WidenException;
import widen.db.AutoIncLock;
import widen.db.Privileges;
import java.util.List;
import widen.schema.Column;
import widen.schema.TablePair;
import widen.schema.TableShape;

/**
 * How a worker writes a range into the target. Chosen once at start from
 * {@code copy.pushdown} and {@code copy.load_data} and what the servers allow; every range of the
 * worker's is then copied the same way.
 */
public enum CopyMethod {
  /** One INSERT ... SELECT on the server that holds both tables ({@link Pushdown}). */
  PUSHDOWN,
  /** Rows read from the source in chunks, each loaded by a LOAD DATA LOCAL INFILE. */
  LOAD,
  /**
   * Rows streamed from the source into multi-row INSERT ... ON DUPLICATE KEY UPDATE statements,
   * prepared on the server.
   */
  UPSERT;

  private static final Logger log = LoggerFactory.getLogger(CopyMethod.class);

  /**
   * LOAD unless {@code loadMode} is never or the target cannot take it; {@code always} refuses to
   * start instead of falling back, so a benchmark or an operator gets the method they asked for.
   */
  public static CopyMethod throughWorker(String loadMode, Connection dst, TablePair tables)
      throws SQLException {
    return chosen("copy.load_data", loadMode, () -> loadObstacle(dst, tables, loadMode),
        "each range is loaded by LOAD DATA LOCAL INFILE, one per 4 MiB chunk",
        "rows are written as upserts", "") ? LOAD : UPSERT;
  }

  /** What stands in the way of a faster method, or null: asked only when the mode allows it. */
  interface Obstacle {
    String find() throws SQLException;
  }

  /**
   * The one rule of copy.pushdown and copy.load_data: never says no; auto says yes unless
   * {@code obstacle} finds something, then logs it; always refuses to start over it, so an
   * operator or a benchmark gets the method asked for or a one-line reason naming the key.
   */
  static boolean chosen(String key, String mode, Obstacle obstacle, String yes, String no,
      String orFix) throws SQLException {
    if (mode.equals("never")) {
      return false;
    }
    String why = obstacle.find();
    if (why == null) {
      log.info("{}={}: {}", key, mode, yes);
      return true;
    }
    if (mode.equals("always")) {
      throw new WidenException(key + " is always, but " + why + ": set " + key
          + " to auto or never" + orFix);
    }
    log.info("{}=auto: {} ({})", key, no, why);
    return false;
  }

  /**
   * Why LOAD DATA ... REPLACE would be slower than the upsert (auto only), could differ from it
   * or cannot run, or null. REPLACE of an
   * existing row is an in-place update only when no DELETE trigger would fire and no foreign key
   * could cascade; otherwise the server deletes and re-inserts it. Even in place, it writes
   * every column: one the copy does not name gets its default, where the upsert leaves it. The server asks for DELETE
   * on the table whatever it does, so a user without it (the upsert needs none) cannot load.
   */
  private static String loadObstacle(Connection dst, TablePair tables, String loadMode)
      throws SQLException {
    TableShape t = tables.target();
    // Not a reason to refuse copy.load_data=always: only auto picks the faster method here.
    if (loadMode.equals("auto") && AutoIncLock.favoursUpserts(dst, t)) {
      return "the target's innodb_autoinc_lock_mode=1 would make each LOAD DATA hold the table's"
          + " AUTO-INC lock to its end, one range at a time, where an upsert takes it only for"
          + " a moment";
    }
    if (!on(dst, "SELECT @@GLOBAL.local_infile")) {
      return "the target server has local_infile off";
    }
    List<String> notCopied = t.columns().stream().filter(c -> !c.generated())
        .map(Column::name).filter(n -> tables.mapping().columns().stream()
            .noneMatch(n::equalsIgnoreCase)).toList();
    if (!notCopied.isEmpty()) {
      return "the target has columns the copy does not write (" + String.join(", ", notCopied)
          + "), which REPLACE would set back to their defaults where the upsert keeps them";
    }
    if (!Privileges.mayDelete(dst, t.database(), t.table())) {
      return "the target user lacks DELETE on the table, which LOAD DATA ... REPLACE needs";
    }
    if (on(dst, "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ?"
        + " AND EVENT_OBJECT_TABLE = ? AND EVENT_MANIPULATION = 'DELETE'", t)) {
      return "the target table has a DELETE trigger, which REPLACE would fire";
    }
    if (on(dst, "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS"
        + " WHERE UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?", t)) {
      return "a foreign key refers to the target table, and REPLACE could cascade through it";
    }
    return null;
  }

  private static boolean on(Connection c, String sql, TableShape... table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (table.length > 0) {
        ps.setString(1, table[0].database());
        ps.setString(2, table[0].table());
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getLong(1) > 0;
      }
    }
  }
}
