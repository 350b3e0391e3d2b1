package widen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.config.WidenConfig;
import widen.coordinator.StatusReport;

@Command(name = "status", description = "Show the migration's phase, progress, ETA, ranges, parked"
    + " ranges and flip advice from the ledger, and the worker fleet from the coordinator.")
final class StatusCommand extends WidenCli.ConfiguredCommand {
  @Option(names = "--watch", description = "Refresh every 2 seconds until interrupted.")
  boolean watch;

  @Option(names = "--coordinator", paramLabel = "URL", description = "The coordinator's HTTP"
      + " address, for the fleet's heartbeats (default: the ledger's coordinator host on"
      + " http.port).")
  String coordinator;

  @Override
  public Integer call() throws Exception {
    WidenConfig config = config();
    do {
      String report = StatusReport.renderWithFleet(config, coordinator);
      System.out.print(watch ? "\033[H\033[2J" + report : report);
      System.out.flush();
      if (watch) {
        Thread.sleep(2_000);
      }
    } while (watch);
    return 0;
  }
}
