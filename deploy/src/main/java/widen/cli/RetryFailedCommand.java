package widen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "retry-failed", description = "Send parked ranges (those that failed "
    + "copy.max_attempts times) back to the queue with fresh attempts, after fixing their cause. "
    + "widen status lists them with their errors.")
final class RetryFailedCommand extends WidenCli.ConfiguredCommand {
  @Option(names = "--range", paramLabel = "ID", description = "Only this range (default: all).")
  Integer range;

  @Override
  public Integer call() throws Exception {
    System.out.println(withActions(config(), "widen-retry", a -> a.retryFailed(range)));
    return 0;
  }
}
