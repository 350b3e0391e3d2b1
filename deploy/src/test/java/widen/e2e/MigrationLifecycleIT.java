package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.demo.AppWriter;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.range.IdRange;
import widen.read.HistoryReader;
import widen.schema.TableShape;
import widen.testing.TestServices;

/**
 * The seed's whole procedure with the application writing all along: backfill, delta sweeps,
 * verification with repair, flip advice, flip, final sweep, COMPLETE, and clean-up. Both
 * timelines: (a) the application writes to the old table until the flip; (b) it writes new rows
 * to the new table from the start (ENABLE_CSMH_EXTENDED). The writer holds transactions open
 * across the coordinator's high-water-mark reads and commits them late.
 */
class MigrationLifecycleIT {
  private static final long ROWS = 100_000;
  private static final int APP_ROWS_PER_SECOND = 240;

  @TempDir
  Path logs;
  private Csmh tables;
  private Fleet fleet;
  private WidenConfig config;

  @AfterEach
  void tearDown() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    tables.close();
  }

  private void setUp(String name, boolean edgeRows, Map<String, String> extra) throws Exception {
    tables = Csmh.create(name, ROWS, edgeRows);
    config = WidenConfig.of(TestServices.config(name + "-" + tables.control.name(), tables.source,
        CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE, tables.control))
        // The application holds a transaction in the old table open 1.5 s in every 1.7 s, and
        // a sweep must wait out the one open at its mark: at 240 rows/s a sweep then finds 360
        // to 430 rows, so the sweeps settle below 500 (below 250 only when a mark falls in the
        // gap between two of those transactions).
        .with(Map.of("plan.range_rows", "2000", "sweep.until_rows", "500"))
        .with(extra);
    fleet = new Fleet(config, tables.control, logs);
  }

  @Test
  void timelineA_writesToTheOldTableUntilTheFlip_nothingMissedRepairedAndReadOnce()
      throws Exception {
    setUp("life_a", false, Map.of());
    try (AppWriter app = new AppWriter(config.source(), config.target(), APP_ROWS_PER_SECOND,
        AppWriter.Table.OLD).start(); Reader reader = new Reader(app)) {
      fleet.prepare();
      WidenProcess coordinator = fleet.start("coordinator");
      List<WidenProcess> workers = List.of(fleet.start("worker"), fleet.start("worker"));
      long tampered = tamperWithACopiedRow(coordinator);

      fleet.awaitPhase("READY_TO_FLIP", coordinator, 600);
      app.writeTo(AppWriter.Table.NEW);
      fleet.flip(coordinator);
      assertEquals(0, coordinator.waitFor(300), coordinator.tail(40));
      fleet.stopWorkers(workers);
      app.close();
      reader.close();

      assertNull(app.failure(), "the application kept writing");
      long sourceMax = tables.source.queryLong("SELECT MAX(id) FROM " + CsmhFixture.SOURCE_TABLE);
      IdRange old = new IdRange(Long.MIN_VALUE, sourceMax);
      assertEquals(tables.sourceSum(), tables.targetSum(old), "every old row, equal, in the new");
      assertEquals(0, missing(app), "every row the application committed is in the new table");
      assertTrue(tables.control.queryLong("SELECT COUNT(*) FROM " + fleet.table("sweep")
          + " WHERE sweep > 0 AND rows_new > 0") >= 2, "sweeps caught rows written meanwhile");
      String repaired = tables.control.queryString("SELECT CONCAT(range_id, ' ', note) FROM "
          + fleet.table("range_task") + " WHERE kind = 'VERIFY' AND verdict = 'REPAIRED'"
          + " AND lo < " + tampered + " AND hi >= " + tampered);
      assertTrue(repaired != null && repaired.contains("re-copied"), "repair recorded: " + repaired);
      String report = tables.control.queryString("SELECT report FROM " + fleet.table("migration"));
      assertTrue(report.contains("range " + repaired.split(" ")[0] + " "),
          "the report names the repaired range: " + report);
      assertTrue(reader.reads.get() > 0, "the reader read during the migration");
      assertEquals(1, tables.control.queryLong("SELECT COUNT(*) FROM " + fleet.table("sweep")
          + " WHERE final AND copy_from = from_mark"), "the final sweep, after the flip, copies"
          + " no trailing window back over rows the application may have changed since");
      assertEquals(0, tables.control.queryLong("SELECT COUNT(*) FROM " + fleet.table("range_task")
          + " r JOIN " + fleet.table("sweep") + " s ON s.migration_id = r.migration_id AND"
          + " s.sweep = r.sweep WHERE s.final AND r.lo < s.from_mark"));
      assertLateRowsAreFlaggedAndKept();
      assertNull(reader.violation.get(), "the reader never missed a row nor saw one twice");
      System.out.printf("timeline a: application wrote %,d rows (%,d to the old table); %,d"
          + " history reads, all complete and without duplicates%n", app.rows(),
          sourceMax > 0 ? tables.source.queryLong("SELECT COUNT(*) FROM "
              + CsmhFixture.SOURCE_TABLE + " WHERE version = 'app'") : 0, reader.reads.get());
    }
  }

  @Test
  void timelineB_newRowsGoToTheNewTable_completesServesHistoryAndCleansUp() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicReference<String> posted = new AtomicReference<>();
    hook.createContext("/advice", exchange -> {
      posted.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    hook.start();
    setUp("life_b", true, Map.of("http.port", String.valueOf(port), "cleanup.batch_rows", "5000",
        "cleanup.pause_ms", "200", "flip.webhook_url", "http://127.0.0.1:"
            + hook.getAddress().getPort() + "/advice"));
    fleet.prepare();
    try (AppWriter app = new AppWriter(config.source(), config.target(), APP_ROWS_PER_SECOND,
        AppWriter.Table.NEW).start()) {
      WidenProcess coordinator = fleet.start("coordinator");
      List<WidenProcess> workers = List.of(fleet.start("worker"), fleet.start("worker"));
      fleet.awaitPhase("READY_TO_FLIP", coordinator, 600);
      for (int i = 0; i < 100 && posted.get() == null; i++) {
        Thread.sleep(100);
      }
      hook.stop(0);
      JsonObject advice = new JsonObject(posted.get());
      assertEquals("READY_TO_FLIP", advice.getString("advice"), posted.get());
      assertEquals(true, advice.getBoolean("match"), posted.get());
      assertEquals(ROWS + 6, advice.getJsonObject("source").getLong("rows"), posted.get());
      assertHistoryServedOnce(port, Set.of("source", "target"));
      assertEquals(2, fleet.run("cleanup", "--slow-delete", "--confirm"),
          "clean-up is refused before COMPLETE");
      assertEquals(ROWS + 6, tables.sourceSum().rows(), "and deleted nothing");

      fleet.flip(coordinator);
      assertEquals(0, coordinator.waitFor(300), coordinator.tail(40));
      fleet.stopWorkers(workers);
      app.close();
      assertNull(app.failure(), "the application kept writing");

      IdRange old = new IdRange(Long.MIN_VALUE, 2147483647L);
      assertEquals(tables.sourceSum(), tables.targetSum(old));
      assertEquals(app.rows(), tables.target.queryLong("SELECT COUNT(*) FROM "
          + CsmhFixture.TARGET_TABLE + " WHERE id > 2147483647 AND version = 'app'"),
          "the application's own rows in the new table are untouched");
      assertEquals(0, missing(app));
    }
    cleanUpWithAKillInTheMiddle();
    aRowBelowTheFinalMarkThatTheNewTableLacksIsNeverCleanedUp();
  }

  /** A row written to the old table after COMPLETE: status warns, TRUNCATE is refused. */
  private void assertLateRowsAreFlaggedAndKept() throws Exception {
    tables.source.execute("INSERT INTO " + CsmhFixture.SOURCE_TABLE + " (version, created,"
        + " student_module_id) VALUES ('late', NOW(), 1)");
    WidenProcess status = fleet.start("status");
    assertEquals(0, status.waitFor(120), status.tail(20));
    assertTrue(status.tail(40).contains("WARNING: 1 rows reached the old table after the"
        + " migration was COMPLETE"), status.tail(40));
    assertEquals(2, fleet.run("cleanup", "--truncate", "--confirm"), "truncate would lose it");
    assertEquals(1, tables.source.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.SOURCE_TABLE
        + " WHERE version = 'late'"));
  }

  /** Slow delete, killed after a few batches, run again: the old table ends empty. */
  private void cleanUpWithAKillInTheMiddle() throws Exception {
    WidenProcess first = fleet.start("cleanup", "--slow-delete", "--confirm");
    String count = "SELECT COUNT(*) FROM " + CsmhFixture.SOURCE_TABLE;
    while (tables.source.queryLong(count) > ROWS - 10_000 && first.alive()) {
      Thread.sleep(50);
    }
    first.kill();
    first.waitFor(30);
    long left = tables.source.queryLong(count);
    assertTrue(left > 0 && left < ROWS, "killed in the middle: " + left + " rows left");
    assertEquals(0, fleet.run("cleanup", "--slow-delete", "--confirm"));
    assertEquals(0, tables.source.queryLong(count), "the resumed slow delete emptied the table");
  }

  /**
   * A row below the final mark that reached the old table after the final sweep (a transaction
   * that committed late): COMPLETE could not count it, so clean-up checks the new table for every
   * id it would remove. TRUNCATE and the slow delete both refuse and keep it; once the row is in
   * the new table, the slow delete removes it.
   */
  private void aRowBelowTheFinalMarkThatTheNewTableLacksIsNeverCleanedUp() throws Exception {
    long id = ROWS + 100; // between the copied ids and the edge rows: below the final mark
    tables.source.execute("INSERT INTO " + CsmhFixture.SOURCE_TABLE + " (id, version, created,"
        + " state, student_module_id) VALUES (" + id + ", 'late', NOW(), '{}', 1)");
    String count = "SELECT COUNT(*) FROM " + CsmhFixture.SOURCE_TABLE;
    WidenProcess truncate = fleet.start("cleanup", "--truncate", "--confirm");
    assertEquals(2, truncate.waitFor(120), truncate.tail(20));
    assertTrue(truncate.tail(20).contains("1 rows of the old table with ids in"
        + " (-9223372036854775808, " + id + "] are not in the new table (ids " + id + ")"),
        truncate.tail(20));
    assertEquals(2, fleet.run("cleanup", "--slow-delete", "--confirm"));
    assertEquals(1, tables.source.queryLong(count), "the late row is kept");
    tables.target.execute("INSERT INTO " + CsmhFixture.TARGET_TABLE + " (id, version, created,"
        + " state, student_module_id) VALUES (" + id + ", 'late', NOW(), '{}', 1)");
    assertEquals(0, fleet.run("cleanup", "--slow-delete", "--confirm"));
    assertEquals(0, tables.source.queryLong(count));
  }

  /** Changes a copied row in the target while the backfill runs; returns its id. */
  private long tamperWithACopiedRow(WidenProcess coordinator) throws Exception {
    String done = "SELECT MAX(hi) FROM " + fleet.table("range_task")
        + " WHERE kind = 'COPY' AND sweep = 0 AND state = 'DONE'";
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (!tables.control.hasTable("range_task") || tables.control.queryLong(done) == 0) {
      assertTrue(coordinator.alive() && System.nanoTime() < deadline, coordinator.tail(30));
      Thread.sleep(50);
    }
    long id = tables.target.queryLong("SELECT MAX(id) FROM " + CsmhFixture.TARGET_TABLE
        + " WHERE id <= " + tables.control.queryLong(done));
    tables.target.execute("UPDATE " + CsmhFixture.TARGET_TABLE + " SET state = 'tampered',"
        + " grade = -1 WHERE id = " + id);
    assertTrue(Set.of("PLANNED", "BACKFILLING").contains(fleet.phase()),
        "tampered before verification began");
    return id;
  }

  /** Rows the application committed that the new table lacks. */
  private long missing(AppWriter app) throws Exception {
    long missing = 0;
    try (Connection c = tables.target.connect()) {
      for (int key = 1; key <= AppWriter.KEYS; key++) {
        for (long id : app.committed(key)) {
          try (var ps = c.prepareStatement("SELECT 1 FROM " + CsmhFixture.TARGET_TABLE
              + " WHERE id = ?")) {
            ps.setLong(1, id);
            missing += ps.executeQuery().next() ? 0 : 1;
          }
        }
      }
    }
    return missing;
  }

  private void assertHistoryServedOnce(int port, Set<String> tablesSeen) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Set<String> seen = new HashSet<>();
    for (int key = 1; key <= AppWriter.KEYS; key++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + port + "/history/" + key + "?limit=1000")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      JsonArray rows = new JsonObject(r.body()).getJsonArray("rows");
      Set<Long> ids = new HashSet<>();
      long previous = Long.MAX_VALUE;
      for (int i = 0; i < rows.size(); i++) {
        long id = rows.getJsonObject(i).getLong("id");
        assertTrue(ids.add(id), "id " + id + " served twice for key " + key);
        assertTrue(id < previous, "newest first");
        previous = id;
        seen.add(rows.getJsonObject(i).getString("table"));
      }
    }
    assertEquals(tablesSeen, seen, "histories come from both tables before COMPLETE");
  }

  /**
   * Reads random histories through the read API all the time, checking each against the rows the
   * application had committed before the read began.
   */
  private final class Reader implements AutoCloseable {
    final AtomicLong reads = new AtomicLong();
    final AtomicReference<String> violation = new AtomicReference<>();
    private final HikariDataSource source = Databases.pool(config.source(), 1, "test-read-src");
    private final HikariDataSource target = Databases.pool(config.target(), 1, "test-read-dst");
    private volatile boolean running = true;
    private final Thread thread;

    Reader(AppWriter app) throws Exception {
      List<String> columns = List.of("id", "version", "created", "state", "grade", "max_grade",
          "student_module_id");
      TableShape s;
      TableShape t;
      try (Connection a = source.getConnection(); Connection b = target.getConnection()) {
        s = TableShape.introspect(a, "source", tables.source.name(), CsmhFixture.SOURCE_TABLE);
        t = TableShape.introspect(b, "target", tables.target.name(), CsmhFixture.TARGET_TABLE);
      }
      HistoryReader reader = new HistoryReader(source, s, target, t, columns, "student_module_id");
      thread = new Thread(() -> {
        try {
          while (running) {
            int key = 1 + ThreadLocalRandom.current().nextInt(AppWriter.KEYS);
            Set<Long> committed = app.committed(key);
            HistoryReader.Tables which = fleet.phase().equals("COMPLETE")
                ? HistoryReader.Tables.TARGET_ONLY : HistoryReader.Tables.BOTH;
            Set<Long> seen = new HashSet<>();
            for (HistoryReader.Row row : reader.history(String.valueOf(key), which, 100_000)) {
              if (!seen.add(row.id())) {
                violation.compareAndSet(null, "id " + row.id() + " twice for key " + key);
              }
            }
            if (!seen.containsAll(committed)) {
              violation.compareAndSet(null, "key " + key + " missed committed rows");
            }
            reads.incrementAndGet();
            Thread.sleep(20);
          }
        } catch (Exception e) {
          violation.compareAndSet(null, e.toString());
        }
      }, "history-reader");
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(10_000);
      source.close();
      target.close();
    }
  }
}
