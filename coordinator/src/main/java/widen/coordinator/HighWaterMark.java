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
import java.util.concurrent.atomic.AtomicLong;
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
  /** A little over the 100 ms without a reader after which InnoDB refills INNODB_TRX. */
  private static final long REFILL_NS = TimeUnit.MILLISECONDS.toNanos(110);

  private final String maxSql;
  private final String countSql;
  private final long warnAfterMs;
  private boolean warnedNoPrivilege;
  /** When this session last read INNODB_TRX (System.nanoTime). */
  private long lastLook = System.nanoTime() - REFILL_NS;
  /** Numbers each read's token, which tells its own list of open transactions. */
  private final AtomicLong reads = new AtomicLong();
  /** The trx_started of the last read's own transaction, as INNODB_TRX showed it, or null. */
  private String previousStarted;

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
   *
   * <p>An old list may still show this session's previous transaction, on the same thread. A
   * list shows the current one if it shows this thread with another start time than the
   * previous one's, or, since start times have whole seconds, with this read's own token in its
   * query: InnoDB fills the list during a query and records each thread's statement, so a list
   * filled by this read's own query holds the token.
   */
  OptionalLong read(Connection src) throws SQLException, InterruptedException {
    // InnoDB refills the list only after 100 ms without a reader: this session's last look (the
    // previous read's) must be that far back, or the first look sees the old list and the next
    // comes a poll later, by when more transactions may have begun. The wait comes before the
    // mark, so the transactions it lets begin are not waited for.
    long sinceLastLook = System.nanoTime() - lastLook;
    if (sinceLastLook < REFILL_NS) {
      TimeUnit.NANOSECONDS.sleep(REFILL_NS - sinceLastLook);
    }
    OptionalLong mark = max(src);
    // Begun at once, whatever the server's default level: under READ COMMITTED a server may
    // take WITH CONSISTENT SNAPSHOT as a no-op and begin the transaction only at its first read.
    execute(src, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    execute(src, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
    try {
      previousStarted = awaitOpenAtMark(src, "widen-hwm-" + reads.incrementAndGet());
      return mark;
    } finally {
      execute(src, "ROLLBACK");
    }
  }

  /**
   * As {@link #read}, for the final sweep, after which no sweep looks above its mark. A
   * transaction open at the read may hold an id above the mark (allocated after the largest
   * committed one), which {@link #read} leaves to the next sweep; for the final sweep there is
   * none, and its row, committed during the wait, would be lost. So the mark is read again, and
   * waited for again, until two reads in a row agree: every transaction open at the last read has
   * ended and no row came above its mark meanwhile.
   */
  OptionalLong readSettled(Connection src) throws SQLException, InterruptedException {
    OptionalLong mark = read(src);
    while (true) {
      OptionalLong again = read(src);
      if (again.equals(mark)) {
        return mark;
      }
      log.info("rows were committed above the high-water mark {} while its transactions were"
          + " waited for: reading it again ({})", mark, again);
      mark = again;
    }
  }

  /**
   * Waits until every transaction open when this session's own began has ended; at once when
   * the user may not see them (no PROCESS). Returns our transaction's trx_started, or null.
   */
  private String awaitOpenAtMark(Connection src, String token)
      throws SQLException, InterruptedException {
    long started = System.currentTimeMillis();
    long nextWarning = started + warnAfterMs;
    Set<String> waitingFor = null;
    while (true) {
      OpenTransactions now = openTransactions(src, token);
      lastLook = System.nanoTime();
      if (now == null) {
        return null;
      }
      if (now.ours() != null && (!now.ours().equals(previousStarted) || now.oursHasToken())) {
        if (waitingFor == null) {
          waitingFor = new LinkedHashSet<>(now.others());
        } else {
          waitingFor.retainAll(now.others());
        }
        if (waitingFor.isEmpty()) {
          return now.ours();
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
   * The transactions INNODB_TRX lists: our thread's start time, if it is among them, and every
   * other, each as its thread and start time. Null when the user lacks
   * PROCESS, which the coordinator requires at start ({@code Privileges.requireProcess}); lost
   * since, only the trailing window and verification are the net.
   */
  private OpenTransactions openTransactions(Connection src, String token) throws SQLException {
    // The token is a literal of the statement (a comment might be stripped on the way).
    try (PreparedStatement ps = src.prepareStatement("SELECT trx_mysql_thread_id,"
        + " trx_started, trx_mysql_thread_id = CONNECTION_ID(), LOCATE('" + token + "',"
        + " trx_query) > 0 FROM information_schema.INNODB_TRX");
        ResultSet rs = ps.executeQuery()) {
      String ours = null;
      boolean tokenSeen = false;
      List<String> others = new ArrayList<>();
      while (rs.next()) {
        if (rs.getBoolean(3)) {
          ours = rs.getString(2);
          tokenSeen = rs.getBoolean(4);
        } else {
          others.add("thread " + rs.getLong(1) + " since " + rs.getString(2));
        }
      }
      return new OpenTransactions(ours, tokenSeen, others);
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

  private record OpenTransactions(String ours, boolean oursHasToken, List<String> others) {}

  private static void execute(Connection src, String sql) throws SQLException {
    try (Statement st = src.createStatement()) {
      st.execute(sql);
    }
  }
}
