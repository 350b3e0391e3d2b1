package widen.coordinator;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.observe.ObserveServer;
import widen.schema.TablePair;

/**
 * The coordinator's HTTP port (Vert.x core): the dashboard at {@code /}, {@code GET /api/status},
 * {@code /metrics}, {@code /health/live} and {@code /health/ready}, {@code GET /history/{key}}
 * ({@link HistoryApi}) and the control endpoints ({@link ControlApi}). Reads need no token.
 *
 * <p>Status and metrics come from a {@link StatusSnapshot} refreshed every
 * {@link #REFRESH_MS} on a worker thread, on pools of their own: a dashboard polled by many
 * browsers, or a scrape, costs the ledger nothing more, and never waits on the coordinator's
 * loop.
 */
final class CoordinatorHttp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorHttp.class);
  static final long REFRESH_MS = 2_000;
  /** A snapshot older than this (the ledger could not be read) makes the coordinator unready. */
  private static final long STALE_MS = 15_000;

  private final Vertx vertx = Vertx.vertx();
  private final HikariDataSource sourcePool;
  private final HikariDataSource targetPool;
  private final Ledger statusLedger;
  private final FleetRoster roster;
  private final String owner;
  private final HistoryApi history;
  private final ControlApi control;
  private final DashboardFiles dashboard = new DashboardFiles();
  private final PrometheusMeterRegistry registry = ObserveServer.newRegistry();
  private final ObserveServer server;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile StatusSnapshot latest;
  private volatile String refreshProblem = "status not read from the ledger yet";

  CoordinatorHttp(WidenConfig config, TablePair tables, Ledger ledger, FleetRoster roster,
      String owner) {
    this.roster = roster;
    this.owner = owner;
    int readTimeout = config.getInt(Setting.RETRY_READ_TIMEOUT_SECONDS);
    this.sourcePool = Databases.pool(config.source(), 2, "widen-read-source", readTimeout);
    this.targetPool = Databases.pool(config.target(), 3, "widen-read-target", readTimeout);
    this.statusLedger = new Ledger(targetPool, config.get(Setting.CONTROL_SCHEMA),
        config.migrationId());
    this.history = new HistoryApi(vertx, config, tables, ledger, sourcePool, targetPool);
    this.control = new ControlApi(vertx, config.httpToken(), new OperatorActions(ledger));
    new CoordinatorMetrics(registry, () -> latest);
    this.server = new ObserveServer(vertx, registry, this::notReady, this::handle);
  }

  /** Starts listening; returns the port (the chosen one when http.port is 0). */
  int start(int port) throws Exception {
    int actual = server.start(port);
    vertx.setPeriodic(1, REFRESH_MS, id -> refresh());
    log.info("coordinator HTTP on port {}: dashboard /, GET /api/status, /metrics, /health/live,"
        + " /health/ready, /history/{{key}}; POST /api/flip, /api/retry-failed, /api/pause,"
        + " /api/resume, /api/throttle" + (control.enabled() ? "" : " (off: no http.token)"),
        actual);
    return actual;
  }

  /** Reads a new snapshot on a worker thread, one at a time; a slow ledger skips a beat. */
  private void refresh() {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    vertx.executeBlocking(() -> StatusSnapshot.read(statusLedger, roster, latest), false)
        .onComplete(r -> {
          refreshing.set(false);
          if (r.succeeded()) {
            latest = r.result();
            refreshProblem = null;
          } else {
            refreshProblem = "the ledger cannot be read: "
                + Databases.oneLine(String.valueOf(r.cause().getMessage()));
            log.warn("status not refreshed: {}", refreshProblem);
          }
        });
  }

  private List<String> notReady() {
    List<String> why = new ArrayList<>();
    StatusSnapshot s = latest;
    if (refreshProblem != null) {
      why.add(refreshProblem);
    } else if (s != null && System.currentTimeMillis() - s.takenAt() > STALE_MS) {
      why.add("status last read " + (System.currentTimeMillis() - s.takenAt()) / 1000
          + " s ago: the ledger is slow");
    }
    if (!roster.connected()) {
      why.add("no broker connection (the coordinator is reconnecting)");
    }
    if (s != null && s.migration() == null) {
      why.add("the migration is not recorded in the ledger yet");
    }
    return why;
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/api/status") && req.method().name().equals("GET")) {
      StatusSnapshot s = latest;
      if (s == null) {
        ObserveServer.json(req, 503, new JsonObject().put("error", refreshProblem));
      } else {
        ObserveServer.json(req, 200, StatusJson.of(s, owner));
      }
    } else if (path.startsWith("/history/") && req.method().name().equals("GET")) {
      history.handle(req, path.substring("/history/".length()));
    } else if (!control.handle(req) && !dashboard.handle(req)) {
      ObserveServer.json(req, 404, new JsonObject().put("error", "no such endpoint: " + path));
    }
  }

  @Override
  public void close() {
    server.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("vertx close: {}", e.toString());
    }
    sourcePool.close();
    targetPool.close();
  }
}
