package widen.cli;

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

  @Override
  public Integer call() throws Exception {
    return new Demo(loadConfig(Demo.DEFAULTS), rows, workers).run() ? 0 : 1;
  }
}
