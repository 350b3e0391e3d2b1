package widen.coordinator;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import widen.queue.RangeTask;
import widen.range.RangePlanner;

/**
 * Plans the backfill (sweep 0): ranges of about {@code plan.range_rows} rows from the smallest
 * source id up to the high-water mark read when the migration began, a batch per step so the
 * first ranges are copied while the rest are still being planned.
 */
final class Backfill {
  /** Ranges planned, recorded and published per step. */
  static final int PLAN_BATCH = 200;

  private final Ledger ledger;
  private final TaskBoard board;
  private final RangePlanner planner;
  private final long ceiling;
  private long plannedThrough;
  private boolean planningDone;
  private int nextRangeId;

  Backfill(Ledger ledger, TaskBoard board, RangePlanner planner, Migration m, int nextRangeId) {
    this.ledger = ledger;
    this.board = board;
    this.planner = planner;
    this.ceiling = m.highWaterMark() == null ? 0 : m.highWaterMark();
    this.plannedThrough = m.plannedThrough() == null ? 0 : m.plannedThrough();
    this.planningDone = m.planningDone();
    this.nextRangeId = nextRangeId;
  }

  boolean planningDone() {
    return planningDone;
  }

  /** The next free range id, for whoever plans after the backfill. */
  int nextRangeId() {
    return nextRangeId;
  }

  /** Plans, records and publishes up to {@link #PLAN_BATCH} ranges. */
  void step(Connection src) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    List<LedgerRange> batch = new ArrayList<>();
    long mark = plannedThrough;
    while (batch.size() < PLAN_BATCH) {
      Optional<RangePlanner.Planned> p = planner.next(src, mark, ceiling);
      if (p.isEmpty()) {
        mark = ceiling;
        break;
      }
      batch.add(LedgerRange.planned(nextRangeId++, RangeTask.Kind.COPY, 0, p.get().range(),
          p.get().rows()));
      mark = p.get().range().hi();
    }
    planningDone = mark >= ceiling;
    ledger.addPlanned(batch, mark, planningDone);
    board.publish(batch);
    plannedThrough = mark;
  }
}
