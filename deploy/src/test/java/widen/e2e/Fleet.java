package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import widen.config.WidenConfig;
import widen.demo.WidenProcess;
import widen.testing.Queues;
import widen.testing.TestDatabase;

/**
 * The processes of one test migration, each a JVM of its own as in production, and the steps an
 * operator takes between them: prepare, start, watch the phase, flip.
 */
final class Fleet implements AutoCloseable {
  private final WidenConfig config;
  private final TestDatabase control;
  private final Path logs;
  private final List<WidenProcess> processes = new ArrayList<>();

  Fleet(WidenConfig config, TestDatabase control, Path logs) {
    this.config = config;
    this.control = control;
    this.logs = logs;
  }

  WidenProcess start(String... command) throws Exception {
    String name = command[0] + "-" + processes.size();
    WidenProcess p = WidenProcess.start(name, config.asEnvironment(), logs.resolve(name + ".log"),
        command);
    processes.add(p);
    return p;
  }

  /** Runs a command to its end and returns its exit code. */
  int run(String... command) throws Exception {
    WidenProcess p = start(command);
    return p.waitFor(300);
  }

  /**
   * Runs {@code flip --confirm} as an operator would: if the coordinator withdrew its advice
   * before the flip arrived (rows reached the old table past sweep.until_rows between the advice
   * and the application's switch), waits for the advice again and flips then. Any other refusal,
   * or more withdrawals than the coordinator's sweeps can explain, fails with the flip's output.
   */
  void flip(WidenProcess coordinator) throws Exception {
    for (int attempt = 1; ; attempt++) {
      WidenProcess flip = start("flip", "--confirm");
      int exit = flip.waitFor(120);
      if (exit == 0) {
        return;
      }
      if (attempt == 3 || !coordinator.logged("flip advice withdrawn")) {
        throw new AssertionError("flip --confirm exited " + exit + " (attempt " + attempt
            + "); " + flip.tail(10) + "\n" + coordinator.tail(20));
      }
      awaitPhase("READY_TO_FLIP", coordinator, 300);
    }
  }

  void prepare() throws Exception {
    WidenProcess p = start("prepare");
    assertEquals(0, p.waitFor(120), p.tail(20));
  }

  /** The migration's phase in the ledger, or "" before the ledger exists. */
  String phase() throws Exception {
    if (!control.hasTable("migration")) {
      return "";
    }
    String phase = control.queryString("SELECT MAX(phase) FROM `" + control.name()
        + "`.migration");
    return phase == null ? "" : phase;
  }

  /** Waits until the ledger shows {@code phase}; fails if the coordinator dies first. */
  void awaitPhase(String phase, WidenProcess coordinator, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!phase().equals(phase)) {
      if (!coordinator.alive() || System.nanoTime() > deadline) {
        throw new AssertionError("phase " + phase + " not reached (now " + phase() + "); "
            + coordinator.tail(40));
      }
      Thread.sleep(100);
    }
  }

  String table(String name) {
    return "`" + control.name() + "`." + name;
  }

  /** Stops the workers with SIGTERM and checks they drain and exit 0. */
  void stopWorkers(List<WidenProcess> workers) throws Exception {
    workers.forEach(WidenProcess::terminate);
    for (WidenProcess w : workers) {
      assertEquals(0, w.waitFor(120), "a worker drains and exits 0 on SIGTERM; " + w.tail(30));
    }
  }

  @Override
  public void close() throws Exception {
    processes.forEach(WidenProcess::kill);
    Queues.delete(config);
  }
}
