package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.testing.Queues;
import widen.testing.TestServices;

/**
 * The whole backfill as an operator runs it: a coordinator and three workers, each a JVM of its
 * own, copy 200,000 CSMH-shaped rows with gaps and edge values between two databases.
 */
class EndToEndIT {
  private static final long ROWS = 200_000;

  @TempDir
  Path logs;
  private Csmh tables;
  private WidenConfig config;
  private final List<WidenProcess> processes = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("e2e", ROWS);
    Map<String, String> c = new LinkedHashMap<>(TestServices.config("e2e-" + tables.control.name(),
        tables.source, CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE,
        tables.control));
    config = WidenConfig.of(c);
  }

  @AfterEach
  void tearDown() throws Exception {
    processes.forEach(WidenProcess::kill);
    Queues.delete(config);
    tables.close();
  }

  @Test
  void aCoordinatorAndThreeWorkersCopyEveryRowExactly() throws Exception {
    long started = System.nanoTime();
    WidenProcess coordinator = start("coordinator");
    List<WidenProcess> workers = List.of(start("worker"), start("worker"), start("worker"));

    int coordinatorExit = coordinator.waitFor(600);
    double seconds = (System.nanoTime() - started) / 1e9;
    workers.forEach(WidenProcess::terminate);
    for (WidenProcess w : workers) {
      assertEquals(0, w.waitFor(120), "a worker drains and exits 0 on SIGTERM; " + w.tail(30));
    }
    assertEquals(0, coordinatorExit, coordinator.tail(40));

    assertEquals(tables.sourceSum(), tables.targetSum());
    assertEquals(ROWS + 6, tables.targetSum().rows());
    String ranges = "`" + tables.control.name() + "`.range_task";
    assertEquals(0, tables.control.queryLong("SELECT COUNT(*) FROM " + ranges
        + " WHERE state <> 'DONE'"), "every range DONE in the ledger");
    assertEquals(ROWS + 6, tables.control.queryLong("SELECT SUM(rows_copied) FROM " + ranges));
    assertEquals("BACKFILLED", tables.control.queryString("SELECT phase FROM `"
        + tables.control.name() + "`.migration"));
    System.out.printf("end-to-end: %,d rows in %.1f s = %,.0f rows/s with 3 worker processes"
        + " (including JVM start-up)%n", ROWS + 6, seconds, (ROWS + 6) / seconds);
  }

  @Test
  void aCoordinatorKilledMidwayResumesFromTheLedgerAndLosesNothing() throws Exception {
    config = config.with(Map.of("plan.range_rows", "500"));
    WidenProcess first = start("coordinator");
    List<WidenProcess> workers = List.of(start("worker"), start("worker"));
    String ranges = "`" + tables.control.name() + "`.range_task";
    long done = 0;
    for (long deadline = System.nanoTime() + 300_000_000_000L; done < 20; ) {
      if (System.nanoTime() > deadline || !first.alive()) {
        throw new AssertionError("no progress to interrupt; " + first.tail(30));
      }
      Thread.sleep(100);
      done = tables.control.hasTable("range_task") ? tables.control.queryLong(
          "SELECT COUNT(*) FROM " + ranges + " WHERE state = 'DONE'") : 0;
    }
    first.kill();
    first.waitFor(30);
    long total = tables.control.queryLong("SELECT COUNT(*) FROM " + ranges);
    assertTrue(total > done, "killed before the end: " + done + " of " + total + " done");

    WidenProcess second = start("coordinator");
    assertEquals(0, second.waitFor(600), second.tail(40));
    workers.forEach(WidenProcess::terminate);
    for (WidenProcess w : workers) {
      assertEquals(0, w.waitFor(120), w.tail(30));
    }
    assertEquals(tables.sourceSum(), tables.targetSum());
    assertEquals(0, tables.control.queryLong("SELECT COUNT(*) FROM " + ranges
        + " WHERE state <> 'DONE'"));
    assertTrue(second.tail(200).contains("resumed"), second.tail(40));
  }

  private WidenProcess start(String command) throws Exception {
    Path log = logs.resolve(command + "-" + processes.size() + ".log");
    WidenProcess p = WidenProcess.start(command + "-" + processes.size(), config.asEnvironment(), log, command);
    processes.add(p);
    return p;
  }
}
