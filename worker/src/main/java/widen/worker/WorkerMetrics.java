package widen.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import widen.queue.Heartbeat;
import widen.queue.RangeResult;
import widen.queue.RangeTask;

/**
 * A worker's meters (docs/metrics.md) and what its heartbeat reports: the ranges in hand, the
 * rows copied and a recent rate. Every consumer thread reports here when it takes and finishes a
 * range.
 */
final class WorkerMetrics {
  /** The rate in a heartbeat is over this window: recent, yet steadier than one range. */
  static final long RATE_WINDOW_MS = 30_000;

  private final MeterRegistry registry;
  private final Counter rowsCopied;
  private final Counter done;
  private final Counter failed;
  private final Map<RangeTask.Kind, Timer> timers = new java.util.EnumMap<>(RangeTask.Kind.class);
  private final Map<String, String> inHand = new ConcurrentHashMap<>();
  /** (finished at, rows) of the copy ranges finished within the window. */
  private final Deque<long[]> recent = new ArrayDeque<>();
  private final long startedAt;

  WorkerMetrics(MeterRegistry registry) {
    this(registry, System.currentTimeMillis());
  }

  /** {@code startedAtMillis}: the worker's start, so a young worker's rate is not diluted. */
  WorkerMetrics(MeterRegistry registry, long startedAtMillis) {
    this.registry = registry;
    this.startedAt = startedAtMillis;
    rowsCopied = Counter.builder("widen.worker.rows.copied")
        .description("Rows this worker copied (committed in the target)").register(registry);
    done = outcome("done");
    failed = outcome("failed");
    for (RangeTask.Kind kind : RangeTask.Kind.values()) {
      timers.put(kind, Timer.builder("widen.worker.range").tag("kind", kind.name().toLowerCase())
          .description("Time to copy or verify one range").register(registry));
    }
    Gauge.builder("widen.worker.ranges.in.progress", inHand, Map::size)
        .description("Ranges this worker holds now").register(registry);
  }

  private Counter outcome(String outcome) {
    return Counter.builder("widen.worker.ranges").tag("outcome", outcome)
        .description("Range tasks this worker finished, by outcome (failed: an attempt reported"
            + " as failed)").register(registry);
  }

  void started(String consumer, RangeTask task) {
    inHand.put(consumer, task.kind().name().toLowerCase() + " " + task.rangeId());
  }

  /** A range's end; {@code result} is null when the thread was interrupted in the middle. */
  void finished(String consumer, RangeTask task, RangeResult result) {
    inHand.remove(consumer);
    if (result == null) {
      return;
    }
    timers.get(task.kind()).record(Duration.ofMillis(result.finishedAtMillis()
        - result.startedAtMillis()));
    (result.ok() ? done : failed).increment();
    if (result.ok() && task.kind() == RangeTask.Kind.COPY) {
      rowsCopied.increment(result.rows());
      synchronized (recent) {
        recent.addLast(new long[] {result.finishedAtMillis(), result.rows()});
      }
    }
  }

  /**
   * Rows per second over the last {@link #RATE_WINDOW_MS}, or since the worker started if that is
   * more recent (at least a second).
   */
  double rowsPerSecond(long nowMillis) {
    synchronized (recent) {
      while (!recent.isEmpty() && recent.peekFirst()[0] < nowMillis - RATE_WINDOW_MS) {
        recent.removeFirst();
      }
      long rows = recent.stream().mapToLong(r -> r[1]).sum();
      long window = Math.min(RATE_WINDOW_MS, Math.max(1000, nowMillis - startedAt));
      return rows * 1000.0 / window;
    }
  }

  Heartbeat heartbeat(String worker, String host, int threads, int httpPort) {
    long now = System.currentTimeMillis();
    return new Heartbeat(worker, host, threads, httpPort, List.copyOf(inHand.values()),
        rowsPerSecond(now), (long) rowsCopied.count(), (long) done.count(),
        (long) failed.count(), now);
  }
}
