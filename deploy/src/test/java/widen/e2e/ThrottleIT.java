package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.testing.TestServices;

/**
 * Pause, resume, a fleet-wide rate and a custom probe, each changed while the copy runs and
 * broadcast by the coordinator to a worker in another process. Checked through the ledger: no
 * range finishes while the fleet is held, and a throttled fleet copies no more than its rate
 * allows (plus the ranges already in hand).
 */
class ThrottleIT {
  private static final long ROWS = 80_000;
  private static final int RANGE_ROWS = 1_000;

  @TempDir
  Path logs;
  private Csmh tables;
  private Fleet fleet;

  @AfterEach
  void tearDown() throws Exception {
    fleet.close();
    tables.close();
  }

  private long done() throws Exception {
    if (!tables.control.hasTable("range_task")) {
      return 0;
    }
    return tables.control.queryLong("SELECT COUNT(*) FROM " + fleet.table("range_task")
        + " WHERE state = 'DONE'");
  }

  private long rowsCopied() throws Exception {
    return tables.control.queryLong("SELECT COALESCE(SUM(rows_copied), 0) FROM "
        + fleet.table("range_task") + " WHERE state = 'DONE'");
  }

  private void awaitDone(long n, WidenProcess coordinator) throws Exception {
    for (long deadline = System.nanoTime() + 120_000_000_000L; done() < n; Thread.sleep(100)) {
      assertTrue(System.nanoTime() < deadline && coordinator.alive(), coordinator.tail(30));
    }
  }

  /** Ranges done now and {@code seconds} later, once the ranges in hand had time to finish. */
  private void assertHeld(int seconds) throws Exception {
    Thread.sleep(2_500);
    long before = done();
    Thread.sleep(seconds * 1000L);
    assertEquals(before, done(), "no range finishes while the fleet is held");
  }

  @Test
  void pauseResumeThrottleAndAProbeHoldTheFleetWhileItRuns() throws Exception {
    tables = Csmh.create("thr", ROWS, false);
    String hold = "`" + tables.control.name() + "`.hold";
    WidenConfig config = WidenConfig.of(TestServices.config("thr-" + tables.control.name(),
        tables.source, CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE,
        tables.control)).with(Map.of("plan.range_rows", Integer.toString(RANGE_ROWS),
            "plan.target_range_ms", "0", "copy.pushdown", "never", "worker.threads", "1",
            "throttle.probe_sql", "SELECT COUNT(*) FROM " + hold, "throttle.probe_max", "0"));
    tables.control.execute("CREATE TABLE hold (x INT)");
    fleet = new Fleet(config, tables.control, logs);
    fleet.prepare();
    WidenProcess coordinator = fleet.start("coordinator");
    fleet.start("worker");
    awaitDone(3, coordinator);

    assertEquals(0, fleet.run("pause"));
    assertHeld(3);
    WidenProcess statusRun = fleet.start("status");
    assertEquals(0, statusRun.waitFor(60));
    assertTrue(statusRun.tail(30).contains("PAUSED"), statusRun.tail(30));

    // The rate is set while paused, so the backfill cannot run out before it is measured (an
    // unthrottled fleet copies these 80 ranges in a few seconds).
    long rate = 2_000;
    assertEquals(0, fleet.run("throttle", Long.toString(rate)));
    assertEquals(0, fleet.run("resume"));
    long resumedAt = done();
    awaitDone(resumedAt + 3, coordinator);
    long before = rowsCopied();
    Thread.sleep(6_000);
    long copied = rowsCopied() - before;
    assertTrue(copied > 0, "a throttled fleet still copies");
    assertTrue(copied <= rate * 6 + 2 * RANGE_ROWS, "at most " + rate + " rows/s for 6 s (plus"
        + " the range in hand), copied " + copied);

    // Held by the probe before the rate is lifted, again so that the backfill is not over first.
    tables.control.execute("INSERT INTO hold VALUES (1)");
    assertEquals(0, fleet.run("throttle", "0"));
    assertHeld(3);
    statusRun = fleet.start("status");
    assertEquals(0, statusRun.waitFor(60));
    assertTrue(statusRun.tail(30).contains("PAUSED: throttle.probe_sql gave 1"),
        statusRun.tail(30));

    tables.control.execute("DELETE FROM hold");
    fleet.awaitPhase("READY_TO_FLIP", coordinator, 300);
    assertEquals(tables.sourceSum(), tables.targetSum());
  }
}
