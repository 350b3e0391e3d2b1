package widen.coordinator;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.queue.RangeTask;
import widen.range.RangePlanner;

/**
 * Plans a delta sweep: reads a new high-water mark (and waits out the transactions open at that
 * moment), then records and publishes copy ranges from a trailing window below the previous mark
 * up to the new one. The window re-reads ids near the old mark in case a row committed there
 * after the previous sweep copied its range; the copy is idempotent, so re-reading costs only
 * time.
 */
final class Sweeper {
  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

  private final Ledger ledger;
  private final TaskBoard board;
  private final RangePlanner planner;
  private final HighWaterMark marks;
  private final long window;

  Sweeper(Ledger ledger, TaskBoard board, RangePlanner planner, HighWaterMark marks, long window) {
    this.ledger = ledger;
    this.board = board;
    this.planner = planner;
    this.marks = marks;
    this.window = window;
  }

  /** Plans the sweep after {@code previous}; returns the next free range id. */
  int plan(Connection src, Sweep previous, boolean isFinal, int firstRangeId)
      throws SQLException, IOException, InterruptedException, TimeoutException {
    OptionalLong read = isFinal ? marks.readSettled(src) : marks.read(src);
    long mark = Math.max(previous.mark(), read.orElse(previous.mark()));
    long rowsNew = mark > previous.mark() ? marks.count(src, previous.mark(), mark) : 0;
    long floor = ledger.sweeps().get(0).fromMark();
    // After the flip the application writes the new table only, and may change rows the sweeps
    // before copied: re-copying the trailing window would put the old table's values back over
    // them. Ids above the previous mark the new table does not have yet, so the final sweep
    // copies only those; its predecessors waited out late commits below that mark.
    long copyFrom = isFinal ? previous.mark()
        : Math.max(floor, previous.mark() - Math.min(window, previous.mark() - floor));
    Sweep sweep = new Sweep(previous.number() + 1, previous.mark(), mark, copyFrom, rowsNew,
        isFinal);
    List<LedgerRange> ranges = new ArrayList<>();
    int id = firstRangeId;
    for (long after = copyFrom; after < mark; ) {
      Optional<RangePlanner.Planned> p = planner.next(src, after, mark);
      if (p.isEmpty()) {
        break;
      }
      ranges.add(LedgerRange.planned(id++, RangeTask.Kind.COPY, sweep.number(), p.get().range(),
          p.get().rows()));
      after = p.get().range().hi();
    }
    ledger.addSweep(sweep, ranges);
    board.publish(ranges);
    log.info("migration={} {}sweep {}: high-water mark {} -> {}, {} new rows, {} ranges from {}",
        ledger.migrationId(), isFinal ? "final " : "", sweep.number(), previous.mark(), mark,
        rowsNew, ranges.size(), copyFrom);
    return id;
  }
}
