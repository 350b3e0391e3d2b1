package widen.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the multi-host rehearsal, deploy/rehearsal/run, as an operator would (it needs root for
 * its network namespaces): a migration across eight namespaces must pass, and the same run with
 * one row deleted from the new table afterwards must fail. Each run took about 30 s here with
 * 50,000 rows.
 */
class RehearsalIT {
  private static final Path SCRIPT = Path.of("").toAbsolutePath().resolve("rehearsal/run");
  private static final long DEADLINE_SECONDS = 600;

  @TempDir
  Path work;

  @Test
  void aMigrationAcrossNamespacesPasses() throws Exception {
    Run run = rehearse("--rows", "50000");
    assertEquals(0, run.exit, run.output);
    assertTrue(run.output.contains("\nMATCH: "), run.output);
    assertTrue(run.verdict().startsWith("REHEARSAL PASSED: 50"), run.output);
  }

  @Test
  void aMissingRowFailsTheRehearsal() throws Exception {
    Run run = rehearse("--rows", "20000", "--sabotage");
    assertEquals(1, run.exit, run.output);
    assertTrue(run.output.contains("row counts differ"), run.output);
    assertTrue(run.verdict().startsWith("REHEARSAL FAILED: 1 problem"), run.output);
  }

  private record Run(int exit, String output) {
    /** The verdict: the last line starting REHEARSAL (the clean-up may write after it). */
    String verdict() {
      return output.lines().filter(l -> l.startsWith("REHEARSAL ")).reduce((a, b) -> b)
          .orElse("");
    }
  }

  private Run rehearse(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
    cmd.addAll(List.of(args));
    Path log = work.resolve("rehearsal.out");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("REHEARSAL_DIR", work.resolve("run").toString());
    Process p = pb.start();
    if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
      // SIGTERM: the script's trap ends its servers and removes its namespaces.
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
      throw new AssertionError("the rehearsal did not end within " + DEADLINE_SECONDS + " s:\n"
          + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log));
  }
}
