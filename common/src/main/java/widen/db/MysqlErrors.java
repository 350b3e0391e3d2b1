package widen.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * MySQL/MariaDB error codes widen acts on, named once, and the one place that decides which are
 * worth retrying.
 */
public final class MysqlErrors {
  public static final int ACCESS_DENIED = 1045;
  public static final int UNKNOWN_DATABASE = 1049;
  public static final int TABLE_ACCESS_DENIED = 1142;
  public static final int COLUMN_ACCESS_DENIED = 1143;
  public static final int DB_ACCESS_DENIED = 1044;
  public static final int NO_SUCH_TABLE = 1146;
  public static final int TABLE_EXISTS = 1050;
  public static final int UNKNOWN_COLUMN = 1054;
  public static final int NO_DEFAULT_FOR_FIELD = 1364;
  /** "you need (at least one of) the X privilege(s)", e.g. PROCESS for INNODB_TRX. */
  public static final int SPECIFIC_ACCESS_DENIED = 1227;
  public static final int LOCK_WAIT_TIMEOUT = 1205;
  public static final int DEADLOCK = 1213;
  public static final int READ_ONLY = 1290;
  public static final int READ_ONLY_TRANSACTION = 1836;
  public static final int SERVER_GONE = 2006;
  public static final int LOST_CONNECTION = 2013;

  private MysqlErrors() {}

  /** True for errors that a second try of the same work may not meet (locks, failover, network). */
  public static boolean isTransient(SQLException e) {
    return isLockConflict(e) || isConnectionLoss(e);
  }

  /** Deadlock or lock wait timeout: another transaction was in the way; trying again helps. */
  public static boolean isLockConflict(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s
          && (s.getErrorCode() == DEADLOCK || s.getErrorCode() == LOCK_WAIT_TIMEOUT)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The database went away or became read-only (a restart, a failover, the network): it is not
   * the range's fault, and the same work succeeds once the database is back.
   */
  public static boolean isConnectionLoss(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true; // HikariCP: no connection could be had within its timeout
      }
      if (t instanceof java.io.IOException) {
        return true; // the socket under the driver: reset, closed, cut off mid-row (EOF)
      }
      if (t instanceof com.mysql.cj.exceptions.StatementIsClosedException
          || t instanceof com.mysql.cj.exceptions.ConnectionIsClosedException) {
        // What Connector/J raises from its own clean-up (clearBatch after executeBatch, say)
        // once the link died under a statement, in place of the link failure. widen uses no
        // statement or connection after closing it, so here it means the connection was lost.
        return true;
      }
      if (t instanceof SQLException s) {
        int code = s.getErrorCode();
        if (code == SERVER_GONE || code == LOST_CONNECTION || code == READ_ONLY
            || code == READ_ONLY_TRANSACTION) {
          return true;
        }
        // SQLState class 08 = connection exception (refused, reset, link failure).
        if (s.getSQLState() != null && s.getSQLState().startsWith("08")) {
          return true;
        }
      }
    }
    return false;
  }
}
