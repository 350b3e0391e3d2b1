package widen.coordinator;

import java.sql.SQLException;
import widen.WidenException;

/**
 * What an operator may ask of a running migration, written to the ledger, which the coordinator
 * reads on its next step. The CLI and the coordinator's HTTP control endpoints both come here, so
 * they check and answer alike.
 */
public final class OperatorActions {
  private final Ledger ledger;

  public OperatorActions(Ledger ledger) {
    this.ledger = ledger;
  }

  /** Records that the application now writes only to the new table; returns what happens next. */
  public String flip() throws SQLException {
    Migration m = started();
    if (!ledger.confirmFlip()) {
      throw new WidenException("migration " + m.id() + " is " + m.phase() + (m.flipConfirmed() ? " and the flip is already recorded"
          : ", not READY_TO_FLIP: wait for the flip advice (widen status)"));
    }
    return "flip recorded for migration " + m.id() + ": the coordinator sweeps the old table's"
        + " last rows once it is quiet, then completes";
  }

  /**
   * Sends parked ranges (all, or just {@code rangeId}) back to the queue with fresh attempts;
   * the coordinator publishes them within a second. Returns what was done.
   */
  public String retryFailed(Integer rangeId) throws SQLException {
    Migration m = started();
    int n = ledger.retryFailed(rangeId);
    if (n == 0) {
      throw new WidenException(rangeId == null ? "migration " + m.id() + " has no parked ranges"
          : "range " + rangeId + " of migration " + m.id() + " is not parked: see widen status");
    }
    return n + " parked range" + (n == 1 ? "" : "s") + " of migration " + m.id()
        + " sent back to the queue with fresh attempts";
  }

  /** Stops the fleet taking new ranges (those in hand finish) within about a second. */
  public String pause() throws SQLException {
    Migration m = started();
    ledger.setPaused(true);
    return "migration " + m.id() + " paused: workers finish the ranges in hand and take no more"
        + " until widen resume";
  }

  public String resume() throws SQLException {
    Migration m = started();
    ledger.setPaused(false);
    return "migration " + m.id() + " resumed";
  }

  /** Limits the whole fleet to {@code rowsPerSecond} (0: no limit; null: the config's). */
  public String throttle(Long rowsPerSecond) throws SQLException {
    Migration m = started();
    if (rowsPerSecond != null && rowsPerSecond < 0) {
      throw new WidenException("rows per second must be 0 (no limit) or more");
    }
    ledger.setRowsPerSecond(rowsPerSecond);
    return "migration " + m.id() + (rowsPerSecond == null ? ": rate back to throttle.rows_per_second"
        : rowsPerSecond == 0 ? ": no rate limit" : ": at most " + rowsPerSecond
        + " rows/s for the whole fleet");
  }

  private Migration started() throws SQLException {
    return ledger.migration().orElseThrow(() -> new WidenException("migration "
        + ledger.migrationId() + " has not started: run widen coordinator first"));
  }
}
