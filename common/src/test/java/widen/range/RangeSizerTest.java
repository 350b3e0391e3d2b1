package widen.range;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RangeSizerTest {
  @Test
  void untilAResultArrivesRangesHaveTheConfiguredRows() {
    assertEquals(10_000, new RangeSizer(10_000, 1000, 1000, 1_000_000).nextRows());
  }

  @Test
  void rangesGrowTowardTheTargetDurationInStepsOfAtMostFour() {
    RangeSizer sizer = new RangeSizer(10_000, 1000, 1000, 1_000_000);
    sizer.observe(10_000, 100); // 100 rows/ms: a 1 s range holds 100,000 rows
    assertEquals(40_000, sizer.nextRows());
    sizer.observe(40_000, 400);
    assertEquals(100_000, sizer.nextRows());
    sizer.observe(100_000, 1000);
    assertEquals(100_000, sizer.nextRows(), "at the target it stays");
  }

  @Test
  void slowRangesShrinkTheNextOnesWithinTheLowerBound() {
    RangeSizer sizer = new RangeSizer(10_000, 1000, 2000, 1_000_000);
    sizer.observe(10_000, 20_000); // 0.5 rows/ms: 500 rows would take the target
    assertEquals(2500, sizer.nextRows(), "a quarter of the size before at most");
    sizer.observe(2500, 5000);
    assertEquals(2000, sizer.nextRows(), "never below plan.min_range_rows");
  }

  @Test
  void theUpperBoundHolds() {
    RangeSizer sizer = new RangeSizer(100_000, 1000, 1000, 150_000);
    sizer.observe(100_000, 10);
    assertEquals(150_000, sizer.nextRows());
  }

  @Test
  void oneOutlierMovesTheSizeOnlyALittle() {
    RangeSizer sizer = new RangeSizer(50_000, 1000, 1000, 1_000_000);
    for (int i = 0; i < 10; i++) {
      sizer.observe(50_000, 1000);
      sizer.nextRows();
    }
    sizer.observe(50_000, 30_000); // one range stuck behind a lock for 30 s
    int next = sizer.nextRows();
    assertTrue(next > 30_000 && next < 50_000, "next size " + next);
  }

  @Test
  void aZeroTargetKeepsTheSizeFixed() {
    RangeSizer sizer = RangeSizer.fixed(10_000);
    sizer.observe(10_000, 1);
    assertEquals(10_000, sizer.nextRows());
  }

  @Test
  void boundsThatCannotHoldARangeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RangeSizer(10, 1000, 100, 50));
  }
}
