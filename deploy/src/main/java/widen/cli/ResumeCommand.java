package widen.cli;

import picocli.CommandLine.Command;

@Command(name = "resume", description = "Let the fleet take ranges again after widen pause.")
final class ResumeCommand extends WidenCli.ConfiguredCommand {
  @Override
  public Integer call() throws Exception {
    System.out.println(withActions(config(), "widen-resume", a -> a.resume()));
    return 0;
  }
}
