package widen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.WidenException;

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
    System.out.println(withActions(config(), "widen-flip", a -> a.flip()));
    return 0;
  }
}
