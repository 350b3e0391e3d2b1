package widen.coordinator;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.queue.RangeTask.Kind;
import widen.range.RangePlanner;
import widen.range.RangeSizer;
import widen.schema.TablePair;

/**
 * What each {@link Phase} does, one short step at a time: plan the backfill, sweep until the tail
 * is small, verify, advise the flip (and withdraw the advice when the tail grows or the headroom
 * shrinks), and after the flip make the final sweep. Every step reads its state from the ledger
 * and returns without waiting, so the coordinator's loop keeps draining results and broadcasting
 * the throttle in between.
 *
 * <p>Built afresh by every (re)connect, on that session's connections. What it keeps in memory is
 * only timing (the old table's quiet period, the next tail check): after a reconnect the quiet
 * period starts again, which can only delay the final sweep, never hurry it.
 */
final class PhaseSteps {
  private static final Logger log = LoggerFactory.getLogger(PhaseSteps.class);

  private final WidenConfig config;
  private final Ledger ledger;
  private final TablePair tables;
  private final HighWaterMark marks;
  private final Connection src;
  private final Connection dst;
  private final Backfill backfill;
  private final Sweeper sweeper;
  private final VerifyPlanner verifyPlanner;
  private final FlipAdvisor advisor;
  private final long untilRows;
  private final long minFree;
  private int nextRangeId;
  private long nextTailCheck;
  private long quietSince;
  private long quietMax = Long.MIN_VALUE;
  private String blocked;

  PhaseSteps(WidenConfig config, Ledger ledger, TaskBoard board, RangeSizer sizer,
      TablePair tables, HighWaterMark marks, Migration m, Connection src, Connection dst)
      throws SQLException {
    this.config = config;
    this.ledger = ledger;
    this.tables = tables;
    this.marks = marks;
    this.src = src;
    this.dst = dst;
    this.untilRows = config.getLong(Setting.SWEEP_UNTIL_ROWS);
    this.minFree = config.getLong(Setting.HEADROOM_MIN_FREE);
    this.nextRangeId = ledger.nextRangeId();
    RangePlanner planner = new RangePlanner(tables.source().database(), tables.source().table(),
        m.primaryKey(), config.getInt(Setting.PLAN_RANGE_ROWS));
    this.backfill = new Backfill(ledger, board, planner, sizer, m, nextRangeId);
    this.sweeper = new Sweeper(ledger, board, planner, marks,
        config.getLong(Setting.SWEEP_WINDOW_IDS));
    this.verifyPlanner = new VerifyPlanner(ledger, board);
    this.advisor = new FlipAdvisor(ledger, config.get(Setting.FLIP_WEBHOOK_URL));
  }

  /** True while the backfill wants more ranges planned than the queue holds. */
  boolean hungry() {
    return backfill.hungry();
  }

