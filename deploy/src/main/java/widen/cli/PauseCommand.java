package widen.cli;

import picocli.CommandLine.Command;

@Command(name = "pause", description = "Stop the fleet taking new ranges within about a second; "
    + "ranges in hand finish. widen resume undoes it.")
final class PauseCommand extends WidenCli.ConfiguredCommand {
  @Override
  public Integer call() throws Exception {
    System.out.println(withActions(config(), "widen-pause", a -> a.pause()));
    return 0;
  }
}
