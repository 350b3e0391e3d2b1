package widen.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import widen.range.IdRange;
import widen.verify.RangeVerdict;
import widen.verify.RangeVerdict.Verdict;
import widen.verify.TableChecksum.Sum;

/** Tasks and results survive the trip through the broker exactly, verdicts and sums included. */
class MessagesTest {
  private static final RangeTask VERIFY = new RangeTask("csmh", 7, RangeTask.Kind.VERIFY, 3,
      new IdRange(-1, 2147483647L), 2);
  // Sums beyond a long: the checksum adds 64-bit halves over up to billions of rows.
  private static final Sum BIG = new Sum(10, new BigDecimal("184467440737095516150"),
      new BigDecimal("99"));

  @Test
  void aTaskRoundTrips() {
    assertEquals(VERIFY, RangeTask.fromBytes(VERIFY.toBytes()));
    assertEquals(3, VERIFY.nextAttempt().attempt());
    assertEquals(VERIFY.range(), VERIFY.nextAttempt().range());
  }

  @Test
  void aVerifiedResultRoundTripsWithBothSums() {
    RangeVerdict v = new RangeVerdict(Verdict.REPAIRED, BIG, BIG, "re-copied");
    RangeResult r = RangeResult.fromBytes(RangeResult.verified(VERIFY, v, "w1", 5).toBytes());
    assertTrue(r.ok());
    assertEquals(v, r.verdict());
    assertEquals(10, r.rows());
  }

  @Test
  void aMismatchIsAFailedAttemptWithItsNote() {
    RangeVerdict v = new RangeVerdict(Verdict.MISMATCH, BIG, Sum.ZERO, "1 target rows the"
        + " source does not have (ids 5)");
    RangeResult r = RangeResult.fromBytes(RangeResult.verified(VERIFY, v, "w1", 5).toBytes());
    assertFalse(r.ok());
    assertEquals("verification: " + v.note(), r.error());
  }

  @Test
  void aCopyResultHasNoVerdict() {
    RangeTask copy = new RangeTask("csmh", 1, RangeTask.Kind.COPY, 0, new IdRange(0, 10), 1);
    RangeResult r = RangeResult.fromBytes(RangeResult.success(copy, 10, "w", 1).toBytes());
    assertNull(r.verdict());
    assertEquals(copy, r.task());
  }

  @Test
  void sumsOfDisjointRangesAddUp() {
    Sum a = new Sum(2, new BigDecimal("5"), new BigDecimal("7"));
    Sum b = new Sum(3, new BigDecimal("11"), new BigDecimal("13"));
    assertEquals(new Sum(5, new BigDecimal("16"), new BigDecimal("20")), a.plus(b));
    assertEquals(a, a.plus(Sum.ZERO));
  }
}
