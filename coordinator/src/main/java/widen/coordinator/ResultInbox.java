package widen.coordinator;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import widen.queue.RangeResult;
import widen.queue.Topology;

/**
 * Receives workers' results from the result queue and hands them to the coordinator's loop. A
 * result is acknowledged only after the loop has written it to the ledger ({@link #ack}), so a
 * coordinator that dies in between gets it again on restart.
 */
final class ResultInbox extends DefaultConsumer {
  /** Results delivered but not yet acknowledged; the broker stops sending beyond this. */
  private static final int PREFETCH = 500;

  record Delivery(long tag, RangeResult result) {}

  private final BlockingQueue<Delivery> inbox = new LinkedBlockingQueue<>();

  ResultInbox(Channel channel, Topology topology) throws IOException {
    super(channel);
    channel.basicQos(PREFETCH);
    channel.basicConsume(topology.results(), false, "widen-coordinator", this);
  }

  @Override
  public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props,
      byte[] body) {
    inbox.add(new Delivery(envelope.getDeliveryTag(), RangeResult.fromBytes(body)));
  }

  /** The next result, waiting up to {@code millis}; null if none came. */
  Delivery poll(long millis) throws InterruptedException {
    return inbox.poll(millis, TimeUnit.MILLISECONDS);
  }

  void ack(Delivery d) throws IOException {
    getChannel().basicAck(d.tag(), false);
  }
}