  /** One step of the migration's current phase. */
  void step(Migration m) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    switch (m.phase()) {
      case PLANNED, BACKFILLING -> backfill(m);
      case CATCHING_UP -> catchUp(m);
      case VERIFYING -> finishVerification(m);
      case READY_TO_FLIP -> awaitFlip(m);
      case FINAL_SWEEP -> finalSweep(m);
      case COMPLETE -> { }
    }
  }

  /** Plans the next ranges of the id space; once all are planned and copied, sweeps begin. */
  private void backfill(Migration m) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    if (!backfill.planningDone()) {
      backfill.step(src);
      nextRangeId = backfill.nextRangeId();
    } else if (ledger.open(Kind.COPY) == 0) {
      ledger.setPhase(Phase.CATCHING_UP);
      log.info("migration={} backfill complete; delta sweeps begin", m.id());
    }
  }

  /** Sweeps until the newest sweep and the rows since both fall under sweep.until_rows. */
  private void catchUp(Migration m) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    if (ledger.open(Kind.COPY) > 0) {
      return;
    }
    Sweep last = ledger.lastSweep().orElseThrow();
    if (last.number() >= 1 && last.rowsNew() < untilRows && tail(last) < untilRows) {
      nextRangeId = verifyPlanner.plan(verifiedThrough(m), last.mark(), Phase.VERIFYING,
          nextRangeId);
    } else {
      nextRangeId = sweeper.plan(src, last, false, nextRangeId);
    }
  }

  /** When every verify task is done: checks the headroom and the tail, then advises the flip. */
  private void finishVerification(Migration m) throws SQLException {
    if (ledger.open(Kind.VERIFY) > 0 || ledger.open(Kind.COPY) > 0) {
      return;
    }
    if (m.verifiedThrough() == null || !m.verifiedThrough().equals(m.verifyPlannedThrough())) {
      ledger.setVerifiedThrough(m.verifyPlannedThrough());
    }
    Sweep last = ledger.lastSweep().orElseThrow();
    long tail = tail(last);
    if (tail >= untilRows) {
      ledger.setPhase(Phase.CATCHING_UP);
      return;
    }
    Headroom headroom = headroom(last.mark());
    if (block(headroom.problem().orElse(null))) {
      return;
    }
    advisor.advise(last, headroom, tail);
    nextTailCheck = System.currentTimeMillis() + tailCheckMs();
  }

  /**
   * Waits for {@code widen flip --confirm}. Meanwhile, if the old table takes more than
   * sweep.until_rows new rows or the headroom shrinks, the advice is withdrawn and the migration
   * catches up (or waits for the headroom) again.
   */
  private void awaitFlip(Migration m) throws SQLException {
    if (m.flipConfirmed()) {
      ledger.setPhase(Phase.FINAL_SWEEP);
      log.warn("migration={} flip confirmed: the application writes only to the new table;"
          + " waiting {} s of quiet on the old table for the final sweep", m.id(),
          config.getInt(Setting.FLIP_QUIET_SECONDS));
      return;
    }
    if (System.currentTimeMillis() < nextTailCheck) {
      return;
    }
    nextTailCheck = System.currentTimeMillis() + tailCheckMs();
    Sweep last = ledger.lastSweep().orElseThrow();
    long tail = tail(last);
    Optional<String> problem = headroom(last.mark()).problem();
    if (tail >= untilRows || problem.isPresent()) {
      ledger.withdrawAdvice(problem.isPresent() ? Phase.VERIFYING : Phase.CATCHING_UP);
      log.warn("migration={} flip advice withdrawn: {}", m.id(), problem.orElse(tail
          + " rows written to the old table since the last sweep; sweeping again"));
    }
  }

  /**
   * After the flip: once the old table has been quiet for flip.quiet_seconds, sweeps everything
   * written since the last sweep, verifies it, and completes.
   */
  private void finalSweep(Migration m) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    Sweep last = ledger.lastSweep().orElseThrow();
    if (!last.isFinal()) {
      if (oldTableQuiet() && ledger.open(Kind.COPY) == 0) {
        nextRangeId = sweeper.plan(src, last, true, nextRangeId);
      }
      return;
    }
    if (ledger.open(Kind.COPY) > 0) {
      return;
    }
    if (m.verifyPlannedThrough() == null || m.verifyPlannedThrough() < last.mark()) {
      nextRangeId = verifyPlanner.plan(verifiedThrough(m), last.mark(), null, nextRangeId);
      return;
    }
    if (ledger.open(Kind.VERIFY) > 0) {
      return;
    }
    ledger.setVerifiedThrough(last.mark());
    advisor.complete(last, headroom(last.mark()));
  }

  /** True once the source's largest id has not changed for flip.quiet_seconds. */
  private boolean oldTableQuiet() throws SQLException {
    long max = marks.max(src).orElse(Long.MIN_VALUE);
    long now = System.currentTimeMillis();
    if (max != quietMax) {
      quietMax = max;
      quietSince = now;
    }
    return now - quietSince >= config.getInt(Setting.FLIP_QUIET_SECONDS) * 1000L;
  }

  /** Rows in the old table above the last sweep's mark. */
  private long tail(Sweep last) throws SQLException {
    return marks.rowsAbove(src, last.mark());
  }

  private Headroom headroom(long copiedThrough) throws SQLException {
    return Headroom.measure(src, dst, marks, tables.target(), copiedThrough, minFree);
  }

  /** Records (and logs once per change) why the flip is held back; false when nothing holds it. */
  private boolean block(String reason) {
    if (reason != null && !reason.equals(blocked)) {
      log.error("migration={} flip held back: {}", config.migrationId(), reason);
    }
    blocked = reason;
    return reason != null;
  }

  private long tailCheckMs() {
    return config.getInt(Setting.SWEEP_INTERVAL_SECONDS) * 1000L;
  }

  private static long verifiedThrough(Migration m) {
    return m.verifiedThrough() == null ? Long.MIN_VALUE : m.verifiedThrough();
  }
}
