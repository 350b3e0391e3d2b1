package widen.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.demo.Demo;

@Command(name = "demo", description = "Try widen on this machine: create a CSMH-shaped table in "
    + "the local MariaDB, copy it with a coordinator and workers (separate processes) through the "
    + "local RabbitMQ, and compare both tables by checksum.")
final class DemoCommand extends WidenCli.ConfiguredCommand {
  @Option(names = "--rows", description = "Rows in the demo table (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000000")
  long rows;

  @Option(names = "--workers", description = "Worker processes (default: ${DEFAULT-VALUE}).",
      defaultValue = "2")
  int workers;

  @Option(names = "--coordinator-netns", paramLabel = "NS", description = "Run the coordinator"
      + " in this network namespace (ip netns exec, needs root), as on a host of its own; the"
      + " multi-host rehearsal deploy/rehearsal/run uses it.")
  String coordinatorNetns;

  @Option(names = "--worker-netns", paramLabel = "NS", split = ",", description = "Run the"
      + " workers in these network namespaces (comma-separated, worker i in the i-th, round"
      + " robin), as on hosts of their own.")
  List<String> workerNetns = List.of();

  @Override
  public Integer call() throws Exception {
    return new Demo(loadConfig(Demo.DEFAULTS), rows, workers, coordinatorNetns, workerNetns)
        .run() ? 0 : 1;
  }
}
