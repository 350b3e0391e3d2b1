package widen.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * CPU time of processes, as the kernel counts it (/proc through ProcessHandle): where a copy's
 * time goes between widen's JVMs and the database server, which on this 2-core machine decides
 * how many workers can help before the server saturates.
 */
final class Cpu {
  private Cpu() {}

  /** Seconds of CPU the process has used so far; NaN if it is gone or the kernel will not say. */
  static double of(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
        .map(Duration::toNanos).map(n -> n / 1e9).orElse(Double.NaN);
  }

  /**
   * Seconds of CPU the local mariadbd has used so far; NaN if it cannot be found. On port 3306
   * the machine's own server; on another port the one started with that {@code --port=}
   * ({@code bench/own-server}).
   */
  static double server() {
    int port = Tables.port();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/mariadbd") || c.endsWith("/mysqld"))
            .orElse(false))
        .filter(p -> listensOn(p, port))
        .findFirst().map(p -> of(p.pid())).orElse(Double.NaN);
  }

  private static boolean listensOn(ProcessHandle p, int port) {
    List<String> args = Arrays.asList(p.info().arguments().orElse(new String[0]));
    return args.contains("--port=" + port)
        || port == 3306 && args.stream().noneMatch(a -> a.startsWith("--port="));
  }
}
