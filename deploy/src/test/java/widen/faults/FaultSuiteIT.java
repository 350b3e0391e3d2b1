package widen.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.testing.NetNamespace;
import widen.testing.OwnMariaDb;
import widen.testing.OwnRabbitMq;
import widen.testing.TestServices;

/**
 * The fault suite: each scenario runs a real migration of {@value FaultRun#ROWS} rows with the
 * application writing to the old table, injects its fault, runs to COMPLETE, and proves by a
 * row-by-row comparison of the whole tables that nothing is missing, duplicated or different.
 * The table it prints is the one in docs/reliability.md.
 *
 * <p>Scenarios 1, 2, 5 and 7 send the rows through the workers ({@code copy.pushdown=never}), 4
 * must (its target is another server); 3 and 6 let the shared server copy each range itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {
  private static final FaultReport REPORT = new FaultReport();

  @TempDir
  Path logs;

  @AfterAll
  static void publish() throws Exception {
    REPORT.publish();
  }

  private static FaultRun onSharedServices(String name, Path logs, Map<String, String> settings)
      throws Exception {
    return FaultRun.create(name, DbServer.shared(), DbServer.shared(), TestServices.amqpUrl(),
        logs, settings);
  }

  /** Records the scenario's line and fails it unless the tables are equal row for row. */
  private static void record(String scenario, String faults, TableDiff.Outcome o, long started) {
    REPORT.add(scenario, faults, o, (System.nanoTime() - started) / 1e9);
    assertTrue(o.clean(), scenario + ": " + o);
    assertTrue(o.rows() > FaultRun.ROWS, "the application's rows were copied too: " + o);
  }

  @Test
  @Order(1)
  void workersKilledInTheMiddleOfRanges() throws Exception {
    long started = System.nanoTime();
    try (FaultRun run = onSharedServices("wkill", logs, Map.of("worker.threads", "1",
        "copy.pushdown", "never"))) {
      run.begin(3);
      int kills = 0;
      for (long at : new long[] {10, 30, 50, 70}) {
        run.awaitBackfillDone(at);
        WidenProcess victim = run.workers.get(kills % run.workers.size());
        victim.kill();
        victim.waitFor(30);
        run.workers.remove(victim);
        run.startWorker();
        kills++;
      }
      TableDiff.Outcome o = run.finish();
      long again = run.redeliveries();
      assertTrue(again >= 1, "a killed worker's range is handed to another worker");
      record("1. worker kill -9 mid-range", kills + " kills (" + again
          + " ranges redelivered)", o, started);
    }
  }

  @Test
  @Order(2)
  void coordinatorKilledDuringTheBackfillAndDuringASweep() throws Exception {
    long started = System.nanoTime();
    try (FaultRun run = onSharedServices("ckill", logs, Map.of("copy.pushdown", "never"))) {
      run.begin(2);
      run.awaitBackfillDone(30);
      run.killAndRestartCoordinator();
      // The backfill is done and the first sweep is being planned or copied.
      run.awaitPhase("CATCHING_UP");
      run.killAndRestartCoordinator();
      TableDiff.Outcome o = run.finish();
      assertTrue(run.coordinator.tail(400).contains("holds the migration, phase CATCHING_UP"),
          "the last coordinator took up the sweep from the ledger: " + run.coordinator.tail(20));
      record("2. coordinator kill -9 in backfill and in a sweep", "2 kills", o, started);
    }
  }

  @Test
  @Order(3)
  void theBrokerStoppedAndStartedDuringTheBackfill() throws Exception {
    long started = System.nanoTime();
    try (OwnRabbitMq broker = OwnRabbitMq.start("faults", "127.0.0.1");
        FaultRun run = FaultRun.create("broker", DbServer.shared(), DbServer.shared(),
            broker.amqpUrl(), logs, Map.of("worker.threads", "1"))) {
      run.begin(2);
      run.awaitBackfillDone(20);
      broker.stop();
      Thread.sleep(5_000);
      broker.start();
      TableDiff.Outcome o = run.finish();
      assertTrue(run.coordinatorLogLines("reconnected after") >= 1, "the coordinator reconnected");
      record("3. broker stopped 5 s, started", "1 broker stop", o, started);
    }
  }

  @Test
  @Order(4)
  void theTargetDatabaseKilledAndRestartedDuringTheBackfill() throws Exception {
    long started = System.nanoTime();
    try (OwnMariaDb db = OwnMariaDb.start("faults", "127.0.0.1");
        FaultRun run = FaultRun.create("target", DbServer.shared(), DbServer.at(db.host(),
            db.port()), TestServices.amqpUrl(), logs, Map.of("worker.threads", "1"))) {
      run.begin(2);
      run.awaitBackfillDone(20);
      db.kill();
      Thread.sleep(3_000);
      db.restart();
      TableDiff.Outcome o = run.finish();
      assertTrue(run.coordinatorLogLines("reconnected after") >= 1, "the coordinator reconnected");
      record("4. target MariaDB (with the ledger) kill -9, restarted", "1 database kill", o,
          started);
    }
  }

  @Test
  @Order(5)
  void workersScaledFromOneToFourAndBack() throws Exception {
    long started = System.nanoTime();
    try (FaultRun run = onSharedServices("scale", logs, Map.of("worker.threads", "1",
        "copy.pushdown", "never"))) {
      run.begin(1);
      run.awaitBackfillDone(10);
      List<WidenProcess> extra = List.of(run.startWorker(), run.startWorker(), run.startWorker());
      for (WidenProcess w : extra) {
        run.awaitLog(w, " started: "); // a SIGTERM before its signal handler would be a kill
      }
      run.awaitBackfillDone(60);
      extra.forEach(WidenProcess::terminate);
      for (WidenProcess w : extra) {
        assertEquals(0, w.waitFor(60), "SIGTERM drains and exits 0: " + w.tail(20));
      }
      run.workers.removeAll(extra);
      TableDiff.Outcome o = run.finish();
      record("5. workers scaled 1 -> 4 -> 1", "3 started, 3 drained (SIGTERM)", o, started);
    }
  }

  @Test
  @Order(6)
  void aPoisonRowParksOnlyItsRangeUntilFixedAndRetried() throws Exception {
    long started = System.nanoTime();
    String token = "t0ken-" + System.nanoTime();
    try (FaultRun run = onSharedServices("poison", logs, Map.of("http.token", token))) {
      // The target refuses one value the source holds, as a stricter column would.
      String src = "`" + run.srcDb + "`." + CsmhFixture.SOURCE_TABLE;
      String dst = "`" + run.dstDb + "`." + CsmhFixture.TARGET_TABLE;
      long poison = run.source.queryLong("SELECT id FROM " + src + " ORDER BY id LIMIT 1 OFFSET "
          + FaultRun.ROWS / 2);
      run.source.execute("UPDATE " + src + " SET version = 'POISON' WHERE id = " + poison);
      run.target.execute("ALTER TABLE " + dst + " ADD CONSTRAINT widen_poison"
          + " CHECK (version IS NULL OR version <> 'POISON')");
      run.begin(2);
      String ranges = run.ledger("range_task");
      run.await("the poisoned range parked", () -> run.ledgerLong("SELECT COUNT(*) FROM " + ranges
          + " WHERE state = 'FAILED'") == 1);
      run.await("every other backfill range done", () -> run.ledgerLong("SELECT COUNT(*) FROM "
          + ranges + " WHERE state <> 'DONE'") == 1);
      assertEquals(1, run.ledgerLong("SELECT COUNT(*) FROM " + ranges + " WHERE state = 'FAILED'"
          + " AND lo < " + poison + " AND hi >= " + poison + " AND attempts = 5"
          + " AND last_error LIKE '%widen_poison%'"), "the poisoned range is parked with its error");
      Thread.sleep(3_000);
      assertEquals("BACKFILLING", run.phase(), "no sweep, verification or advice while parked");
      String status = run.run("status").tail(40);
      assertTrue(status.contains("parked") && status.contains("widen_poison"), status);

      // The control endpoint wants the token; with it, it answers (here: that 999999 is no range).
      assertTrue(run.post("/api/retry-failed", null).startsWith("401 "));
      assertTrue(run.post("/api/retry-failed", token + "x").startsWith("401 "));
      String wrongRange = run.post("/api/retry-failed?range=999999", token);
      assertTrue(wrongRange.startsWith("409 ") && wrongRange.contains("not parked"), wrongRange);
      assertEquals(1, run.ledgerLong("SELECT COUNT(*) FROM " + ranges + " WHERE state = 'FAILED'"));

      run.target.execute("ALTER TABLE " + dst + " DROP CONSTRAINT widen_poison");
      long parked = run.ledgerLong("SELECT range_id FROM " + ranges + " WHERE state = 'FAILED'");
      WidenProcess retry = run.run("retry-failed", "--range", Long.toString(parked));
      assertEquals(0, retry.waitFor(10), retry.tail(10));
      TableDiff.Outcome o = run.finish();
      record("6. poison row parked, fixed, retry-failed", "1 poisoned row (5 attempts, parked)",
          o, started);
    }
  }

  /**
   * Workers on a host of their own (a network namespace) reach the databases and the broker
   * through a proxy that delays every chunk and resets connections at random, and the link is
   * cut for 5 s; then every connection through the proxies is dropped at once. (This kernel has
   * no sch_netem for tc, so the proxy makes the bad network.)
   */
  @Test
  @Order(7)
  void workersBehindADelayingDroppingNetworkWithACutLink() throws Exception {
    long started = System.nanoTime();
    String host = "10.231.7.1";
    try (NetNamespace ns = NetNamespace.create("wfault7", host, "10.231.7.2");
        FlakyProxy db = new FlakyProxy(host, TestServices.dbAddress(), 2, 2,
            0.0005);
        FlakyProxy mq = new FlakyProxy(host, TestServices.amqpAddress(), 2, 2,
            0.0005);
        FaultRun run = onSharedServices("network", logs, Map.of("copy.pushdown", "never"))) {
      run.launchWorkersWith(ns.command(List.of()), run.servicesAt(host, db.port(), mq.port()));
      run.begin(2);
      run.awaitBackfillDone(20);
      ns.cut();
      Thread.sleep(5_000);
      ns.restore();
      run.awaitBackfillDone(60);
      db.cut(3_000);
      mq.cut(3_000);
      TableDiff.Outcome o = run.finish();
      record("7. workers' network: delay, random resets, link cut", "5 s link cut, "
          + (db.resets() + mq.resets()) / 2 + " connections reset", o, started);
    }
  }
}
