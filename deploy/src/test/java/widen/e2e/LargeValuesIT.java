package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.testing.TestDatabase;

/**
 * A worker in 256 MiB of heap (every widen process a test starts gets -Xmx256m) copies and
 * verifies rows whose state is 16 MiB, by either method through the worker: memory is bounded
 * by one row per thread, not by the range. The first range holds all twelve big rows, 192 MiB,
 * which a worker that held a range in memory could not fit. The values are full of the bytes
 * the LOAD DATA stream must escape, so its buffers are at their largest.
 */
class LargeValuesIT {
  private static final int BIG = 16 << 20;
  private static final int BIG_ROWS = 12;
  /** Packets must hold a 16 MiB value as a statement; the server's default is 16 MiB. */
  private static final long PACKET = 64L << 20;
  private static long packetBefore;

  @TempDir
  Path logs;
  private Csmh tables;
  private Fleet fleet;

  @BeforeAll
  static void widenPackets() throws Exception {
    try (TestDatabase server = TestDatabase.create("packet")) {
      packetBefore = server.queryLong("SELECT @@GLOBAL.max_allowed_packet");
      server.execute("SET GLOBAL max_allowed_packet = " + Math.max(PACKET, packetBefore));
    }
  }

  @AfterAll
  static void restorePackets() throws Exception {
    try (TestDatabase server = TestDatabase.create("packet")) {
      server.execute("SET GLOBAL max_allowed_packet = " + packetBefore);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    if (tables != null) {
      tables.close();
    }
  }

  @ParameterizedTest(name = "copy.load_data={0}")
  @ValueSource(strings = {"always", "never"})
  void sixteenMebibyteValuesCopyAndVerifyInAWorkerOf256MiB(String loadData) throws Exception {
    tables = Csmh.create("big", 200, false);
    tables.source.execute("UPDATE " + CsmhFixture.SOURCE_TABLE + " SET state = RPAD(REPEAT("
        + "CONCAT(MD5(id), '\\t\\\\\\n\\0'), " + (BIG / 36 + 1) + "), " + BIG + ", 'y')"
        + " WHERE id <= " + BIG_ROWS);
    WidenConfig config = tables.config("big").with(Map.of("copy.pushdown", "never",
        "copy.load_data", loadData, "worker.threads", "2", "plan.range_rows", "50"));
    fleet = new Fleet(config, tables.control, logs);
    fleet.prepare();
    WidenProcess coordinator = fleet.start("coordinator");
    WidenProcess worker = fleet.start("worker");
    fleet.awaitPhase("READY_TO_FLIP", coordinator, 600);
    fleet.stopWorkers(List.of(worker));

    assertFalse(worker.tail(2000).contains("OutOfMemoryError"), worker.tail(40));
    assertEquals(BIG_ROWS, tables.target.queryLong("SELECT COUNT(*) FROM "
        + CsmhFixture.TARGET_TABLE + " WHERE LENGTH(state) = " + BIG));
    assertEquals(tables.sourceSum(), tables.targetSum());
  }
}
