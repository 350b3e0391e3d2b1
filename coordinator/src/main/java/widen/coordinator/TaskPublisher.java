package widen.coordinator;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import widen.queue.RangeResult;
import widen.queue.RangeTask;
import widen.queue.Topology;

/**
 * Puts tasks on the task queue and parked ranges on the parking queue, each batch confirmed by
 * the broker before the ledger says it is queued: a range the ledger calls QUEUED is on disk in
 * the broker.
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

  void park(RangeResult failed) throws IOException, InterruptedException, TimeoutException {
    channel.basicPublish("", topology.parked(), Topology.PERSISTENT, failed.toBytes());
    channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
  }

  /** Drops tasks waiting on the queue; those a worker holds stay with it. */
  void purgeWaiting() throws IOException {
    channel.queuePurge(topology.tasks());
  }
}
