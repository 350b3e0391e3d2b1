package widen.coordinator;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.WidenException;
import widen.config.Secret;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.read.HistoryReader;
import widen.schema.TablePair;

/**
 * The coordinator's HTTP port (Vert.x core): {@code GET /history/{key}} returns one key's history
 * as the application should read it in the current phase (both tables, each id once, until
 * COMPLETE; the new table only after), and {@code GET /health/live}. The JDBC reads run on Vert.x
 * worker threads, never on the event loop.
 *
 * <p>Control endpoints ({@code POST /api/flip}, {@code /api/retry-failed?range=ID},
 * {@code /api/pause}, {@code /api/resume}, {@code /api/throttle?rows_per_second=N}) change
 * the migration, so they need {@code Authorization: Bearer <http.token>}; without a configured
 * token they are off. Reads need no token.
 */
final class CoordinatorHttp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorHttp.class);
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 10_000;

  private final Vertx vertx = Vertx.vertx();
  private final Ledger ledger;
  private final HikariDataSource sourcePool;
  private final HikariDataSource targetPool;
  private final HistoryReader reader;
  private final String readerProblem;
  private final Secret token;
  private final OperatorActions actions;
  private HttpServer server;

  CoordinatorHttp(WidenConfig config, TablePair tables, Ledger ledger) {
    this.ledger = ledger;
    this.token = config.httpToken();
    this.actions = new OperatorActions(ledger);
    this.sourcePool = Databases.pool(config.source(), 2, "widen-read-source");
    this.targetPool = Databases.pool(config.target(), 2, "widen-read-target");
    HistoryReader r = null;
    String problem = null;
    try {
      r = new HistoryReader(sourcePool, tables.source(), targetPool, tables.target(),
          tables.mapping().columns(), config.get(Setting.READ_KEY_COLUMN));
    } catch (WidenException e) {
      // The read API is optional: a table without the CSMH key still migrates.
      problem = e.getMessage();
      log.warn("GET /history is off: {}", problem);
    }
    this.reader = r;
    this.readerProblem = problem;
  }

  /** Starts listening; returns the port (the chosen one when http.port is 0). */
  int start(int port) throws Exception {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(port, "0.0.0.0")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    log.info("coordinator HTTP on port {}: GET /history/{{key}}, /health/live; POST /api/flip,"
        + " /api/retry-failed, /api/pause, /api/resume, /api/throttle" + (token.isEmpty() ? " (off: no http.token)" : ""),
        server.actualPort());
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/health/live")) {
      req.response().end("ok\n");
    } else if (path.startsWith("/history/") && req.method().name().equals("GET")) {
      history(req, path.substring("/history/".length()));
    } else if (path.equals("/api/flip") && req.method().name().equals("POST")) {
      control(req, a -> a.flip());
    } else if (path.equals("/api/pause") && req.method().name().equals("POST")) {
      control(req, a -> a.pause());
    } else if (path.equals("/api/resume") && req.method().name().equals("POST")) {
      control(req, a -> a.resume());
    } else if (path.equals("/api/throttle") && req.method().name().equals("POST")) {
      String rate = req.getParam("rows_per_second");
      if (rate == null || !rate.matches("[0-9]{1,12}")) {
        send(req, 400, new JsonObject().put("error", "give ?rows_per_second=N (0: no limit)"));
        return;
      }
      control(req, a -> a.throttle(Long.valueOf(rate)));
    } else if (path.equals("/api/retry-failed") && req.method().name().equals("POST")) {
      String range = req.getParam("range");
      if (range != null && !range.matches("[0-9]{1,9}")) {
        send(req, 400, new JsonObject().put("error", "range must be a range id (a number)"));
        return;
      }
      control(req, a -> a.retryFailed(range == null ? null : Integer.valueOf(range)));
    } else {
      send(req, 404, new JsonObject().put("error", "no such endpoint: " + path));
    }
  }

  interface Control {
    String run(OperatorActions actions) throws Exception;
  }

  /** Runs a control action if the request carries the token; refusals come back as JSON. */
  private void control(HttpServerRequest req, Control action) {
    if (token.isEmpty()) {
      send(req, 403, new JsonObject().put("error", "control endpoints are off: set http.token"
          + " (or http.token_file) on the coordinator"));
      return;
    }
    String given = req.getHeader("Authorization");
    byte[] expected = ("Bearer " + token.reveal()).getBytes(StandardCharsets.UTF_8);
    if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      send(req, 401, new JsonObject().put("error", "missing or wrong token: send"
          + " Authorization: Bearer <http.token>"));
      return;
    }
    vertx.executeBlocking(() -> action.run(actions), false)
        .onSuccess(message -> {
          log.info("control {} {}: {}", req.method(), req.path(), message);
          send(req, 200, new JsonObject().put("result", message));
        })
        .onFailure(e -> send(req, e instanceof WidenException ? 409 : 500,
            new JsonObject().put("error", e.getMessage())));
  }

  private void history(HttpServerRequest req, String key) {
    if (reader == null) {
      send(req, 404, new JsonObject().put("error", readerProblem));
      return;
    }
    int limit;
    try {
      limit = req.getParam("limit") == null ? DEFAULT_LIMIT
          : Math.min(MAX_LIMIT, Math.max(1, Integer.parseInt(req.getParam("limit"))));
    } catch (NumberFormatException e) {
      send(req, 400, new JsonObject().put("error", "limit must be a whole number"));
      return;
    }
    Future<JsonObject> read = vertx.executeBlocking(() -> {
      Phase phase = ledger.migration().map(Migration::phase).orElse(Phase.PLANNED);
      HistoryReader.Tables tables = phase.oldTableStillRead() ? HistoryReader.Tables.BOTH
          : HistoryReader.Tables.TARGET_ONLY;
      JsonArray rows = new JsonArray();
      for (HistoryReader.Row row : reader.history(key, tables, limit)) {
        rows.add(new JsonObject().put("id", row.id()).put("table", row.table())
            .put("values", new JsonObject(new java.util.LinkedHashMap<>(row.values()))));
      }
      return new JsonObject().put("key", key).put("phase", phase.name())
          .put("tables", tables.name()).put("rows", rows);
    }, false);
    read.onSuccess(json -> send(req, 200, json))
        .onFailure(e -> send(req, 500, new JsonObject().put("error", e.getMessage())));
  }

  private static void send(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("vertx close: {}", e.toString());
    }
    sourcePool.close();
    targetPool.close();
  }
}
