package widen.coordinator;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.Backoff;
import widen.NetworkFaults;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;

/**
 * {@code widen coordinator}: the checks, then the migration to COMPLETE.
 *
 * <p>A start whose connection dropped after it reached its server (a reset during the checks or
 * while taking up the ledger) is the network's fault, not the config's: it starts again from
 * scratch, as a restart would, for up to {@code retry.unreachable_seconds}. Anything else (a wrong
 * address, a missing table, a refused password, another coordinator holding the migration) fails
 * at once with its one line. Once running, the coordinator reconnects by itself.
 */
public final class CoordinatorMain {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorMain.class);

  private CoordinatorMain() {}

  /** Runs the migration; {@code createTarget} creates the target table first if missing. */
  public static void run(WidenConfig config, boolean createTarget) throws Exception {
    long giveUp = System.nanoTime()
        + TimeUnit.SECONDS.toNanos(config.getLong(Setting.RETRY_UNREACHABLE_SECONDS));
    Backoff backoff = new Backoff(1_000, 30_000);
    for (int failures = 1; ; failures++) {
      try {
        Preflight.Checked checked = Preflight.run(config, createTarget);
        if (createTarget) {
          System.out.print(Prepare.run(config));
        }
        try (Coordinator coordinator = new Coordinator(config, checked)) {
          coordinator.run();
        }
        return;
      } catch (Exception e) {
        if (!NetworkFaults.droppedAfterReaching(e) || System.nanoTime() > giveUp) {
          throw e;
        }
        long wait = backoff.millis(failures);
        log.warn("migration={} coordinator: a connection dropped while starting ({}); starting"
            + " again in {} ms", config.migrationId(),
            Databases.oneLine(String.valueOf(e.getMessage())), wait);
        TimeUnit.MILLISECONDS.sleep(wait);
      }
    }
  }
}
