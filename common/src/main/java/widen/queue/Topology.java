package widen.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;

/**
 * The queues of one migration, all durable quorum queues (replicated, and they survive a broker
 * restart):
 * <ul>
 *   <li>{@code <ns>.tasks}: ranges to copy or verify. A task handed out {@code deliveryLimit}
 *       times without an acknowledgement (every worker holding it died) is dead-lettered to the
 *       results queue, where the coordinator parks it: such a range probably kills workers.
 *   <li>{@code <ns>.delay}: failed ranges waiting for their next attempt. Each message carries
 *       its own expiration; when it expires the broker dead-letters it into the task queue.
 *   <li>{@code <ns>.results}: what workers report, read by the coordinator.
 *   <li>{@code <ns>.parked}: one message per range parked after its last attempt, with its
 *       error, for operators; the ledger is what says which ranges are parked now.
 *   <li>{@code <ns>.control}: a fanout exchange on which the coordinator broadcasts pause and
 *       throttle ({@link ControlState}) each second; every worker listens on a queue of its own.
 *   <li>{@code <ns>.heartbeat}: a fanout exchange on which every worker says every few seconds
 *       who it is and what it holds ({@link Heartbeat}); the coordinator listens on a queue of
 *       its own and keeps the fleet in memory.
 * </ul>
 * Dead-lettering is at-least-once (which quorum queues offer with reject-publish overflow), so a
 * broker crash during a hand-over cannot lose a range. Declaring is idempotent, so the
 * coordinator and every worker declare on start; they must agree on {@code deliveryLimit}.
 */
public record Topology(String namespace, int deliveryLimit) {
  /** Messages survive a broker restart (with the queue being durable). */
  public static final AMQP.BasicProperties PERSISTENT = MessageProperties.PERSISTENT_BASIC;

  /** The x-death reason the broker gives a task dead-lettered at the delivery limit. */
  public static final String DELIVERY_LIMIT = "delivery_limit";

  public static Topology of(WidenConfig config) {
    return new Topology(config.broker().queueNamespace(),
        config.getInt(Setting.RETRY_DELIVERY_LIMIT));
  }

  public String tasks() {
    return namespace + ".tasks";
  }

  public String delay() {
    return namespace + ".delay";
  }

  public String results() {
    return namespace + ".results";
  }

  public String parked() {
    return namespace + ".parked";
  }

  public String control() {
    return namespace + ".control";
  }

  public String heartbeat() {
    return namespace + ".heartbeat";
  }

  public void declare(Channel ch) throws IOException {
    Map<String, Object> tasks = deadLetterTo(results());
    tasks.put("x-delivery-limit", deliveryLimit);
    declare(ch, tasks(), tasks);
    declare(ch, delay(), deadLetterTo(tasks()));
    declare(ch, results(), quorum());
    declare(ch, parked(), quorum());
    ch.exchangeDeclare(control(), "fanout", true);
    ch.exchangeDeclare(heartbeat(), "fanout", true);
  }

  private static void declare(Channel ch, String queue, Map<String, Object> args)
      throws IOException {
    try {
      ch.queueDeclare(queue, true, false, false, args);
    } catch (IOException e) {
      if (String.valueOf(e.getCause()).contains("PRECONDITION_FAILED")) {
        throw new WidenException("queue " + queue + " exists with other settings (another"
            + " retry.delivery_limit, or an older widen): give coordinator and workers the same"
            + " config, or delete the queue (rabbitmqctl delete_queue " + queue + ")", e);
      }
      throw e;
    }
  }

  /** Properties of a task that waits {@code millis} in the delay queue before it is taken. */
  public static AMQP.BasicProperties delayed(long millis) {
    return PERSISTENT.builder().expiration(Long.toString(millis)).build();
  }

  /**
   * Why the broker dead-lettered a message ({@code x-death}'s newest entry), or null for a
   * message a client published.
   */
  @SuppressWarnings("unchecked")
  public static String deathReason(AMQP.BasicProperties props) {
    Object deaths = props.getHeaders() == null ? null : props.getHeaders().get("x-death");
    if (!(deaths instanceof List<?> list) || list.isEmpty()) {
      return null;
    }
    Object reason = ((Map<String, Object>) list.get(0)).get("reason");
    return reason == null ? "unknown" : reason.toString();
  }

  /** Removes the queues; used when a test or demo cleans up after itself. */
  public void delete(Channel ch) throws IOException {
    for (String q : new String[] {tasks(), delay(), results(), parked()}) {
      ch.queueDelete(q);
    }
    ch.exchangeDelete(control());
    ch.exchangeDelete(heartbeat());
  }

  private static Map<String, Object> quorum() {
    Map<String, Object> args = new HashMap<>();
    args.put("x-queue-type", "quorum");
    return args;
  }

  private static Map<String, Object> deadLetterTo(String queue) {
    Map<String, Object> args = quorum();
    args.put("x-dead-letter-exchange", "");
    args.put("x-dead-letter-routing-key", queue);
    args.put("x-dead-letter-strategy", "at-least-once");
    args.put("x-overflow", "reject-publish");
    return args;
  }
}
