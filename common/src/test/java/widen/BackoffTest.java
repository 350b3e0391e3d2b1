package widen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void waitsDoubleFromTheFirstAndStayInTheUpperHalfOfTheirCeiling() {
    Backoff b = new Backoff(1000, 60_000);
    long[] ceilings = {1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000};
    for (int n = 1; n <= ceilings.length; n++) {
      for (int i = 0; i < 200; i++) {
        long w = b.millis(n);
        long c = ceilings[n - 1];
        assertTrue(w >= c / 2 && w <= c, "wait " + n + " was " + w + ", ceiling " + c);
      }
    }
  }

  @Test
  void jitterSpreadsTheWaits() {
    Backoff b = new Backoff(10_000, 10_000);
    long distinct = java.util.stream.IntStream.range(0, 100).mapToLong(i -> b.millis(1))
        .distinct().count();
    assertTrue(distinct > 50, "100 waits gave only " + distinct + " distinct values");
  }

  @Test
  void aHugeFailureCountDoesNotOverflow() {
    assertEquals(true, new Backoff(5000, 120_000).millis(10_000) <= 120_000);
    assertTrue(new Backoff(0, 0).millis(3) == 0);
  }

  @Test
  void aMaxBelowTheFirstIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
  }
}
