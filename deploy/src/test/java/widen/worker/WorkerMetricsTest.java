package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import widen.observe.ObserveServer;
import widen.queue.Heartbeat;
import widen.queue.RangeResult;
import widen.queue.RangeTask;
import widen.range.IdRange;

/** A worker's meters count what its consumers report, under the names docs/metrics.md lists. */
class WorkerMetricsTest {
  private static final RangeTask COPY = new RangeTask("m", 3, RangeTask.Kind.COPY, 0,
      new IdRange(0, 100), 1);
  private static final RangeTask VERIFY = new RangeTask("m", 9, RangeTask.Kind.VERIFY, 0,
      new IdRange(0, 100), 1);

  private static RangeResult result(RangeTask task, boolean ok, long rows, long millis) {
    long now = System.currentTimeMillis();
    return new RangeResult(task, ok, rows, "w", now - millis, now, ok ? null : "boom", null);
  }

  @Test
  void rangesRowsTimesAndRangesInHandAreCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WorkerMetrics m = new WorkerMetrics(registry);
    m.started("w/1", COPY);
    m.started("w/2", VERIFY);
    assertEquals(2, registry.get("widen.worker.ranges.in.progress").gauge().value());
    assertEquals(List.of("copy 3", "verify 9"),
        m.heartbeat("w", "h", 2, 9101).ranges().stream().sorted().toList());

    m.finished("w/1", COPY, result(COPY, true, 70, 1500));
    m.finished("w/2", VERIFY, result(VERIFY, true, 100, 500));
    m.started("w/1", COPY);
    m.finished("w/1", COPY, result(COPY, false, 0, 200));

    assertEquals(0, registry.get("widen.worker.ranges.in.progress").gauge().value());
    assertEquals(70, registry.get("widen.worker.rows.copied").counter().count(),
        "only copied rows count, not the rows a verification compared");
    assertEquals(2, registry.get("widen.worker.ranges").tag("outcome", "done").counter().count());
    assertEquals(1, registry.get("widen.worker.ranges").tag("outcome", "failed").counter().count());
    assertEquals(2, registry.get("widen.worker.range").tag("kind", "copy").timer().count());
    assertEquals(1.7, registry.get("widen.worker.range").tag("kind", "copy").timer()
        .totalTime(TimeUnit.SECONDS), 0.001);
    assertEquals(1, registry.get("widen.worker.range").tag("kind", "verify").timer().count());

    Heartbeat h = m.heartbeat("w", "h", 2, 9101);
    assertEquals(70, h.rowsCopied());
    assertEquals(2, h.rangesDone());
    assertEquals(1, h.rangesFailed());
    assertEquals(70 * 1000.0 / WorkerMetrics.RATE_WINDOW_MS, h.rowsPerSecond(), 1e-9);
    assertEquals(0, m.rowsPerSecond(System.currentTimeMillis() + WorkerMetrics.RATE_WINDOW_MS
        + 1000), "rows finished before the window no longer count in the rate");
    assertEquals(h, Heartbeat.fromBytes(h.toBytes()), "a heartbeat survives the broker");
  }

  @Test
  void aRangeInterruptedMidwayLeavesTheHandsAndCountsNothing() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WorkerMetrics m = new WorkerMetrics(registry);
    m.started("w/1", COPY);
    m.finished("w/1", COPY, null);
    assertEquals(0, registry.get("widen.worker.ranges.in.progress").gauge().value());
    assertEquals(0, registry.get("widen.worker.ranges").tag("outcome", "done").counter().count()
        + registry.get("widen.worker.ranges").tag("outcome", "failed").counter().count());
  }

  @Test
  void prometheusNamesAreTheDocumentedOnes() {
    PrometheusMeterRegistry registry = ObserveServer.newRegistry();
    WorkerMetrics m = new WorkerMetrics(registry);
    m.started("w/1", COPY);
    m.finished("w/1", COPY, result(COPY, true, 5, 10));
    String scrape = registry.scrape();
    for (String line : List.of("widen_worker_rows_copied_total 5.0",
        "widen_worker_ranges_total{outcome=\"done\"} 1.0",
        "widen_worker_ranges_total{outcome=\"failed\"} 0.0",
        "widen_worker_range_seconds_count{kind=\"copy\"} 1",
        "widen_worker_range_seconds_count{kind=\"verify\"} 0",
        "widen_worker_ranges_in_progress 0.0",
        "# HELP widen_worker_rows_copied_total Rows this worker copied")) {
      assertTrue(scrape.contains(line), "missing " + line + " in:\n" + scrape);
    }
  }
}
