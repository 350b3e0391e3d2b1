package widen.observe;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP endpoints every widen process serves (Vert.x core): {@code GET /metrics} in the
 * Prometheus text format, {@code /health/live} (the process answers) and {@code /health/ready}
 * (200, or 503 with the reasons it is not ready, so a probe's log says why). Any other path goes
 * to {@code other}, the coordinator's API and dashboard; a worker has none.
 */
public final class ObserveServer implements AutoCloseable {
  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final Supplier<List<String>> notReady;
  private final Handler<HttpServerRequest> other;
  private HttpServer server;

  /**
   * @param notReady why the process is not ready now (empty when it is); called on the event
   *     loop, so it must only read memory
   */
  public ObserveServer(Vertx vertx, PrometheusMeterRegistry registry,
      Supplier<List<String>> notReady, Handler<HttpServerRequest> other) {
    this.vertx = vertx;
    this.registry = registry;
    this.notReady = notReady;
    this.other = other;
  }

  /** A registry whose scrape is the Prometheus text format. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Listens on {@code port} (0: a free one) on every interface; returns the port. */
  public int start(int port) throws Exception {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(port, "0.0.0.0")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/metrics" -> vertx.executeBlocking(registry::scrape, false)
          .onSuccess(text -> req.response()
              .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
          .onFailure(e -> json(req, 500, new JsonObject().put("error", e.toString())));
      case "/health/live" -> req.response().end("ok\n");
      case "/health/ready" -> {
        List<String> why = notReady.get();
        json(req, why.isEmpty() ? 200 : 503, new JsonObject().put("ready", why.isEmpty())
            .put("reasons", new JsonArray(List.copyOf(why))));
      }
      default -> other.handle(req);
    }
  }

  /** Sends {@code body} as JSON with {@code status}. */
  public static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  /** Stops listening, waiting (up to 5 s) until the port is free for a process that restarts. */
  @Override
  public void close() {
    if (server != null) {
      try {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // Closing anyway; at worst the port frees a moment later.
      }
    }
  }
}
