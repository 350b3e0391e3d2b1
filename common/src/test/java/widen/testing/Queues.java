package widen.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import widen.config.WidenConfig;
import widen.queue.Broker;
import widen.queue.Topology;

/** Looks at and removes a test migration's queues on the test broker. */
public final class Queues {
  private Queues() {}

  /** True if the migration's task queue exists on the broker. */
  public static boolean exist(WidenConfig config) throws Exception {
    try (Connection c = Broker.connect(config.broker(), "widen-test", null)) {
      Channel ch = c.createChannel();
      try {
        ch.queueDeclarePassive(Topology.of(config).tasks());
        return true;
      } catch (IOException notFound) {
        return false;
      }
    }
  }

  public static void delete(WidenConfig config) throws Exception {
    try (Connection c = Broker.connect(config.broker(), "widen-test", null);
        Channel ch = c.createChannel()) {
      Topology.of(config).delete(ch);
    }
  }
}
