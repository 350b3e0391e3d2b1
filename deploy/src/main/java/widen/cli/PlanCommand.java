package widen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.config.WidenConfig;
import widen.coordinator.PlanReport;
import widen.coordinator.Preflight;

@Command(name = "plan", description = "Dry run: check the tables and show the column mapping and "
    + "the ranges, rows and bytes to copy. Writes nothing anywhere.")
final class PlanCommand extends WidenCli.ConfiguredCommand {
  @Option(names = "--exact", description = "Walk the primary key to count ranges exactly "
      + "(reads every id; slow on large tables) instead of estimating from table statistics.")
  boolean exact;

  @Override
  public Integer call() throws Exception {
    WidenConfig config = config();
    Preflight.Checked checked = Preflight.run(config, false);
    System.out.print(PlanReport.build(config, checked, exact));
    return 0;
  }
}
