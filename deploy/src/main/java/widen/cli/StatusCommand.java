package widen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.config.WidenConfig;
import widen.coordinator.StatusReport;

@Command(name = "status", description = "Show the migration's phase and progress from the ledger.")
final class StatusCommand extends WidenCli.ConfiguredCommand {
  @Option(names = "--watch", description = "Refresh every 2 seconds until interrupted.")
  boolean watch;

  @Override
  public Integer call() throws Exception {
    WidenConfig config = config();
    do {
      String report = StatusReport.render(config);
      System.out.print(watch ? "\033[H\033[2J" + report : report);
      System.out.flush();
      if (watch) {
        Thread.sleep(2_000);
      }
    } while (watch);
    return 0;
  }
}
