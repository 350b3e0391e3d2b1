package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.testing.TestServices;

/**
 * The whole migration as an operator runs it on a table nobody writes to: a coordinator and three
 * workers, each a JVM of its own, copy 200,000 CSMH-shaped rows with gaps and edge values between
 * two databases, verify them, advise the flip, and complete after it.
 */
class EndToEndIT {
  private static final long ROWS = 200_000;

  @TempDir
  Path logs;
  private Csmh tables;
  private Fleet fleet;
  private WidenConfig config;

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("e2e", ROWS, true);
    config = WidenConfig.of(TestServices.config("e2e-" + tables.control.name(), tables.source,
        CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE, tables.control));
    fleet = new Fleet(config, tables.control, logs);
  }

  @AfterEach
  void tearDown() throws Exception {
    fleet.close();
    tables.close();
  }

  /** Rows through the workers, as between two servers. */
  @Test
  void aCoordinatorAndThreeWorkersCopyVerifyAndCompleteExactly() throws Exception {
    fleet = new Fleet(config.with(Map.of("copy.pushdown", "never")), tables.control, logs);
    fleet.prepare();
    long started = System.nanoTime();
    WidenProcess coordinator = fleet.start("coordinator");
    List<WidenProcess> workers = List.of(fleet.start("worker"), fleet.start("worker"),
        fleet.start("worker"));
    fleet.awaitPhase("READY_TO_FLIP", coordinator, 600);
    double seconds = (System.nanoTime() - started) / 1e9;
    fleet.flip(coordinator);
    assertEquals(0, coordinator.waitFor(300), coordinator.tail(40));
    fleet.stopWorkers(workers);

    assertEquals(tables.sourceSum(), tables.targetSum());
    assertEquals(ROWS + 6, tables.targetSum().rows());
    assertEquals(0, tables.control.queryLong("SELECT COUNT(*) FROM " + fleet.table("range_task")
        + " WHERE state <> 'DONE'"), "every range DONE in the ledger");
    assertEquals(ROWS + 6, tables.control.queryLong("SELECT SUM(src_rows) FROM "
        + fleet.table("range_task") + " WHERE kind = 'VERIFY'"), "every row verified once");
    assertEquals("COMPLETE", fleet.phase());
    String report = tables.control.queryString("SELECT report FROM " + fleet.table("migration"));
    assertTrue(report.contains("\"match\":true"), report);
    assertTrue(report.contains(tables.sourceSum().checksum()),
        "the report's checksum is the whole table's: " + report);
    System.out.printf("end-to-end: %,d rows copied and verified in %.1f s = %,.0f rows/s with 3"
        + " worker processes (including JVM start-up)%n", ROWS + 6, seconds, (ROWS + 6) / seconds);
  }

  /** The default on one server: each range pushed down as one INSERT ... SELECT. */
  @Test
  void aCoordinatorKilledMidwayResumesFromTheLedgerAndLosesNothing() throws Exception {
    // Fixed small ranges, so the kill lands while many are left.
    fleet = new Fleet(config.with(Map.of("plan.range_rows", "500", "plan.target_range_ms", "0")),
        tables.control, logs);
    fleet.prepare();
    WidenProcess first = fleet.start("coordinator");
    List<WidenProcess> workers = List.of(fleet.start("worker"), fleet.start("worker"));
    String ranges = fleet.table("range_task");
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
    // Before the end: ranges still open, or ids the backfill had not planned yet (it plans only
    // a few ranges per consumer ahead, so every planned range can be done at the kill).
    long open = tables.control.queryLong("SELECT COUNT(*) FROM " + ranges
        + " WHERE kind = 'COPY' AND state <> 'DONE'");
    long planned = tables.control.queryLong("SELECT COALESCE(MAX(hi), 0) FROM " + ranges
        + " WHERE kind = 'COPY'");
    long maxId = tables.source.queryLong("SELECT MAX(id) FROM " + CsmhFixture.SOURCE_TABLE);
    assertTrue(open > 0 || planned < maxId, "killed before the end: " + open + " ranges open,"
        + " planned up to id " + planned + " of " + maxId);

    WidenProcess second = fleet.start("coordinator");
    fleet.awaitPhase("READY_TO_FLIP", second, 600);
    fleet.flip(second);
    assertEquals(0, second.waitFor(300), second.tail(40));
    fleet.stopWorkers(workers);
    assertEquals(tables.sourceSum(), tables.targetSum());
    assertEquals(0, tables.control.queryLong("SELECT COUNT(*) FROM " + ranges
        + " WHERE state <> 'DONE'"));
    // It took the migration over mid-backfill from the ledger; it resends ranges only if some
    // were open at the kill (every planned one may have been done).
    String log = second.tail(400);
    assertTrue(log.contains("holds the migration, phase BACKFILLING"), second.tail(40));
    assertEquals(open > 0, log.contains("resumed"), second.tail(40));
  }
}
