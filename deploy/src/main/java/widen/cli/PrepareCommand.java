package widen.cli;

import picocli.CommandLine.Command;
import widen.coordinator.Prepare;

@Command(name = "prepare", description = "Raise the target's AUTO_INCREMENT above the source's "
    + "ids plus an offset sized from the measured write rate, so new rows in the target never "
    + "take an id a copied row needs. Run before the application writes to the new table.")
final class PrepareCommand extends WidenCli.ConfiguredCommand {
  @Override
  public Integer call() throws Exception {
    System.out.print(Prepare.run(config()));
    return 0;
  }
}
