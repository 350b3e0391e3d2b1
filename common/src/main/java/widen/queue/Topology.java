package widen.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.util.Map;

/**
 * The queues of one migration, all durable quorum queues (replicated, and they survive a broker
 * restart): {@code <ns>.tasks} (ranges to copy), {@code <ns>.results} (what workers report) and
 * {@code <ns>.parked} (ranges that failed too often, kept with their error). Declaring is
 * idempotent, so the coordinator and every worker declare on start.
 */
public record Topology(String namespace) {
  private static final Map<String, Object> QUORUM = Map.of("x-queue-type", "quorum");

  /** Messages survive a broker restart (with the queue being durable). */
  public static final AMQP.BasicProperties PERSISTENT = MessageProperties.PERSISTENT_BASIC;

  public String tasks() {
    return namespace + ".tasks";
  }

  public String results() {
    return namespace + ".results";
  }

  public String parked() {
    return namespace + ".parked";
  }

  public void declare(Channel ch) throws IOException {
    for (String q : new String[] {tasks(), results(), parked()}) {
      ch.queueDeclare(q, true, false, false, QUORUM);
    }
  }

  /** Removes the queues; used when a test or demo cleans up after itself. */
  public void delete(Channel ch) throws IOException {
    for (String q : new String[] {tasks(), results(), parked()}) {
      ch.queueDelete(q);
    }
  }
}
