package widen.range;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import widen.range.RangePlanner.Bounds;
import widen.range.RangePlanner.Planned;
import widen.testing.TestDatabase;

/** Planning ranges by rows against a real table with dense, sparse and odd ids. */
class RangePlannerTest {
  private TestDatabase db;
  private Connection c;

  @BeforeEach
  void createTable() throws SQLException {
    db = TestDatabase.create("range");
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    c = db.connect();
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    try {
      c.close();
    } finally {
      db.close();
    }
  }

  /** Inserts ids from..to (inclusive) with the sequence engine. */
  private void insertIds(long from, long to) throws SQLException {
    db.execute("INSERT INTO t (id, v) SELECT seq, seq % 7 FROM seq_" + from + "_to_" + to);
  }

  private RangePlanner planner(int rangeRows) {
    return new RangePlanner(db.name(), "t", "id", rangeRows);
  }

  private Bounds bounds() throws SQLException {
    return RangePlanner.bounds(c, db.name(), "t", "id");
  }

  /** Plans the table from before its smallest id up to {@code ceiling}, as the coordinator does. */
  private List<Planned> planAll(RangePlanner planner, long before, long ceiling)
      throws SQLException {
    List<Planned> out = new ArrayList<>();
    long after = before;
    for (Optional<Planned> next = planner.next(c, after, ceiling); next.isPresent();
        next = planner.next(c, after, ceiling)) {
      Planned p = next.get();
      assertEquals(after, p.range().lo(), "ranges must be contiguous");
      out.add(p);
      after = p.range().hi();
      assertTrue(out.size() <= 100_000, "planning does not end");
    }
    return out;
  }

  private long rowsIn(IdRange r) throws SQLException {
    return db.queryLong("SELECT COUNT(*) FROM t WHERE id > " + r.lo() + " AND id <= " + r.hi());
  }

  /**
   * Asserts that the plan starts just below the smallest id, ends at the ceiling, has no gap or
   * overlap, no empty range, planned row counts equal to the table's, and covers every id up to
   * the ceiling exactly once.
   */
  private void assertCoversExactly(List<Planned> plan, Bounds b, long ceiling, int rangeRows)
      throws SQLException {
    assertFalse(plan.isEmpty());
    assertEquals(b.min() - 1, plan.get(0).range().lo());
    assertEquals(ceiling, plan.get(plan.size() - 1).range().hi());
    long total = 0;
    for (int i = 0; i < plan.size(); i++) {
      Planned p = plan.get(i);
      long rows = rowsIn(p.range());
      assertEquals(rows, p.rows(), "planned rows of " + p.range());
      assertTrue(rows > 0, "empty range " + p.range());
      if (i < plan.size() - 1) {
        assertEquals(rangeRows, rows, "rows in " + p.range());
        assertEquals(p.range().hi(), plan.get(i + 1).range().lo());
      } else {
        assertTrue(rows <= rangeRows, "last range " + p.range() + " holds " + rows);
      }
      total += rows;
    }
    assertEquals(db.queryLong("SELECT COUNT(*) FROM t WHERE id <= " + ceiling), total);
  }

  @Test
  void denseIdsGiveEqualContiguousRanges() throws SQLException {
    insertIds(1, 10_000);
    Bounds b = bounds();
    assertEquals(new Bounds(1, 10_000, false), b);
    assertEquals(0, b.before());
    List<Planned> plan = planAll(planner(1000), b.before(), b.max());
    assertEquals(10, plan.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(new Planned(new IdRange(i * 1000L, (i + 1) * 1000L), 1000), plan.get(i));
    }
    assertCoversExactly(plan, b, b.max(), 1000);
  }

  @Test
  void sparseIdsGiveRangesOfEqualRowsAndNoEmptyOnes() throws SQLException {
    insertIds(1, 503);
    insertIds(1_000_000, 1_000_499);
    insertIds(2_000_000_000, 2_000_000_099);
    Bounds b = bounds();
    assertEquals(new Bounds(1, 2_000_000_099, false), b);
    List<Planned> plan = planAll(planner(100), b.before(), b.max());
    assertEquals(12, plan.size(), plan.toString());
    assertEquals(new IdRange(500, 1_000_096), plan.get(5).range());
    assertEquals(new Planned(new IdRange(1_000_496, 2_000_000_096), 100), plan.get(10));
    assertEquals(new Planned(new IdRange(2_000_000_096, 2_000_000_099), 3), plan.get(11));
    assertCoversExactly(plan, b, b.max(), 100);
  }

