package widen.coordinator;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.Backoff;
import widen.queue.RangeResult;
import widen.queue.RangeTask;
import widen.range.RangeSizer;

/**
 * Where the ledger meets the queue: ranges go out (recorded first, then published and confirmed,
 * then marked QUEUED) and results come back (written to the ledger, then acknowledged). A failed
 * range goes back through the delay queue, waiting longer after each attempt, until
 * {@code copy.max_attempts}; then it is parked: FAILED in the ledger with its error, and a notice
 * on the parking queue. A task no worker lived to answer is parked at once.
 */
final class TaskBoard {
  private static final Logger log = LoggerFactory.getLogger(TaskBoard.class);

  private final Ledger ledger;
  private final TaskPublisher publisher;
  private final ResultInbox inbox;
  private final int maxAttempts;
  private final Backoff retryDelay;
  private final RangeSizer sizer;

  /** {@code sizer} learns from every backfill range copied how big the next ones should be. */
  TaskBoard(Ledger ledger, TaskPublisher publisher, ResultInbox inbox, int maxAttempts,
      Backoff retryDelay, RangeSizer sizer) {
    this.sizer = sizer;
    this.ledger = ledger;
    this.publisher = publisher;
    this.inbox = inbox;
    this.maxAttempts = maxAttempts;
    this.retryDelay = retryDelay;
  }

  /** Publishes ranges already recorded PENDING, then marks them QUEUED. */
  void publish(List<LedgerRange> ranges) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    if (ranges.isEmpty()) {
      return;
    }
    publisher.publish(ranges.stream().map(r -> new RangeTask(ledger.migrationId(), r.rangeId(),
        r.kind(), r.sweep(), r.range(), Math.max(1, r.attempts()))).toList());
    ledger.markQueued(ranges);
  }

  /**
   * After a restart the queue may hold tasks from before; they are dropped and every range not
   * DONE is sent again, so the queue matches the ledger exactly. Returns how many were sent.
   */
  int republishUnfinished() throws SQLException, IOException, InterruptedException,
      TimeoutException {
    publisher.purgeWaiting();
    int after = 0;
    int sent = 0;
    for (List<LedgerRange> page; !(page = ledger.unfinished(after, 1000)).isEmpty(); ) {
      publish(page);
      after = page.get(page.size() - 1).rangeId();
      sent += page.size();
    }
    return sent;
  }

  /**
   * Publishes ranges the ledger holds as PENDING outside of planning: those an operator sent back
   * with retry-failed. Their old notices leave the parking queue. Returns how many were sent.
   */
  int publishPending() throws SQLException, IOException, InterruptedException, TimeoutException {
    List<LedgerRange> pending = ledger.pending(1000);
    publish(pending);
    if (!pending.isEmpty()) {
      java.util.Set<Integer> parked = ledger.parkedRangeIds();
      publisher.pruneParked(r -> parked.contains(r.task().rangeId()));
      log.info("migration={} {} parked ranges sent again", ledger.migrationId(), pending.size());
    }
    return pending.size();
  }

  /** Consumers on the task queue now: workers' threads ready for ranges. */
  int consumers() throws IOException {
    return publisher.consumers();
  }

  /** Broadcasts pause and throttle to the fleet, as {@code throttle} decides it now. */
  void broadcast(Throttle throttle) throws SQLException, IOException {
    publisher.broadcast(throttle.decide(publisher.consumers()));
  }

  /** Writes every waiting result to the ledger; waits up to {@code waitMs} for the first. */
  void drain(long waitMs) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    for (ResultInbox.Delivery d = inbox.poll(waitMs); d != null; d = inbox.poll(0)) {
      if (d.result() != null) {
        record(d.result());
      }
      inbox.ack(d);
    }
  }

  private void record(RangeResult r) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    // The lines logged for this result carry its range and worker (fields with log.format=json).
    org.slf4j.MDC.put("range", Integer.toString(r.task().rangeId()));
    org.slf4j.MDC.put("worker", r.worker());
    try {
      recordResult(r);
    } finally {
      org.slf4j.MDC.remove("range");
      org.slf4j.MDC.remove("worker");
    }
  }

  private void recordResult(RangeResult r) throws SQLException, IOException,
      InterruptedException, TimeoutException {
    RangeTask task = r.task();
    Optional<LedgerRange> known = ledger.range(task.rangeId());
    if (known.isEmpty() || !known.get().range().equals(task.range())
        || known.get().kind() != task.kind()) {
      log.warn("migration={} ignored a result for range {} {} that the ledger does not hold",
          ledger.migrationId(), task.rangeId(), task.range());
      return;
    }
    if (r.ok()) {
      ledger.done(r);
      if (task.kind() == RangeTask.Kind.COPY && task.sweep() == 0) {
        sizer.observe(r.rows(), r.finishedAtMillis() - r.startedAtMillis());
      }
      if (r.verdict() != null && r.verdict().note() != null) {
        log.warn("migration={} range={} {} verified {}: {}", ledger.migrationId(), task.rangeId(),
            task.range(), r.verdict().verdict(), r.verdict().note());
      }
    } else if (known.get().state() == RangeState.DONE) {
      log.info("range {} failed on {} but another attempt already succeeded", task.rangeId(),
          r.worker());
    } else if (r.abandoned() || task.attempt() >= maxAttempts) {
      ledger.failed(r, true);
      publisher.park(r);
      log.error("migration={} range={} {} {} parked after {} attempts: {} (fix the cause, then"
          + " widen retry-failed)", ledger.migrationId(), task.rangeId(), task.kind(),
          task.range(), task.attempt(), r.error());
    } else {
      ledger.failed(r, false);
      long delay = retryDelay.millis(task.attempt());
      publisher.publishDelayed(task.nextAttempt(), delay);
      log.warn("migration={} range={} {} attempt {} failed on {}, tried again in {} ms: {}",
          ledger.migrationId(), task.rangeId(), task.kind(), task.attempt(), r.worker(), delay,
          r.error());
    }
  }
}
