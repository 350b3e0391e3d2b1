package widen.coordinator;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;
import java.util.concurrent.TimeoutException;
import widen.queue.RangeResult;
import widen.queue.RangeTask;
import widen.queue.Topology;

/**
 * Puts tasks on the task queue (or, for a retry, on the delay queue) and parked ranges on the
 * parking queue, each batch confirmed by the broker before the ledger says it is queued: a range
 * the ledger calls QUEUED is on disk in the broker.
 */
final class TaskPublisher {
  private static final long CONFIRM_TIMEOUT_MS = 60_000;

  private final Channel channel;
  private final Topology topology;

  TaskPublisher(Channel channel, Topology topology) throws IOException {
    this.channel = channel;
    this.topology = topology;
    channel.confirmSelect();
  }

  void publish(List<RangeTask> tasks) throws IOException, InterruptedException, TimeoutException {
    for (RangeTask t : tasks) {
      channel.basicPublish("", topology.tasks(), Topology.PERSISTENT, t.toBytes());
    }
    channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
  }

  /** Sends a task to the delay queue; it reaches the task queue after {@code millis}. */
  void publishDelayed(RangeTask task, long millis) throws IOException, InterruptedException,
      TimeoutException {
    channel.basicPublish("", topology.delay(), Topology.delayed(millis), task.toBytes());
    channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
  }

  void park(RangeResult failed) throws IOException, InterruptedException, TimeoutException {
    channel.basicPublish("", topology.parked(), Topology.PERSISTENT, failed.toBytes());
    channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
  }

  /**
   * Rewrites the parking queue to hold only the ranges {@code stillParked} accepts, after an
   * operator sent some back with retry-failed. Each kept message is published again before the
   * old one is acknowledged, so a crash here duplicates a notice, never drops one.
   */
  void pruneParked(Predicate<RangeResult> stillParked) throws IOException, InterruptedException,
      TimeoutException {
    long waiting = channel.messageCount(topology.parked());
    for (long i = 0; i < waiting; i++) {
      GetResponse got = channel.basicGet(topology.parked(), false);
      if (got == null) {
        return;
      }
      RangeResult r = RangeResult.fromBytes(got.getBody());
      if (stillParked.test(r)) {
        park(r);
      }
      channel.basicAck(got.getEnvelope().getDeliveryTag(), false);
    }
  }

  /**
   * Tells every worker the fleet's state on the control exchange; not confirmed on its own,
   * since the next second's broadcast replaces it anyway.
   */
  void broadcast(widen.queue.ControlState state) throws IOException {
    channel.basicPublish(topology.control(), "", null, state.toBytes());
  }

  /** Workers consuming from the task queue now. */
  int consumers() throws IOException {
    return (int) channel.consumerCount(topology.tasks());
  }

  /** Drops tasks waiting on the task and delay queues; those a worker holds stay with it. */
  void purgeWaiting() throws IOException {
    channel.queuePurge(topology.tasks());
    channel.queuePurge(topology.delay());
  }
}
