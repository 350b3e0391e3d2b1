package widen.coordinator;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.observe.ObserveServer;
import widen.read.HistoryReader;
import widen.schema.TablePair;

/**
 * {@code GET /history/{key}}: one key's history as the application should read it in the current
 * phase (both tables, each id once, until COMPLETE; the new table only after). The JDBC reads run
 * on Vert.x worker threads, never on the event loop.
 */
final class HistoryApi {
  private static final Logger log = LoggerFactory.getLogger(HistoryApi.class);
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 10_000;

  private final Vertx vertx;
  private final Ledger ledger;
  private final HistoryReader reader;
  private final String readerProblem;

  HistoryApi(Vertx vertx, WidenConfig config, TablePair tables, Ledger ledger,
      HikariDataSource sourcePool, HikariDataSource targetPool) {
    this.vertx = vertx;
    this.ledger = ledger;
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

  void handle(HttpServerRequest req, String key) {
    if (reader == null) {
      ObserveServer.json(req, 404, new JsonObject().put("error", readerProblem));
      return;
    }
    int limit;
    try {
      limit = req.getParam("limit") == null ? DEFAULT_LIMIT
          : Math.min(MAX_LIMIT, Math.max(1, Integer.parseInt(req.getParam("limit"))));
    } catch (NumberFormatException e) {
      ObserveServer.json(req, 400, new JsonObject().put("error", "limit must be a whole number"));
      return;
    }
    vertx.executeBlocking(() -> {
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
    }, false)
        .onSuccess(json -> ObserveServer.json(req, 200, json))
        .onFailure(e -> ObserveServer.json(req, 500, new JsonObject().put("error",
            e.getMessage())));
  }
}
