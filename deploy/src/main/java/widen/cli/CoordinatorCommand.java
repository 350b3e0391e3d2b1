package widen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.coordinator.CoordinatorMain;

@Command(name = "coordinator", description = "Check the tables, plan the ranges and run the "
    + "migration through backfill, sweeps, verification and the flip advice; resumes from the "
    + "ledger when restarted. Exits 0 when the migration is COMPLETE.")
final class CoordinatorCommand extends WidenCli.ConfiguredCommand {
  @Option(names = "--create-target", description = "Create the target table from the source's "
      + "definition, with the id widened to BIGINT UNSIGNED, if it does not exist, and raise "
      + "its AUTO_INCREMENT as widen prepare does.")
  boolean createTarget;

  @Override
  public Integer call() throws Exception {
    CoordinatorMain.run(config(), createTarget);
    return 0;
  }
}
