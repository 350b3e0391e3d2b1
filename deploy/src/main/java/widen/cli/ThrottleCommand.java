package widen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "throttle", description = "Limit the whole fleet's copy rate while it runs; "
    + "takes effect within about a second.")
final class ThrottleCommand extends WidenCli.ConfiguredCommand {
  @Parameters(paramLabel = "ROWS_PER_SECOND", description = "Rows per second for the whole "
      + "fleet; 0 for no limit; 'config' for throttle.rows_per_second again.")
  String rate;

  @Override
  public Integer call() throws Exception {
    Long rowsPerSecond;
    if (rate.equals("config")) {
      rowsPerSecond = null;
    } else {
      try {
        rowsPerSecond = Long.parseLong(rate);
      } catch (NumberFormatException e) {
        throw new widen.WidenException("throttle takes rows per second (a whole number, 0 for"
            + " no limit) or 'config', not '" + rate + "'");
      }
    }
    System.out.println(withActions(config(), "widen-throttle", a -> a.throttle(rowsPerSecond)));
    return 0;
  }
}
