package widen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.config.WidenConfig;
import widen.coordinator.Coordinator;
import widen.coordinator.Preflight;

@Command(name = "coordinator", description = "Check the tables, plan the ranges and run the "
    + "migration; resumes from the ledger when restarted. Exits 0 when the backfill is complete.")
final class CoordinatorCommand extends WidenCli.ConfiguredCommand {
  @Option(names = "--create-target", description = "Create the target table from the source's "
      + "definition, with the id widened to BIGINT UNSIGNED, if it does not exist.")
  boolean createTarget;

  @Override
  public Integer call() throws Exception {
    WidenConfig config = config();
    Preflight.Checked checked = Preflight.run(config, createTarget);
    try (Coordinator coordinator = new Coordinator(config, checked)) {
      coordinator.run();
    }
    return 0;
  }
}
