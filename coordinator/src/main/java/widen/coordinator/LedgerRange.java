package widen.coordinator;

import widen.queue.RangeTask;
import widen.range.IdRange;

/** One range's row in the ledger: a copy or a verify task, of the backfill (sweep 0) or a sweep. */
public record LedgerRange(int rangeId, RangeTask.Kind kind, int sweep, IdRange range,
    long rowsPlanned, RangeState state, int attempts) {

  static LedgerRange planned(int rangeId, RangeTask.Kind kind, int sweep, IdRange range,
      long rows) {
    return new LedgerRange(rangeId, kind, sweep, range, rows, RangeState.PENDING, 0);
  }
}
