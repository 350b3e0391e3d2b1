package widen.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import widen.schema.Column;
import widen.schema.TableShape;

/**
 * Whether writes into the target run side by side or one range at a time.
 *
 * <p>Under {@code innodb_autoinc_lock_mode} 0 or 1 (1 is MariaDB's default), InnoDB makes every
 * LOAD DATA and INSERT ... SELECT into a table with an AUTO_INCREMENT column take the table's
 * AUTO-INC lock and hold it until the statement ends, even when each row brings its own id, as
 * widen's do. So the whole fleet writes one range at a time, and the application's own inserts
 * into that table wait behind a range. Measured on this project's 2-core machine: two
 * INSERT ... SELECT of half the table each, run at once, took as long as one of the whole table
 * (32.6 s and 1 core); into the same table without AUTO_INCREMENT they used both cores and
 * took 20.4 s. Mode 2 lets them interleave, and needs a restart to set.
 */
public final class AutoIncLock {
  private AutoIncLock() {}

  /**
   * Whether LOAD DATA into {@code target} would hold the table's AUTO-INC lock to its end while
   * an INSERT with its rows in it takes the lock only for a moment: mode 1 and an AUTO_INCREMENT
   * column. (Mode 0 locks both to the end; mode 2 neither.)
   */
  public static boolean favoursUpserts(Connection c, TableShape target) throws SQLException {
    return hasAutoIncrement(target) && mode(c) == 1;
  }

  /**
   * Whether every INSERT ... SELECT or LOAD DATA into {@code target} holds its AUTO-INC lock to
   * the end, so such statements run one at a time: mode 0 or 1 and an AUTO_INCREMENT column.
   */
  public static boolean serializesBulkInserts(Connection c, TableShape target)
      throws SQLException {
    if (!hasAutoIncrement(target)) {
      return false;
    }
    int mode = mode(c);
    return mode == 0 || mode == 1;
  }

  /** The warning for {@code target} on the server {@code c} reaches, if one is due. */
  public static Optional<String> warning(Connection c, TableShape target) throws SQLException {
    if (!hasAutoIncrement(target)) {
      return Optional.empty();
    }
    int mode = mode(c);
    if (mode < 0 || mode >= 2) {
      return Optional.empty();
    }
    String through = mode == 1
        ? "LOAD DATA (copy.load_data=always) and INSERT ... SELECT (copy.pushdown) hold"
        : "every insert holds";
    String instead = mode == 1 ? "; workers therefore write upserts (copy.load_data=auto), which"
        + " take it only for a moment" : "";
    return Optional.of("the target " + target.qualifiedName() + " has an AUTO_INCREMENT column and its server"
        + " runs innodb_autoinc_lock_mode=" + mode + ", so " + through + " the table's"
        + " AUTO-INC lock until each statement ends: those write one range at a time (more"
        + " workers will not copy faster) and the application's inserts into it wait behind a"
        + " range" + instead + "; for parallel writes set innodb_autoinc_lock_mode=2 in the"
        + " server's configuration and restart it (safe with binlog_format ROW or MIXED)");
  }

  private static boolean hasAutoIncrement(TableShape target) {
    return target.columns().stream().anyMatch(Column::autoIncrement);
  }

  /** The server's innodb_autoinc_lock_mode, or -1 where it has none (no InnoDB). */
  static int mode(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@innodb_autoinc_lock_mode")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException noInnodb) {
      if (MysqlErrors.isConnectionLoss(noInnodb)) {
        throw noInnodb;
      }
      return -1;
    }
  }
}