  @Test
  void aTinyTableIsOneRangeEndingAtTheLargestId() throws SQLException {
    db.execute("INSERT INTO t VALUES (7, 0), (8, 0), (40, 0)");
    Bounds b = bounds();
    List<Planned> plan = planAll(planner(1000), b.before(), b.max());
    assertEquals(List.of(new Planned(new IdRange(6, 40), 3)), plan);
  }

  @Test
  void exactlyOneRangeOfRowsEndsOnTheLastId() throws SQLException {
    insertIds(1, 200);
    Bounds b = bounds();
    List<Planned> plan = planAll(planner(100), b.before(), b.max());
    assertEquals(List.of(new Planned(new IdRange(0, 100), 100),
        new Planned(new IdRange(100, 200), 100)), plan);
  }

  @Test
  void anEmptyTableHasEmptyBoundsAndNoRanges() throws SQLException {
    Bounds b = bounds();
    assertTrue(b.empty());
    assertEquals(Optional.empty(), planner(10).next(c, 0, 0));
    assertEquals(Optional.empty(), planner(10).next(c, 0, 1000));
  }

  @Test
  void negativeAndZeroIdsArePlanned() throws SQLException {
    db.execute("INSERT INTO t (id, v) SELECT CAST(seq AS SIGNED) - 6, 0 FROM seq_1_to_11");
    Bounds b = bounds();
    assertEquals(new Bounds(-5, 5, false), b);
    assertEquals(-6, b.before());
    List<Planned> plan = planAll(planner(4), b.before(), b.max());
    assertEquals(List.of(new Planned(new IdRange(-6, -2), 4), new Planned(new IdRange(-2, 2), 4),
        new Planned(new IdRange(2, 5), 3)), plan);
    assertCoversExactly(plan, b, b.max(), 4);
  }

  @Test
  void rowsAboveTheCeilingAreLeftOut() throws SQLException {
    insertIds(1, 1050);
    Bounds b = bounds();
    insertIds(1051, 1100);
    List<Planned> plan = planAll(planner(100), b.before(), b.max());
    assertEquals(11, plan.size());
    assertEquals(new Planned(new IdRange(1000, 1050), 50), plan.get(10));
    assertCoversExactly(plan, b, b.max(), 100);
    assertEquals(Optional.empty(), planner(100).next(c, 1050, 1050));
    // Without the ceiling the same call would have reached the new rows.
    assertEquals(new Planned(new IdRange(1000, 1100), 100),
        planner(100).next(c, 1000, bounds().max()).orElseThrow());
  }

  @Test
  void aCeilingBetweenIdsEndsTheLastRangeAtTheCeiling() throws SQLException {
    insertIds(1, 10);
    insertIds(101, 110);
    List<Planned> plan = planAll(planner(8), 0, 50);
    assertEquals(List.of(new Planned(new IdRange(0, 8), 8), new Planned(new IdRange(8, 50), 2)),
        plan);
  }

  @Test
  void boundarySqlSeeksThePrimaryKeyForTheLastRowOfARange() {
    assertEquals("SELECT `id` FROM `" + db.name() + "`.`t` FORCE INDEX (PRIMARY)"
        + " WHERE `id` > ? AND `id` <= ? ORDER BY `id` LIMIT 1 OFFSET ?",
        planner(1000).boundarySql());
    assertEquals("SELECT `i``d` FROM `d``b`.`t``x` FORCE INDEX (PRIMARY)"
        + " WHERE `i``d` > ? AND `i``d` <= ? ORDER BY `i``d` LIMIT 1 OFFSET ?",
        new RangePlanner("d`b", "t`x", "i`d", 1).boundarySql());
  }

  @Test
  void idRangesAreExclusiveBelowAndInclusiveAbove() {
    IdRange r = new IdRange(10, 20);
    assertFalse(r.contains(10));
    assertTrue(r.contains(11));
    assertTrue(r.contains(20));
    assertFalse(r.contains(21));
    assertEquals("(10, 20]", r.toString());
    assertThrows(IllegalArgumentException.class, () -> new IdRange(5, 5));
    assertThrows(IllegalArgumentException.class, () -> new IdRange(6, 5));
  }
}
