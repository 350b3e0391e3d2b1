package widen.cli;

import picocli.CommandLine.Command;
import widen.worker.WorkerMain;

@Command(name = "worker", description = "Run a worker: copy ranges from the task queue until "
    + "SIGTERM, then finish the ranges in hand and exit 0.")
final class WorkerCommand extends WidenCli.ConfiguredCommand {
  @Override
  public Integer call() throws Exception {
    return WorkerMain.run(config());
  }
}
