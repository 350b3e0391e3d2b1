package widen.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import widen.WidenException;
import widen.coordinator.OldTableCleanup;

@Command(name = "cleanup", description = "Empty the old table after a COMPLETE migration: "
    + "--slow-delete (batches with pauses, resumable) or --truncate. Keeping both tables is the "
    + "other option: see the README.")
final class CleanupCommand extends WidenCli.ConfiguredCommand {
  @ArgGroup(exclusive = true, multiplicity = "1")
  How how;

  static final class How {
    @Option(names = "--slow-delete", description = "Delete cleanup.batch_rows rows at a time, "
        + "pausing cleanup.pause_ms between batches.")
    boolean slowDelete;

    @Option(names = "--truncate", description = "TRUNCATE the old table at once.")
    boolean truncate;
  }

  @Option(names = "--confirm", description = "Required: the old table's rows are deleted.")
  boolean confirm;

  @Override
  public Integer call() throws Exception {
    if (!confirm) {
      throw new WidenException("cleanup deletes the old table's rows: add --confirm");
    }
    OldTableCleanup.run(config(), how.truncate ? OldTableCleanup.Mode.TRUNCATE
        : OldTableCleanup.Mode.SLOW_DELETE, System.out);
    return 0;
  }
}
