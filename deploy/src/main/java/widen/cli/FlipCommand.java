package widen.cli;

import com.zaxxer.hikari.HikariDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.coordinator.Ledger;
import widen.coordinator.Migration;
import widen.db.Databases;

@Command(name = "flip", description = "Record that the application now writes only to the new "
    + "table (READ_ONLY_FROM_CSMHE on). The coordinator then waits for the old table to go quiet, "
    + "sweeps and verifies its last rows, and completes the migration.")
final class FlipCommand extends WidenCli.ConfiguredCommand {
  @Option(names = "--confirm", description = "Required: the application no longer writes to "
      + "the old table.")
  boolean confirm;

  @Override
  public Integer call() throws Exception {
    if (!confirm) {
      throw new WidenException("flip needs --confirm: switch the application to the new table"
          + " only first, then run widen flip --confirm");
    }
    WidenConfig config = config();
    try (HikariDataSource db = Databases.pool(config.target(), 1, "widen-flip")) {
      Ledger ledger = new Ledger(db, config.get(Setting.CONTROL_SCHEMA), config.migrationId());
      Migration m = ledger.migration().orElseThrow(() -> new WidenException("migration "
          + config.migrationId() + " has not started: run widen coordinator first"));
      if (!ledger.confirmFlip()) {
        throw new WidenException("migration " + m.id() + " is " + m.phase() + (m.flipConfirmed()
            ? " and the flip is already recorded" : ", not READY_TO_FLIP: wait for the flip"
            + " advice (widen status)"));
      }
    }
    System.out.println("flip recorded for migration " + config.migrationId() + ": the coordinator"
        + " sweeps the old table's last rows once it is quiet, then completes");
    return 0;
  }
}
