package widen.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code widen <command>} as a separate JVM from the same classpath, its config handed over
 * as WIDEN_* environment variables and its output appended to a log file. The demo and the
 * end-to-end tests run coordinators and workers this way, as an operator would on real hosts.
 */
public final class WidenProcess {
  private final Process process;
  private final String name;
  private final Path log;

  private WidenProcess(Process process, String name, Path log) {
    this.process = process;
    this.name = name;
    this.log = log;
  }

  /** The coordinator's code waits on the broker and the ledger: C1 compiles it for less CPU. */
  static final String COORDINATOR_JIT = "-XX:TieredStopAtLevel=1";

  public static WidenProcess start(String name, Map<String, String> env, Path log, String... args)
      throws IOException {
    return start(name, env, log, List.of(), args);
  }

  /**
   * As {@link #start(String, Map, Path, String...)}, run through {@code launcher} (for example
   * {@code ip netns exec <ns>}, to put the process on another network "host").
   */
  public static WidenProcess start(String name, Map<String, String> env, Path log,
      List<String> launcher, String... args) throws IOException {
    List<String> jit = args.length > 0 && args[0].equals("coordinator")
        ? List.of(COORDINATOR_JIT) // as bin/widen starts it
        : List.of();
    return launch(name, env, log, launcher, jit, "widen.cli.WidenCli", args);
  }

  /**
   * Starts {@code mainClass} from the same classpath in a JVM started as a worker's is (the
   * bench runs its in-process copy loop this way, on equal terms with widen's workers).
   */
  public static WidenProcess startMain(String name, Map<String, String> env, Path log,
      String mainClass, String... args) throws IOException {
    return launch(name, env, log, List.of(), List.of(), mainClass, args);
  }

  private static WidenProcess launch(String name, Map<String, String> env, Path log,
      List<String> launcher, List<String> jvmOptions, String mainClass, String... args)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(launcher);
    cmd.addAll(List.of(java, "-Xmx256m"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("WIDEN_"));
    pb.environment().putAll(env);
    return new WidenProcess(pb.start(), name, log);
  }

  public String name() {
    return name;
  }

  /** The last {@code lines} lines of the process's output, for a failure message. */
  public String tail(int lines) {
    try {
      List<String> all = java.nio.file.Files.readAllLines(log);
      return name + " (" + log + "):\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return name + ": no log at " + log;
    }
  }

  /** Whether the process's output so far has a line containing {@code text}. */
  public boolean logged(String text) {
    try {
      return java.nio.file.Files.readAllLines(log).stream().anyMatch(l -> l.contains(text));
    } catch (IOException e) {
      return false;
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Waits for the exit code; -1 if it did not exit in time. */
  public int waitFor(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  /** SIGTERM: a worker drains and exits 0. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: no chance to clean up, as a crash. */
  public void kill() {
    process.destroyForcibly();
  }
}
