package widen.coordinator;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.queue.RangeTask;

/**
 * Plans verification of every id copied since the last verification, one verify task per copy
 * range (clipped to the ids its sweep covered first), so no id is verified twice and the ranges'
 * checksums add up to the whole table's.
 */
final class VerifyPlanner {
  private static final Logger log = LoggerFactory.getLogger(VerifyPlanner.class);
  private static final int PAGE = 1000;

  private final Ledger ledger;
  private final TaskBoard board;

  VerifyPlanner(Ledger ledger, TaskBoard board) {
    this.ledger = ledger;
    this.board = board;
  }

  /**
   * Records and publishes verify tasks for {@code (verifiedThrough, through]}, moving to
   * {@code phase} (if not null) in the same transaction. Returns the next free range id.
   */
  int plan(long verifiedThrough, long through, Phase phase, int firstRangeId)
      throws SQLException, IOException, InterruptedException, TimeoutException {
    List<LedgerRange> ranges = new ArrayList<>();
    int id = firstRangeId;
    int after = 0;
    for (List<LedgerRange> page; !(page = ledger.toVerify(verifiedThrough, after, PAGE)).isEmpty(); ) {
      for (LedgerRange copy : page) {
        ranges.add(LedgerRange.planned(id++, RangeTask.Kind.VERIFY, copy.sweep(), copy.range(),
            copy.rowsPlanned()));
      }
      after = page.get(page.size() - 1).rangeId();
    }
    ledger.addVerify(ranges, through, phase);
    board.publish(ranges);
    log.info("migration={} verification of ids ({}, {}]: {} verify tasks", ledger.migrationId(),
        verifiedThrough == Long.MIN_VALUE ? "start" : verifiedThrough, through, ranges.size());
    return id;
  }
}
