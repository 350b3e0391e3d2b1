package widen.worker;

import com.rabbitmq.client.Channel;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.WidenException;
import widen.config.Setting;
import widen.observe.ObserveServer;
import widen.queue.Topology;

/**
 * What a worker shows of itself: {@code /metrics} and {@code /health/*} on worker.http_port, and a
 * heartbeat on the heartbeat exchange every {@link #HEARTBEAT_SECONDS} seconds, which the
 * coordinator shows as the fleet.
 */
final class WorkerObserver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerObserver.class);
  /** Often enough that a gone worker leaves the fleet within seconds, rarely enough to be free. */
  static final int HEARTBEAT_SECONDS = 2;

  private final String id;
  private final int threads;
  private final PrometheusMeterRegistry registry = ObserveServer.newRegistry();
  private final WorkerMetrics metrics = new WorkerMetrics(registry);
  private Vertx vertx;
  private ObserveServer server;
  private int port;

  WorkerObserver(String id, int threads) {
    this.id = id;
    this.threads = threads;
  }

  WorkerMetrics metrics() {
    return metrics;
  }

  int port() {
    return port;
  }

  void listen(int wanted, Supplier<List<String>> notReady) {
    vertx = Vertx.vertx();
    server = new ObserveServer(vertx, registry, notReady, req -> ObserveServer.json(req, 404,
        new io.vertx.core.json.JsonObject().put("error", "a worker serves only /metrics,"
            + " /health/live and /health/ready")));
    try {
      port = server.start(wanted);
    } catch (Exception e) {
      throw new WidenException("cannot listen on " + Setting.WORKER_HTTP_PORT.key() + " " + wanted
          + ": " + e.getMessage() + ": choose another port (0 picks a free one)", e);
    }
    log.info("worker {} HTTP on port {}: /metrics, /health/live, /health/ready", id, port);
  }

  /** Publishes a heartbeat now and every few seconds on {@code channel}, until closed. */
  void sendHeartbeats(Channel channel, Topology topology, ScheduledExecutorService timer) {
    String host = id.substring(0, id.lastIndexOf(':'));
    timer.scheduleWithFixedDelay(() -> {
      try {
        if (channel.isOpen()) {
          channel.basicPublish(topology.heartbeat(), "", null,
              metrics.heartbeat(id, host, threads, port).toBytes());
        }
      } catch (IOException | RuntimeException e) {
        // The next one goes out in a few seconds; the coordinator tolerates a missed beat.
        log.debug("heartbeat not sent: {}", e.toString());
      }
    }, 0, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    if (vertx != null) {
      vertx.close();
    }
  }
}
