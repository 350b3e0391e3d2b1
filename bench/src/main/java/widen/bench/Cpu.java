package widen.bench;

import java.time.Duration;

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

  /** Seconds of CPU the local mariadbd has used so far; NaN if it cannot be found. */
  static double server() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/mariadbd") || c.endsWith("/mysqld"))
            .orElse(false))
        .findFirst().map(p -> of(p.pid())).orElse(Double.NaN);
  }
}
