package widen.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.queue.ControlState;
import widen.queue.Topology;

/**
 * Listens to the coordinator's control broadcasts on a queue of this worker's own (server-named,
 * exclusive, deleted with the connection) bound to the control exchange.
 */
final class ControlListener extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(ControlListener.class);
  private final ThrottleGate gate;

  private ControlListener(Channel channel, ThrottleGate gate) {
    super(channel);
    this.gate = gate;
  }

  static void listen(Channel channel, Topology topology, ThrottleGate gate) throws IOException {
    String queue = channel.queueDeclare().getQueue();
    channel.queueBind(queue, topology.control(), "");
    channel.basicConsume(queue, true, new ControlListener(channel, gate));
  }

  @Override
  public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props,
      byte[] body) {
    try {
      gate.update(ControlState.fromBytes(body));
    } catch (RuntimeException malformed) {
      log.warn("malformed control message ignored: {}", malformed.toString());
    }
  }
}
