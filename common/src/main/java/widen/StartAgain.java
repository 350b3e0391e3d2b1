package widen;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import widen.db.Databases;

/**
 * Starts a process's work again while its start fails only because a connection dropped after
 * it reached its server ({@link NetworkFaults#droppedAfterReaching}): the network's fault, not
 * the config's, so it starts again from scratch, with backoff (1 s up to 30 s), for up to {@code
 * retry.unreachable_seconds}. Anything else (a wrong address, a missing table, a refused password)
 * fails at once with its one line. The worker and the coordinator start this way.
 */
public final class StartAgain {
  /** One start, from scratch. */
  public interface Attempt<T> {
    T run() throws Exception;
  }

  /** Waits {@code millis} before the next start; true if the process was told to stop meanwhile. */
  public interface Pause {
    boolean stoppedDuring(long millis) throws InterruptedException;
  }

  private StartAgain() {}

  /**
   * Runs {@code attempt} until it returns, fails for another reason, or {@code giveUpSeconds}
   * pass; returns its result, or null if {@code pause} said stop. {@code who} names the process
   * in the log line.
   */
  public static <T> T patiently(long giveUpSeconds, String who, Logger log, Attempt<T> attempt,
      Pause pause) throws Exception {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(giveUpSeconds);
    Backoff backoff = new Backoff(1_000, 30_000);
    for (int failures = 1; ; failures++) {
      try {
        return attempt.run();
      } catch (Exception e) {
        if (!NetworkFaults.droppedAfterReaching(e) || System.nanoTime() > giveUp) {
          throw e;
        }
        long wait = backoff.millis(failures);
        log.warn("{}: a connection dropped while starting ({}); starting again in {} ms", who,
            Databases.oneLine(String.valueOf(e.getMessage())), wait);
        if (pause.stoppedDuring(wait)) {
          return null;
        }
      }
    }
  }
}
