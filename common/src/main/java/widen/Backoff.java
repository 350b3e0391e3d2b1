package widen;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th wait is {@code first x 2^(n-1)}, capped at
 * {@code max}, then drawn at random from its upper half. The randomness keeps a fleet whose
 * workers all failed at once (a failover, a broker restart) from all coming back at once.
 */
public record Backoff(long firstMillis, long maxMillis) {
  public Backoff {
    if (firstMillis < 0 || maxMillis < firstMillis) {
      throw new IllegalArgumentException("backoff needs 0 <= first <= max");
    }
  }

  /** The wait before try {@code n + 1}, after {@code n >= 1} failures. */
  public long millis(int n) {
    long ceiling = firstMillis;
    for (int i = 1; i < n && ceiling < maxMillis; i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, maxMillis);
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
  }

  /** Sleeps {@link #millis(int) millis(n)}. */
  public void sleep(int n) throws InterruptedException {
    Thread.sleep(millis(n));
  }
}
