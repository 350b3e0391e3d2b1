package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;

/**
 * The backfill's ranges start at plan.range_rows and grow toward plan.target_range_ms as results
 * come in, while staying consecutive: each begins where the one before ended, from below the
 * smallest id to the high-water mark, so resizing can neither skip nor repeat an id.
 */
class AdaptiveRangesIT {
  private static final long ROWS = 60_000;
  private static final int FIRST_ROWS = 500;

  @TempDir
  Path logs;
  private Csmh tables;
  private Fleet fleet;

  @AfterEach
  void tearDown() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    if (tables != null) {
      tables.close();
    }
  }

  @Test
  void rangesGrowFromTheFirstSizeTowardTheTargetDurationAndStayConsecutive() throws Exception {
    tables = Csmh.create("adapt", ROWS, true);
    WidenConfig config = tables.config("adapt").with(Map.of(
        "plan.range_rows", Integer.toString(FIRST_ROWS), "plan.target_range_ms", "300",
        "plan.min_range_rows", "100", "copy.pushdown", "never", "worker.threads", "1"));
    fleet = new Fleet(config, tables.control, logs);
    fleet.prepare();
    WidenProcess coordinator = fleet.start("coordinator");
    List<WidenProcess> workers = List.of(fleet.start("worker"));
    fleet.awaitPhase("READY_TO_FLIP", coordinator, 600);
    fleet.stopWorkers(workers);

    String ranges = fleet.table("range_task");
    long first = tables.control.queryLong("SELECT rows_planned FROM " + ranges
        + " WHERE kind = 'COPY' AND sweep = 0 ORDER BY lo LIMIT 1");
    long largest = tables.control.queryLong("SELECT MAX(rows_planned) FROM " + ranges
        + " WHERE kind = 'COPY' AND sweep = 0");
    assertEquals(FIRST_ROWS, first, "the first range has plan.range_rows");
    assertTrue(largest >= 4 * FIRST_ROWS, "ranges grew: the largest has " + largest + " rows");
    assertConsecutive(ranges);
    assertEquals(tables.sourceSum(), tables.targetSum());
  }

  /** Backfill ranges in id order: each lo is the hi before it; the last hi is the mark. */
  private void assertConsecutive(String ranges) throws Exception {
    long mark = tables.control.queryLong("SELECT high_water_mark FROM "
        + fleet.table("migration"));
    long min = tables.source.queryLong("SELECT MIN(id) FROM " + CsmhFixture.SOURCE_TABLE);
    try (Connection c = tables.control.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT lo, hi FROM " + ranges
            + " WHERE kind = 'COPY' AND sweep = 0 ORDER BY lo")) {
      long expectLo = min - 1;
      int n = 0;
      while (rs.next()) {
        assertEquals(expectLo, rs.getLong(1), "range " + n + " starts where the one before ends");
        expectLo = rs.getLong(2);
        n++;
      }
      assertEquals(mark, expectLo, "the last of " + n + " ranges ends at the high-water mark");
    }
  }
}
