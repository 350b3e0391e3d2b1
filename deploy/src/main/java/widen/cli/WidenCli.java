package widen.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.coordinator.Ledger;
import widen.coordinator.OperatorActions;
import widen.db.Databases;

/**
 * {@code widen}: the one command operators type. Each subcommand reads the same config (file
 * plus WIDEN_* environment variables). A {@link WidenException} ends the process with its one-line
 * message and exit code 2; anything unexpected with exit code 1.
 */
@Command(name = "widen", mixinStandardHelpOptions = true, version = "widen 0.1.0",
    description = "Copies a table with a 32-bit id, online, into a table with a 64-bit id.",
    subcommands = {DemoCommand.class, PlanCommand.class, PrepareCommand.class,
        CoordinatorCommand.class, WorkerCommand.class, StatusCommand.class, FlipCommand.class,
        PauseCommand.class, ResumeCommand.class, ThrottleCommand.class, RetryFailedCommand.class,
        CleanupCommand.class})
public final class WidenCli implements Runnable {
  public static final int BAD_INPUT = 2;

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (the tests call this in-process). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new WidenCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof WidenException) {
        System.err.println("widen: " + e.getMessage());
        return BAD_INPUT;
      }
      System.err.println("widen: unexpected error: " + e);
      e.printStackTrace();
      return 1;
    });
    return cli.execute(args);
  }

  /** The --config option every subcommand takes. */
  abstract static class ConfiguredCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "YAML config file (default: $WIDEN_CONFIG, else environment only).")
    Path configFile;

    WidenConfig config() {
      return loadConfig(java.util.Map.of());
    }

    /** The config with {@code base} values under the file's and the environment's. */
    WidenConfig loadConfig(java.util.Map<String, String> base) {
      Path file = configFile;
      String fromEnv = System.getenv("WIDEN_CONFIG");
      if (file == null && fromEnv != null && !fromEnv.isBlank()) {
        file = Path.of(fromEnv);
      }
      WidenConfig config = WidenConfig.load(file, System.getenv(), base);
      LogFormat.apply(config);
      return config;
    }

    /** One operator action against the migration's ledger; returns its message. */
    static String withActions(WidenConfig config, String poolName, Action action)
        throws java.sql.SQLException {
      try (var db = Databases.pool(config.target(), 1, poolName)) {
        return action.apply(new OperatorActions(new Ledger(db,
            config.get(Setting.CONTROL_SCHEMA), config.migrationId())));
      }
    }

    interface Action {
      String apply(OperatorActions actions) throws java.sql.SQLException;
    }
  }
}
