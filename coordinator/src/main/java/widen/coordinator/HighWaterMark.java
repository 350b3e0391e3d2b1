package widen.coordinator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
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
 * open ones (information_schema.INNODB_TRX) makes every id up to the mark final before the sweep
 * copies it. Ids allocated after the read are above the mark and belong to the next sweep. The
 * order matters: mark first, then the snapshot of open transactions.
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
   */
  OptionalLong read(Connection src) throws SQLException, InterruptedException {
    OptionalLong mark = max(src);
    Timestamp readAt = now(src);
    long started = System.currentTimeMillis();
    long nextWarning = started + warnAfterMs;
    while (true) {
      List<String> open = openSince(src, readAt);
      if (open == null || open.isEmpty()) {
        return mark;
      }
      if (System.currentTimeMillis() >= nextWarning) {
        log.warn("waiting {} s for {} source transactions open when the high-water mark was read;"
            + " their rows could otherwise be missed. Commit or kill them: {}",
            (System.currentTimeMillis() - started) / 1000, open.size(), String.join("; ", open));
        nextWarning += warnAfterMs;
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
  }

  /**
   * Transactions (other than ours) that started no later than {@code readAt}: trx_started has
   * whole seconds, so a few that started just after are waited for too, which costs only time.
   * Null when the user lacks PROCESS: then the trailing window and verification are the net.
   */
  private List<String> openSince(Connection src, Timestamp readAt) throws SQLException {
    try (PreparedStatement ps = src.prepareStatement("SELECT trx_id, trx_mysql_thread_id,"
        + " trx_started FROM information_schema.INNODB_TRX WHERE trx_started <= ?"
        + " AND trx_mysql_thread_id <> CONNECTION_ID()")) {
      ps.setTimestamp(1, readAt);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add("trx " + rs.getString(1) + " on thread " + rs.getLong(2) + " since "
              + rs.getString(3));
        }
      }
      return out;
    } catch (SQLException e) {
      if (e.getErrorCode() != MysqlErrors.SPECIFIC_ACCESS_DENIED) {
        throw e;
      }
      if (!warnedNoPrivilege) {
        warnedNoPrivilege = true;
        log.warn("the source user cannot read information_schema.INNODB_TRX (grant PROCESS):"
            + " sweeps cannot wait for open transactions and rely on sweep.window_ids and"
            + " verification to catch late commits");
      }
      return null;
    }
  }

  private static Timestamp now(Connection src) throws SQLException {
    try (PreparedStatement ps = src.prepareStatement("SELECT NOW()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getTimestamp(1);
    }
  }
}
