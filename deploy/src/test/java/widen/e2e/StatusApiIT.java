package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static widen.e2e.Http.await;
import static widen.e2e.Http.metric;
import static widen.e2e.Http.metrics;
import static widen.e2e.Http.status;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.testing.TestServices;

/**
 * The coordinator's status API, metrics and health, the workers' heartbeats, metrics and health,
 * the control endpoints and {@code widen status}, against a real fleet (a coordinator and two
 * workers, each its own JVM, logging JSON lines): a range the target refuses is parked and shown
 * with its error everywhere, then sent back over HTTP once the cause is gone, and the flip advice
 * appears in status and metrics.
 */
class StatusApiIT {
  private static final long ROWS = 20_000;
  private static final String TOKEN = "observe-token";

  @TempDir
  Path logs;
  private Csmh tables;
  private Fleet fleet;

  @AfterEach
  void tearDown() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    tables.close();
  }

  @Test
  void statusMetricsHealthAndControlShowTheRunningFleet() throws Exception {
    tables = Csmh.create("sapi", ROWS, false);
    long refused = tables.source.queryLong("SELECT id FROM " + CsmhFixture.SOURCE_TABLE
        + " ORDER BY id LIMIT 1 OFFSET 7000");
    tables.target.execute("CREATE TRIGGER refuse BEFORE INSERT ON " + CsmhFixture.TARGET_TABLE
        + " FOR EACH ROW BEGIN IF NEW.id = " + refused + " THEN SIGNAL SQLSTATE '45000'"
        + " SET MESSAGE_TEXT = 'observe test refuses id " + refused + "'; END IF; END");
    WidenConfig config = WidenConfig.of(TestServices.config("sapi-" + tables.control.name(),
        tables.source, CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE,
        tables.control)).with(Map.of("plan.range_rows", "1000", "copy.max_attempts", "1",
            "http.token", TOKEN, "worker.http_port", "0", "log.format", "json"));
    fleet = new Fleet(config, tables.control, logs);
    fleet.prepare();
    WidenProcess coordinator = fleet.start("coordinator");
    List<WidenProcess> workers = List.of(fleet.start("worker"), fleet.start("worker"));
    int port = Http.port(coordinator, Http.COORDINATOR_PORT);
    int[] workerPorts = {Http.port(workers.get(0), Http.WORKER_PORT),
        Http.port(workers.get(1), Http.WORKER_PORT)};

    // Every range but the refused one is copied; that one is parked with the target's error.
    await("every copy range done but the parked one", coordinator, 300,
        () -> Http.onlyParkedLeft(port, 2));
    JsonObject s = status(port);
    assertEquals("BACKFILLING", s.getString("phase"), "a parked range holds the backfill");
    String parked = s.getJsonObject("parked").getJsonArray("ranges").getString(0);
    assertTrue(parked.contains("observe test refuses id " + refused), parked);
    Set<String> ids = s.getJsonArray("fleet").stream().map(w -> ((JsonObject) w)
        .getString("worker")).collect(Collectors.toSet());
    assertEquals(2, ids.size(), "both workers send heartbeats: " + s.getJsonArray("fleet"));
    JsonObject beat = s.getJsonArray("fleet").getJsonObject(0);
    assertEquals(2, beat.getInteger("threads"));
    assertTrue(Set.of(workerPorts[0], workerPorts[1]).contains(beat.getInteger("http_port")),
        "a heartbeat names its worker's metrics port: " + beat);

    String scrape = metrics(port);
    long copyDone = s.getJsonObject("ranges").getJsonObject("copy").getLong("done");
    assertEquals(copyDone, metric(scrape, "widen_ranges{kind=\"copy\",state=\"done\"}"), scrape);
    assertEquals(1, metric(scrape, "widen_ranges{kind=\"copy\",state=\"failed\"}"));
    assertEquals(1, metric(scrape, "widen_ranges_parked"));
    assertEquals(1, metric(scrape, "widen_phase{phase=\"BACKFILLING\"}"));
    assertEquals(0, metric(scrape, "widen_flip_advised"));
    assertEquals(2, metric(scrape, "widen_workers_active"));
    assertEquals(0, metric(scrape, "widen_task_queue_depth"), "nothing waits: the one range"
        + " left is parked");
    assertEquals((double) s.getJsonObject("progress").getLong("rows_copied"),
        metric(scrape, "widen_rows_copied_total"));
    assertTrue(metric(scrape, "widen_eta_seconds") >= -1, scrape);

    // The workers' own meters add up to what the ledger recorded from their results.
    double rows = 0;
    double failed = 0;
    double done = 0;
    for (int wp : workerPorts) {
      String w = metrics(wp);
      rows += metric(w, "widen_worker_rows_copied_total");
      failed += metric(w, "widen_worker_ranges_total{outcome=\"failed\"}");
      done += metric(w, "widen_worker_ranges_total{outcome=\"done\"}");
      assertEquals(0, metric(w, "widen_worker_ranges_in_progress"));
      assertTrue(w.contains("widen_worker_range_seconds_count{kind=\"copy\"}"), w);
      assertEquals(200, Http.get(wp, "/health/ready").statusCode());
      assertEquals(200, Http.get(wp, "/health/live").statusCode());
    }
    assertEquals((double) s.getJsonObject("progress").getLong("rows_copied"), rows);
    assertEquals(1, failed, "the refused range's one attempt");
    assertEquals(copyDone, done);
    assertEquals(200, Http.get(port, "/health/ready").statusCode());
    assertEquals(200, Http.get(port, "/health/live").statusCode());

    // widen status shows the fleet (from the coordinator) and the parked range (from the ledger).
    WidenProcess statusRun = fleet.start("status", "--coordinator", "http://127.0.0.1:" + port);
    assertEquals(0, statusRun.waitFor(60), statusRun.tail(30));
    String shown = statusRun.tail(40);
    for (String id : ids) {
      assertTrue(shown.contains(id), "status lists worker " + id + ": " + shown);
    }
    assertTrue(shown.contains("2 workers sending heartbeats"), shown);
    assertTrue(shown.contains("observe test refuses id " + refused), shown);

    // Control over HTTP: refused without the token; pause shows as the operator's throttle.
    assertEquals(401, Http.post(port, "/api/pause", null).statusCode());
    assertEquals(200, Http.post(port, "/api/pause", TOKEN).statusCode());
    await("the pause in status and metrics", coordinator, 60, () -> status(port)
        .getJsonObject("throttle").getBoolean("held") && metric(metrics(port),
            "widen_throttled{reason=\"operator\"}") == 1);
    assertEquals(200, Http.post(port, "/api/resume", TOKEN).statusCode());
    await("the fleet running again", coordinator, 60, () -> metric(metrics(port),
        "widen_throttled{reason=\"operator\"}") == 0);

    tables.target.execute("DROP TRIGGER refuse");
    assertEquals(200, Http.post(port, "/api/retry-failed", TOKEN).statusCode());
    await("the flip advice, on the range map too", coordinator, 300,
        () -> Http.advisedAndMapped(port));
    s = status(port);
    assertEquals("READY_TO_FLIP", s.getString("phase"));
    assertEquals(0, s.getJsonObject("parked").getLong("count"));
    assertEquals(ROWS, s.getJsonObject("flip").getJsonObject("advice").getJsonObject("source")
        .getLong("rows"));
    JsonArray copyMap = s.getJsonObject("range_map").getJsonObject("copy")
        .getJsonArray("buckets");
    assertEquals(s.getJsonObject("ranges").getJsonObject("copy").getLong("total"),
        copyMap.stream().mapToLong(b -> ((JsonArray) b).getLong(4) + ((JsonArray) b).getLong(5)
            + ((JsonArray) b).getLong(6) + ((JsonArray) b).getLong(7)).sum(),
        "the range map's buckets hold every copy range once");
    await("the flip advice in metrics", coordinator, 60, () -> {
      String m = metrics(port);
      return metric(m, "widen_flip_advised") == 1
          && metric(m, "widen_phase{phase=\"READY_TO_FLIP\"}") == 1
          && metric(m, "widen_ranges_parked") == 0;
    });

    // A worker that stops leaves the fleet.
    workers.get(0).terminate();
    assertEquals(0, workers.get(0).waitFor(120), workers.get(0).tail(20));
    await("the stopped worker gone from the fleet", coordinator, 60, () ->
        status(port).getJsonArray("fleet").size() == 1
            && metric(metrics(port), "widen_workers_active") == 1);

    assertJsonLogs(workers.get(1).name(), true);
    assertJsonLogs(coordinator.name(), false);
  }

  /**
   * log.format=json: every line of the process's log is one JSON object, the migration in its
   * MDC; a worker's range lines also name the range and the worker.
   */
  private void assertJsonLogs(String process, boolean worker) throws Exception {
    List<String> lines = Files.readAllLines(logs.resolve(process + ".log"));
    assertTrue(lines.size() > 3, process + " logged: " + lines);
    boolean rangeLine = false;
    for (String line : lines) {
      JsonObject event = new JsonObject(line);
      assertTrue(event.containsKey("level") && event.containsKey("formattedMessage"), line);
      JsonObject mdc = event.getJsonObject("mdc", new JsonObject());
      if (mdc.containsKey("range")) {
        assertTrue(mdc.getString("migration").startsWith("sapi-"), line);
        rangeLine |= !worker || mdc.containsKey("worker");
      }
    }
    assertTrue(rangeLine, process + " logged a line with its range in the MDC: " + lines);
  }
}
