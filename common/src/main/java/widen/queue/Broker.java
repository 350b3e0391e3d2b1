package widen.queue;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import widen.Backoff;
import widen.NetworkFaults;
import widen.WidenException;
import widen.config.BrokerEndpoint;
import widen.db.Databases;

/** Connects to RabbitMQ and turns a failure into a one-line message naming the key to fix. */
public final class Broker {
  private Broker() {}

  /**
   * A connection named {@code name} (shown in the RabbitMQ management UI), without automatic
   * recovery: for the coordinator, which rebuilds its whole session from the ledger after a loss
   * (a connection recovering behind its back would keep consuming results nobody reads), and for
   * short-lived uses. {@code consumerThreads} may be null for the client's default pool.
   */
  public static Connection connect(BrokerEndpoint b, String name, ExecutorService consumerThreads) {
    return connect(b, name, consumerThreads, false);
  }

  /**
   * A connection with automatic recovery, for workers: after a lost broker the connection,
   * channels and consumers come back by themselves (queues are durable, so only consumers are
   * redeclared).
   */
  public static Connection connectRecovering(BrokerEndpoint b, String name,
      ExecutorService consumerThreads) {
    return connect(b, name, consumerThreads, true);
  }

  private static Connection connect(BrokerEndpoint b, String name,
      ExecutorService consumerThreads, boolean recover) {
    ConnectionFactory f = new ConnectionFactory();
    String where = b.url();
    try {
      f.setUri(URI.create(b.url()));
      if (f.getVirtualHost().isEmpty()) {
        f.setVirtualHost("/"); // amqp://host:5672/ names the default vhost, as users expect
      }
      if (b.tls()) {
        f.useSslProtocol(BrokerTls.context(b));
        f.enableHostnameVerification();
      }
      where = f.getHost() + ":" + f.getPort();
      f.setUsername(b.user());
      f.setPassword(b.password().reveal());
      f.setConnectionTimeout(10_000);
      // amqp-client's default is the broker's 60 s, under which HalfOpenIT's silenced broker
      // connections held the migration for over 5 minutes; RabbitMQ's guide suggests 5 to 20 s. Both ends then close a
      // connection that carries nothing for about two heartbeats, and the broker hands the
      // tasks its consumers held to others.
      f.setRequestedHeartbeat(b.heartbeatSeconds());
      f.setAutomaticRecoveryEnabled(recover);
      f.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
        @Override
        public boolean filterQueue(RecordedQueue queue) {
          // Durable queues outlive the connection (and were declared on a channel long closed);
          // only a worker's own server-named control queue died with it and is declared again.
          return queue.isServerNamed();
        }

        @Override
        public boolean filterExchange(RecordedExchange exchange) {
          // Durable too, and declared on a channel closed since: redeclaring them there failed
          // with an ERROR and a stack trace after every recovery (found by HalfOpenIT).
          return false;
        }
      });
      // Reconnects for as long as it takes, waiting 1 s, 2 s, 4 s... up to 30 s between tries,
      // with jitter so a fleet does not storm a broker that just came back.
      Backoff reconnect = new Backoff(1_000, 30_000);
      f.setRecoveryDelayHandler(attempt -> reconnect.millis(attempt + 1));
      return consumerThreads == null ? f.newConnection(name) : f.newConnection(consumerThreads, name);
    } catch (AuthenticationFailureException e) {
      throw new WidenException("broker at " + where + " refused user " + b.user()
          + ": check broker.user and broker.password", e);
    } catch (IOException | TimeoutException e) {
      String tls = BrokerTls.problem(e, where);
      if (tls != null) {
        throw new WidenException(tls, e);
      }
      String why = Databases.oneLine(NetworkFaults.innermostMessage(e));
      if (why.contains("vhost") || why.contains("NOT_ALLOWED")) {
        throw new WidenException("broker at " + where + " has no virtual host "
            + f.getVirtualHost() + " for user " + b.user() + ": check broker.url", e);
      }
      if (NetworkFaults.droppedAfterReaching(e)) {
        throw new WidenException("broker at " + where + " dropped the connection while"
            + " connecting (" + why + "): check the network to it", e);
      }
      throw new WidenException("cannot reach broker at " + where + " (" + why
          + "): check broker.url and that RabbitMQ is running", e);
    } catch (WidenException e) {
      throw e;
    } catch (Exception e) {
      throw new WidenException("config key broker.url is not usable (" + e.getMessage() + ")", e);
    }
  }
}
