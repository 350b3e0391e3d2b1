package widen.coordinator;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.queue.Heartbeat;
import widen.queue.Topology;

/**
 * The worker fleet as its heartbeats tell it, in memory only: a restarted coordinator knows the
 * fleet again within one heartbeat. Also asks the broker how many tasks wait on the task queue.
 * Heartbeats are timed by the coordinator's clock when they arrive, so a worker's clock does not
 * matter.
 */
final class FleetRoster {
  private static final Logger log = LoggerFactory.getLogger(FleetRoster.class);
  /** A worker silent this long (five missed heartbeats) is no longer in the fleet. */
  static final long GONE_AFTER_MS = 10_000;

  /** A worker's last heartbeat and when it arrived. */
  record Member(Heartbeat beat, long receivedAtMillis) {}

  private final Map<String, Member> members = new ConcurrentHashMap<>();
  private volatile Channel listening;
  private Channel queries;
  private String tasks;

  /**
   * Listens on a queue of its own (server-named, gone with the connection) bound to the
   * heartbeat exchange; called again with the new connection after a reconnect.
   */
  synchronized void listen(Connection broker, Topology topology) throws IOException {
    Channel ch = broker.createChannel();
    String queue = ch.queueDeclare().getQueue();
    ch.queueBind(queue, topology.heartbeat(), "");
    ch.basicConsume(queue, true, new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props,
          byte[] body) {
        try {
          Heartbeat h = Heartbeat.fromBytes(body);
          members.put(h.worker(), new Member(h, System.currentTimeMillis()));
        } catch (RuntimeException malformed) {
          log.warn("malformed heartbeat ignored: {}", malformed.toString());
        }
      }
    });
    listening = ch;
    queries = broker.createChannel();
    tasks = topology.tasks();
  }

  /** Workers heard from in the last {@link #GONE_AFTER_MS}, by id; forgets the others. */
  List<Member> active() {
    long now = System.currentTimeMillis();
    members.values().removeIf(m -> now - m.receivedAtMillis() > GONE_AFTER_MS);
    return members.values().stream().sorted(Comparator.comparing(m -> m.beat().worker()))
        .toList();
  }

  /** True while heartbeats can arrive: the broker connection is up. */
  boolean connected() {
    Channel ch = listening;
    return ch != null && ch.isOpen();
  }

  /** Messages ready on the task queue, or -1 when the broker cannot be asked now. */
  synchronized long taskQueueDepth() {
    try {
      return queries != null && queries.isOpen() ? queries.messageCount(tasks) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
