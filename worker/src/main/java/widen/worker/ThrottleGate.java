package widen.worker;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.queue.ControlState;

/**
 * The coordinator's pause and rate limit as one worker applies them: a consumer waits here
 * before it starts a range while the fleet is paused, and after a range it waits long enough
 * to keep its share of the fleet's rows per second. The range in hand is never interrupted.
 *
 * <p>Closed until the coordinator's first broadcast (each second) arrives: a worker that starts
 * while the fleet is paused, throttled or held back by a probe (a lagging replica, say) takes
 * no range before it knows; found by ReplicaThrottleIT, whose new worker copied two ranges
 * while the replica was not replicating.
 */
final class ThrottleGate {
  private static final Logger log = LoggerFactory.getLogger(ThrottleGate.class);
  private static final long POLL_MS = 100;

  static final ControlState UNHEARD = new ControlState(true,
      "waiting for the coordinator's first broadcast", 0);

  private volatile ControlState state = UNHEARD;

  /** Takes the coordinator's latest word; logs when it changes. */
  void update(ControlState next) {
    if (!next.equals(state)) {
      log.info("coordinator says: {}", next.describe());
    }
    state = next;
  }

  ControlState state() {
    return state;
  }

  /**
   * Returns true once the fleet may take ranges (at once when not paused), or false as soon as
   * {@code giveUp} says so (the worker is stopping and hands the range back).
   */
  boolean awaitOpen(java.util.function.BooleanSupplier giveUp) throws InterruptedException {
    while (state.paused()) {
      if (giveUp.getAsBoolean()) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
    return true;
  }

  /** After a range of {@code rows} that took {@code millis}: waits so the rate stays in bounds. */
  void pace(long rows, long millis) throws InterruptedException {
    long perSecond = state.rowsPerSecondPerConsumer();
    if (perSecond > 0) {
      long due = rows * 1000 / perSecond;
      if (due > millis) {
        TimeUnit.MILLISECONDS.sleep(due - millis);
      }
    }
  }
}
