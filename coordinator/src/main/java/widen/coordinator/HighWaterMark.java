package widen.coordinator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.db.MysqlErrors;
import widen.sql.Sql;

/**
 * Reads the source's largest id as a sweep's high-water mark, then waits until every transaction
 * that was open at that moment has ended.
 *
 * <p>Commit order is not id order: a transaction may hold id 100 uncommitted while id 101 commits,
 * and {@code MAX(id)} then says 101. Any id at or below the mark was allocated before the read, by
 * a transaction that has either committed (visible) or is still open at the read; waiting out the
 * open ones (information_schema.INNODB_TRX, see {@link #read}) makes every id up to the mark
 * final before the sweep copies it. Ids allocated after the read are above the mark and belong
 * to the next sweep. The order matters: mark first, then the list of open transactions.
 */
final class HighWaterMark {
  private static final Logger log = LoggerFactory.getLogger(HighWaterMark.class);
  private static final long POLL_MS = 200;

  private final String maxSql;
  private final String countSql;
  private final long warnAfterMs;
  private boolean warnedNoPrivilege;

  HighWaterMark(String database, String table, String primaryKey, int warnAfterSeconds) {
    String t = Sql.quote(database, table);
    String pk = Sql.quote(primaryKey);
    this.maxSql = "SELECT MAX(" + pk + ") FROM " + t;
    this.countSql = "SELECT COUNT(*) FROM " + t + " WHERE " + pk + " > ? AND " + pk + " <= ?";
    this.warnAfterMs = TimeUnit.SECONDS.toMillis(warnAfterSeconds);
  }

  /** The largest id now, or empty when the table has no rows. */
  OptionalLong max(Connection src) throws SQLException {
    try (PreparedStatement ps = src.prepareStatement(maxSql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      long v = rs.getLong(1);
      return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
    }
  }

  /** Source rows with ids above {@code mark}: written since that sweep (or since COMPLETE). */
  long rowsAbove(Connection src, long mark) throws SQLException {
    long max = max(src).orElse(mark);
    return max > mark ? count(src, mark, max) : 0;
  }

  /** Source rows with ids in {@code (lo, hi]}. */
  long count(Connection src, long lo, long hi) throws SQLException {
    try (PreparedStatement ps = src.prepareStatement(countSql)) {
      ps.setLong(1, lo);
      ps.setLong(2, hi);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Reads the mark and returns it once every transaction open at the read has ended. Waits as
   * long as it takes, warning every {@code sweep.trx_warn_seconds} with the transactions named:
   * going on without them could lose their rows.
   *
   * <p>Which transactions were open is not decided by comparing their start time with the
   * server's clock: INNODB_TRX gives {@code trx_started} in the server's system time zone
   * whatever the session's (widen's sessions run in UTC), so on a server east of UTC every open
   * transaction would look younger than the mark and none would be waited for. Nor is a single
   * look at INNODB_TRX trusted: InnoDB refreshes that list only when nobody has read it for
   * 100 ms, so a monitor that reads it often serves an old list. Instead this session opens a
   * transaction of its own right after reading the mark; a list that shows it was taken after
   * the read, so it shows every transaction still open from before. Those are waited for, each
   * known by its thread and start time (its trx_id changes when a read-only transaction first
   * writes), until a fresh list shows none of them.
   */
  OptionalLong read(Connection src) throws SQLException, InterruptedException {
    OptionalLong mark = max(src);
    execute(src, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
    try {
      awaitOpenAtMark(src);
      return mark;
    } finally {
      execute(src, "ROLLBACK");
    }
  }

  /**
   * Waits until every transaction open when this session's own began has ended; at once when
   * the user may not see them (no PROCESS).
   */
  private void awaitOpenAtMark(Connection src) throws SQLException, InterruptedException {
    long started = System.currentTimeMillis();
    long nextWarning = started + warnAfterMs;
    Set<String> waitingFor = null;
    while (true) {
      OpenTransactions now = openTransactions(src);
      if (now == null) {
        return;
      }
      if (now.includesOurs()) {
        if (waitingFor == null) {
          waitingFor = new LinkedHashSet<>(now.others());
        } else {
          waitingFor.retainAll(now.others());
        }
        if (waitingFor.isEmpty()) {
          return;
        }
      }
      if (System.currentTimeMillis() >= nextWarning) {
        warn(waitingFor, System.currentTimeMillis() - started);
        nextWarning += warnAfterMs;
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
  }

  private void warn(Set<String> waitingFor, long waitedMs) {
    if (waitingFor == null) {
      log.warn("waiting {} s for information_schema.INNODB_TRX to show a list taken after the"
          + " high-water mark was read: InnoDB refreshes it only after 100 ms without a reader,"
          + " so some client reads it more often than that", waitedMs / 1000);
    } else {
      log.warn("waiting {} s for {} source transactions open when the high-water mark was read;"
          + " their rows could otherwise be missed. Commit or kill them: {}", waitedMs / 1000,
          waitingFor.size(), String.join("; ", waitingFor));
    }
  }

  /**
   * The transactions INNODB_TRX lists: whether ours is among them (the list is newer than our
   * transaction), and every other, each as its thread and start time. Null when the user lacks
   * PROCESS, which the coordinator requires at start ({@code Privileges.requireProcess}); lost
   * since, only the trailing window and verification are the net.
   */
  private OpenTransactions openTransactions(Connection src) throws SQLException {
    try (PreparedStatement ps = src.prepareStatement("SELECT trx_mysql_thread_id,"
        + " trx_started, trx_mysql_thread_id = CONNECTION_ID() FROM"
        + " information_schema.INNODB_TRX");
        ResultSet rs = ps.executeQuery()) {
      boolean ours = false;
      List<String> others = new ArrayList<>();
      while (rs.next()) {
        if (rs.getBoolean(3)) {
          ours = true;
        } else {
          others.add("thread " + rs.getLong(1) + " since " + rs.getString(2));
        }
      }
      return new OpenTransactions(ours, others);
    } catch (SQLException e) {
      if (e.getErrorCode() != MysqlErrors.SPECIFIC_ACCESS_DENIED) {
        throw e;
      }
      if (!warnedNoPrivilege) {
        warnedNoPrivilege = true;
        log.error("the source user can no longer read information_schema.INNODB_TRX (grant"
            + " PROCESS again): sweeps cannot wait for open transactions, and only"
            + " sweep.window_ids and verification catch a row committed late below a mark");
      }
      return null;
    }
  }

  private record OpenTransactions(boolean includesOurs, List<String> others) {}

  private static void execute(Connection src, String sql) throws SQLException {
    try (Statement st = src.createStatement()) {
      st.execute(sql);
    }
  }
}
