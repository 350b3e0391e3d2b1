package widen.coordinator;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.queue.RangeResult;
import widen.queue.RangeTask;
import widen.queue.Topology;

/**
 * Receives workers' results from the result queue and hands them to the coordinator's loop. A
 * result is acknowledged only after the loop has written it to the ledger ({@link #ack}), so a
 * coordinator that dies in between gets it again on restart.
 *
 * <p>The broker also sends here the tasks it gave up on at the task queue's delivery limit; each
 * becomes a failed result, so the ledger learns of it like any other failure.
 */
final class ResultInbox extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(ResultInbox.class);
  /** Results delivered but not yet acknowledged; the broker stops sending beyond this. */
  private static final int PREFETCH = 500;

  /** A result to record, or (result null) a message to acknowledge and forget. */
  record Delivery(long tag, RangeResult result) {}

  private final BlockingQueue<Delivery> inbox = new LinkedBlockingQueue<>();
  private final int deliveryLimit;

  ResultInbox(Channel channel, Topology topology) throws IOException {
    super(channel);
    this.deliveryLimit = topology.deliveryLimit();
    channel.basicQos(PREFETCH);
    channel.basicConsume(topology.results(), false, "widen-coordinator", this);
  }

  @Override
  public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props,
      byte[] body) {
    inbox.add(new Delivery(envelope.getDeliveryTag(), decode(props, body)));
  }

  private RangeResult decode(AMQP.BasicProperties props, byte[] body) {
    String death = Topology.deathReason(props);
    try {
      if (death == null) {
        return RangeResult.fromBytes(body);
      }
      RangeTask task = RangeTask.fromBytes(body);
      if (Topology.DELIVERY_LIMIT.equals(death)) {
        return RangeResult.abandoned(task, "handed to workers " + deliveryLimit + " times with no"
            + " result (each holder died or lost the broker): the range may crash workers");
      }
      log.warn("range {} dead-lettered by the broker ({}); the ledger still has it",
          task.rangeId(), death);
    } catch (RuntimeException malformed) {
      log.error("malformed message on the result queue dropped: {}", malformed.toString());
    }
    return null;
  }

  /** The next delivery, waiting up to {@code millis}; null if none came. */
  Delivery poll(long millis) throws InterruptedException {
    return inbox.poll(millis, TimeUnit.MILLISECONDS);
  }

  void ack(Delivery d) throws IOException {
    getChannel().basicAck(d.tag(), false);
  }
}
