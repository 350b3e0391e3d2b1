package widen.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import widen.Backoff;
import widen.db.Databases;
import widen.db.MysqlErrors;
import widen.queue.RangeResult;
import widen.queue.RangeTask;
import widen.queue.Topology;
import widen.verify.RangeVerdict;

/**
 * One consumer thread of a worker: its own channel, prefetch 1, so it holds one range at a time
 * and the broker hands every other range to whoever is free.
 *
 * <p>The order is what makes a crash anywhere harmless: copy and commit, publish the result and
 * wait for the broker's confirm, and only then acknowledge the task. Dying before the ack means
 * the broker redelivers the task and the range is copied again, which the upsert makes harmless.
 *
 * <p>Errors are sorted by what helps: a lock conflict is tried again here a few times; a lost
 * database is waited for (up to {@code retry.unreachable_seconds}), since no other worker could
 * copy the range either; anything else is reported at once and the coordinator sends the range
 * again later, through the delay queue, to whichever worker is free.
 */
final class RangeConsumer extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(RangeConsumer.class);
  private static final long CONFIRM_TIMEOUT_MS = 30_000;
  private static final Backoff IN_PLACE = new Backoff(250, 30_000);

  private final RangeCopier copier;
  private final RangeVerifier verifier;
  private final Topology topology;
  private final String migrationId;
  private final String workerId;
  private final int inPlaceTries;
  private final long unreachableMillis;
  private final ThrottleGate gate;
  private final WorkerMetrics metrics;
  private volatile boolean busy;
  /** Counts the channel's shutdowns: a delivery is this worker's while the count is unchanged. */
  private final AtomicLong lost = new AtomicLong();
  private volatile boolean stopping;

  RangeConsumer(Channel channel, RangeCopier copier, RangeVerifier verifier, Topology topology,
      String migrationId, String workerId, int inPlaceTries, long unreachableMillis,
      ThrottleGate gate, WorkerMetrics metrics) {
    super(channel);
    this.gate = gate;
    this.metrics = metrics;
    this.inPlaceTries = inPlaceTries;
    this.unreachableMillis = unreachableMillis;
    this.copier = copier;
    this.verifier = verifier;
    this.topology = topology;
    this.migrationId = migrationId;
    this.workerId = workerId;
  }

  /** Starts consuming: confirms on, one unacknowledged task at a time. */
  void start() throws IOException {
    // The channel went down (the connection dropped, or the channel closed): every delivery in
    // hand is the broker's again, to be handed out anew, and a copy begun before must not
    // commit. A listener, not handleShutdownSignal: the client calls a consumer's methods one
    // at a time, so that one would wait for the very copy it has to stop.
    getChannel().addShutdownListener(cause -> lost.incrementAndGet());
    getChannel().confirmSelect();
    getChannel().basicQos(1);
    getChannel().basicConsume(topology.tasks(), false, workerId, this);
  }

  /** Asks the broker for no more tasks; the one in hand, if any, runs to its end. */
  void stopTaking() {
    stopping = true;
    try {
      if (getConsumerTag() != null && getChannel().isOpen()) {
        getChannel().basicCancel(getConsumerTag());
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cancel of {} failed (channel already closed): {}", workerId, e.toString());
    }
  }

  boolean busy() {
    return busy;
  }

  @Override
  public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props,
      byte[] body) throws IOException {
    busy = true;
    // Pool threads serve every consumer of this worker, so the context is set per delivery.
    MDC.put("migration", migrationId);
    MDC.put("worker", workerId);
    try {
      RangeTask task;
      try {
        task = RangeTask.fromBytes(body);
      } catch (RuntimeException malformed) {
        // Not a task widen wrote; dropping it keeps this consumer alive for the real ones.
        log.error("malformed task dropped from {}: {}", topology.tasks(), malformed.toString());
        getChannel().basicNack(envelope.getDeliveryTag(), false, false);
        return;
      }
      if (!task.migrationId().equals(migrationId)) {
        // A task of another migration on our queue cannot be copied with our table pair.
        log.error("task for migration {} on the queue of {}: dropped", task.migrationId(),
            migrationId);
        getChannel().basicNack(envelope.getDeliveryTag(), false, false);
        return;
      }
      if (envelope.isRedeliver()) {
        log.info("migration={} range={} {} redelivered: the worker holding it died or lost the"
            + " broker; worker={} takes it", migrationId, task.rangeId(), task.kind(), workerId);
      }
      if (!gate.awaitOpen(() -> stopping)) {
        getChannel().basicReject(envelope.getDeliveryTag(), true); // paused and stopping
        return;
      }
      long began = System.currentTimeMillis();
      // Every line logged for this range carries it (log.format=json makes them fields).
      MDC.put("range", Integer.toString(task.rangeId()));
      metrics.started(workerId, task);
      RangeResult result = null;
      long lease = lost.get();
      try {
        result = run(task, () -> lost.get() == lease);
      } catch (RangeCopier.LeaseLost handedOn) {
        // Unacknowledged: the broker gave the task to another worker when this channel dropped.
        log.warn("migration={} range={} {}: this worker lost the broker meanwhile, worker={}",
            migrationId, task.rangeId(), handedOn.getMessage(), workerId);
        return;
      } finally {
        MDC.remove("range");
        metrics.finished(workerId, task, result);
      }
      getChannel().basicPublish("", topology.results(), Topology.PERSISTENT, result.toBytes());
      getChannel().waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
      getChannel().basicAck(envelope.getDeliveryTag(), false);
      gate.pace(result.rows(), System.currentTimeMillis() - began);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.TimeoutException | IOException | ShutdownSignalException e) {
      // No confirm, or the broker went away: the result may be lost, so the task stays
      // unacknowledged and the broker hands it out again. Not rethrown: the client library would
      // close this channel for good (the worker opens a new one if it is closed anyway).
      log.warn("worker={} result not confirmed by the broker ({}); the task will be redelivered",
          workerId, e.toString());
    } finally {
      busy = false;
    }
  }

  private RangeResult run(RangeTask task, BooleanSupplier held) throws InterruptedException {
    long started = System.currentTimeMillis();
    long unreachableSince = 0;
    int conflicts = 0;
    for (int tries = 1; ; tries++) {
      try {
        if (task.kind() == RangeTask.Kind.VERIFY) {
          RangeVerdict v = verifier.verify(task.range(), held);
          log.info("migration={} range={} {} verified {} rows={} ms={} worker={}{}", migrationId,
              task.rangeId(), task.range(), v.verdict(), v.source().rows(),
              System.currentTimeMillis() - started, workerId, v.note() == null ? "" : ": " + v.note());
          return RangeResult.verified(task, v, workerId, started);
        }
        RangeCopier.Copied copied = copier.copyTimed(task.range(), held);
        log.info("migration={} range={} {} copied rows={} ms={} worker={}{}", migrationId,
            task.rangeId(), task.range(), copied.rows(), System.currentTimeMillis() - started,
            workerId, copied.turnWaitMillis() > 0 ? " turn_wait_ms=" + copied.turnWaitMillis()
                : "");
        // The result's duration, which sizes the next ranges, leaves out the wait for the turn.
        return RangeResult.success(task, copied.rows(), workerId,
            started + copied.turnWaitMillis());
      } catch (SQLException e) {
        String error = e.getErrorCode() + " " + Databases.oneLine(e.getMessage());
        long now = System.currentTimeMillis();
        boolean again = false;
        if (MysqlErrors.isLockConflict(e)) {
          again = ++conflicts < inPlaceTries;
        } else if (MysqlErrors.isConnectionLoss(e)) {
          unreachableSince = unreachableSince == 0 ? now : unreachableSince;
          again = now - unreachableSince < unreachableMillis;
        }
        if (!again) {
          log.warn("migration={} range={} attempt {} failed: {}", migrationId, task.rangeId(),
              task.attempt(), error);
          return RangeResult.failure(task, workerId, started, error);
        }
        long wait = IN_PLACE.millis(tries);
        log.info("migration={} range={} transient error, retry in {} ms: {}", migrationId,
            task.rangeId(), wait, error);
        TimeUnit.MILLISECONDS.sleep(wait);
      } catch (RangeCopier.LeaseLost e) {
        throw e; // not a failure of the range: no result at all (handleDelivery)
      } catch (RuntimeException e) {
        log.warn("migration={} range={} failed: {}", migrationId, task.rangeId(), e.toString());
        return RangeResult.failure(task, workerId, started, e.toString());
      }
    }
  }
}
