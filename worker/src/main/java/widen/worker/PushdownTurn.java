package widen.worker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.db.AutoIncLock;
import widen.schema.TableShape;

/**
 * One pushed-down range at a time across the whole fleet, by a named lock on the server that
 * holds both tables, where the target's AUTO-INC lock would serialize them anyway.
 *
 * <p>Why: under innodb_autoinc_lock_mode 0 or 1, every INSERT ... SELECT into a table with an
 * AUTO_INCREMENT column holds the table's AUTO-INC lock until it ends, so concurrent ranges run
 * one after another whatever the fleet's size. Waiting for that lock inside InnoDB is not free:
 * on 2,000,000 CSMH rows with 2 workers of 2 threads (docs/performance.md, medians of three), the
 * server spent 10.6 us a row with the ranges queued on the AUTO-INC lock (0.88x one
 * INSERT ... SELECT) and 9.3 us with them queued here (1.05x). The lock belongs to the session,
 * so a worker that dies mid-range frees it with its connection.
 */
final class PushdownTurn {
  private static final Logger log = LoggerFactory.getLogger(PushdownTurn.class);
  /** How long a range waits for its turn before it fails (and is retried later). */
  static final int WAIT_SECONDS = 600;

  private final String name;
  /**
   * Seconds one GET_LOCK may block: half the connection's read timeout, so that a long wait for
   * the turn is never taken for a silent server. The whole wait is taken in such slices.
   */
  private final int sliceSeconds;

  private PushdownTurn(String name, int readTimeoutSeconds) {
    this.name = name;
    this.sliceSeconds = readTimeoutSeconds <= 0 ? WAIT_SECONDS
        : Math.max(1, Math.min(WAIT_SECONDS, readTimeoutSeconds / 2));
  }

  /**
   * The turn that pushed-down ranges into {@code target} take, or null where the server lets
   * them run side by side (innodb_autoinc_lock_mode 2, or no AUTO_INCREMENT column).
   */
  static PushdownTurn ifSerialized(Connection dst, TableShape target, int readTimeoutSeconds)
      throws SQLException {
    if (!AutoIncLock.serializesBulkInserts(dst, target)) {
      return null;
    }
    PushdownTurn turn = into(target, readTimeoutSeconds);
    log.info("pushed-down ranges take turns by lock '{}': the target's AUTO-INC lock would"
        + " serialize them anyway, and waiting for it costs the server more", turn.name);
    return turn;
  }

  /**
   * The turn for writes into {@code target}, on connections that time out after {@code
   * readTimeoutSeconds} (0: never); lock names hold at most 64 characters.
   */
  static PushdownTurn into(TableShape target, int readTimeoutSeconds) {
    String table = target.database() + "." + target.table();
    String name = "widen-pushdown " + table;
    return new PushdownTurn(name.length() <= 64 ? name
        : name.substring(0, 55) + " " + Integer.toHexString(table.hashCode()), readTimeoutSeconds);
  }

  String name() {
    return name;
  }

  /** Waits for the turn on {@code c}'s session; fails after {@link #WAIT_SECONDS}. */
  void take(Connection c) throws SQLException {
    for (int waited = 0; waited < WAIT_SECONDS; waited += sliceSeconds) {
      int slice = Math.min(sliceSeconds, WAIT_SECONDS - waited);
      if (call(c, "SELECT GET_LOCK(?, " + slice + ")")) {
        return;
      }
    }
    throw new SQLException("waited " + WAIT_SECONDS + " s for lock '" + name + "' (another"
        + " range's INSERT ... SELECT holds it); the range will be retried");
  }

  int sliceSeconds() {
    return sliceSeconds;
  }

  /** Gives the turn back; false if {@code c}'s session did not hold it. */
  boolean give(Connection c) throws SQLException {
    return call(c, "SELECT RELEASE_LOCK(?)");
  }

  private boolean call(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) == 1;
      }
    }
  }
}
