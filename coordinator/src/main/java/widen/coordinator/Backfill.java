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
import widen.range.RangeSizer;

/**
 * Plans the backfill (sweep 0): ranges from the smallest source id up to the high-water mark read
 * when the migration began, each sized by the {@link RangeSizer} from the speed of the ranges
 * copied before it.
 *
 * <p>Planning stays only a little ahead of the fleet: at most {@link #RANGES_AHEAD_PER_CONSUMER}
 * open ranges per consumer on the task queue (at least {@link #MIN_AHEAD}). That is what lets the
 * size follow the measured speed, keeps the queue short whatever the table's size (a billion rows
 * are 100,000 ranges or more), and costs nothing: a consumer always has its next ranges waiting.
 */
final class Backfill {
  /** Most ranges planned, recorded and published per step. */
  static final int PLAN_BATCH = 200;
  static final int RANGES_AHEAD_PER_CONSUMER = 4;
  static final int MIN_AHEAD = 8;
  /** The fleet's size changes slowly: the broker is asked at most this often, not each step. */
  static final long CONSUMERS_TTL_MS = 1000;

  private final Ledger ledger;
  private final TaskBoard board;
  private final RangePlanner planner;
  private final RangeSizer sizer;
  private final long ceiling;
  private long plannedThrough;
  private boolean planningDone;
  private int nextRangeId;
  /** Whether the last step filled all the room it had: more may be planned at once. */
  private boolean hungry = true;
  private int consumers;
  private long consumersAt = Long.MIN_VALUE;

  Backfill(Ledger ledger, TaskBoard board, RangePlanner planner, RangeSizer sizer, Migration m,
      int nextRangeId) {
    this.ledger = ledger;
    this.board = board;
    this.planner = planner;
    this.sizer = sizer;
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

  /** Whether planning has room for more ranges now (the caller need not wait for results). */
  boolean hungry() {
    return !planningDone && hungry;
  }

  private int consumers() throws IOException {
    long now = System.currentTimeMillis();
    if (now - consumersAt >= CONSUMERS_TTL_MS) {
      consumers = board.consumers();
      consumersAt = now;
    }
    return consumers;
  }

  /** Plans, records and publishes as many ranges as there is room for, up to a batch. */
  void step(Connection src) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    long ahead = Math.max(MIN_AHEAD, (long) RANGES_AHEAD_PER_CONSUMER * consumers());
    int room = (int) Math.min(PLAN_BATCH, ahead - ledger.open(RangeTask.Kind.COPY));
    hungry = room > 0;
    if (room <= 0) {
      return;
    }
    List<LedgerRange> batch = new ArrayList<>();
    long mark = plannedThrough;
    while (batch.size() < room) {
      Optional<RangePlanner.Planned> p = planner.next(src, mark, ceiling, sizer.nextRows());
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
