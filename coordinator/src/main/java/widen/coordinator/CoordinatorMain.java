package widen.coordinator;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.StartAgain;
import widen.config.Setting;
import widen.config.WidenConfig;

/**
 * {@code widen coordinator}: the checks, then the migration to COMPLETE. A start whose connection
 * dropped after it reached its server (a reset during the checks or while taking up the ledger)
 * starts again from scratch, as a restart would ({@link StartAgain}); another coordinator holding
 * the migration, like any other error, fails at once. Once running, it reconnects by itself.
 */
public final class CoordinatorMain {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorMain.class);

  private CoordinatorMain() {}

  /** Runs the migration; {@code createTarget} creates the target table first if missing. */
  public static void run(WidenConfig config, boolean createTarget) throws Exception {
    StartAgain.patiently(config.getLong(Setting.RETRY_UNREACHABLE_SECONDS),
        "migration=" + config.migrationId() + " coordinator", log, () -> {
          Preflight.Checked checked = Preflight.run(config, createTarget);
          if (createTarget) {
            System.out.print(Prepare.run(config));
          }
          try (Coordinator coordinator = new Coordinator(config, checked)) {
            return coordinator.run();
          }
        }, millis -> {
          TimeUnit.MILLISECONDS.sleep(millis);
          return false;
        });
  }
}
