package widen.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import widen.observe.ObserveServer;
import widen.queue.Heartbeat;

/**
 * The coordinator's meters read the latest status snapshot: each value follows the snapshot it
 * is given, and the Prometheus names are the ones docs/metrics.md lists (Grafana uses them).
 */
class CoordinatorMetricsTest {
  private final AtomicReference<StatusSnapshot> latest = new AtomicReference<>();

  /** Copy ranges {pending, queued, done, failed}, each of 100 planned rows, 90 copied. */
  private static Map<RangeState, long[]> totals(long... counts) {
    Map<RangeState, long[]> out = new EnumMap<>(RangeState.class);
    RangeState[] states = RangeState.values();
    for (int i = 0; i < states.length; i++) {
      out.put(states[i], new long[] {counts[i], counts[i] * 100, counts[i] * 90});
    }
    return out;
  }

  private static StatusSnapshot snapshot(Phase phase, String advice, Ledger.Control control,
      int workers, long depth) {
    Migration m = new Migration("m", phase, "s.t", "d.t", "id", 10L, 10L, true, "host:1", null,
        null, false, advice, null);
    Progress p = new Progress(totals(1, 2, 7, 1), totals(0, 0, 3, 0), new double[] {900, 60},
        List.of("w1"), List.of("copy range 4 (1, 2] after 5 attempts: boom"));
    List<FleetRoster.Member> fleet = new java.util.ArrayList<>();
    for (int i = 0; i < workers; i++) {
      fleet.add(new FleetRoster.Member(new Heartbeat("w" + i, "h", 2, 9101, List.of(), 10, 0, 0, 0,
          0), System.currentTimeMillis()));
    }
    return new StatusSnapshot(m, p, List.of(new Sweep(0, 0, 500, 0, 0, false)), control,
        new double[] {630, 7}, List.of(), List.of(), List.of(), fleet, depth,
        System.currentTimeMillis(), System.currentTimeMillis());
  }

  @Test
  void everyMeterFollowsTheLatestSnapshot() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new CoordinatorMetrics(registry, latest::get);
    assertTrue(Double.isNaN(registry.get("widen.rows.per.second").gauge().value()),
        "no snapshot yet: unknown, not zero");

    latest.set(snapshot(Phase.BACKFILLING, null, new Ledger.Control(true, null, null), 3, 42));
    assertEquals(7, registry.get("widen.ranges").tags("state", "done", "kind", "copy").gauge()
        .value());
    assertEquals(2, registry.get("widen.ranges").tags("state", "queued", "kind", "copy").gauge()
        .value());
    assertEquals(3, registry.get("widen.ranges").tags("state", "done", "kind", "verify").gauge()
        .value());
    assertEquals(630, registry.get("widen.rows.copied").functionCounter().count());
    assertEquals(15, registry.get("widen.rows.per.second").gauge().value(), 1e-9);
    assertEquals(90, registry.get("widen.rows.per.second.average").gauge().value(), 1e-9);
    // 1,100 rows planned, 700 of them done: 400 left at 15 rows/s.
    assertEquals(27, registry.get("widen.eta.seconds").gauge().value());
    assertEquals(1, registry.get("widen.phase").tag("phase", "BACKFILLING").gauge().value());
    assertEquals(0, registry.get("widen.phase").tag("phase", "VERIFYING").gauge().value());
    assertEquals(3, registry.get("widen.workers.active").gauge().value());
    assertEquals(1, registry.get("widen.ranges.parked").gauge().value());
    assertEquals(1, registry.get("widen.throttled").tag("reason", "operator").gauge().value());
    assertEquals(0, registry.get("widen.throttled").tag("reason", "probe").gauge().value());
    assertEquals(0, registry.get("widen.flip.advised").gauge().value());
    assertEquals(42, registry.get("widen.task.queue.depth").gauge().value());

    latest.set(snapshot(Phase.READY_TO_FLIP, "{}", new Ledger.Control(false, null,
        "throttle.probe_sql gave 3 > throttle.probe_max 0"), 0, -1));
    assertEquals(0, registry.get("widen.phase").tag("phase", "BACKFILLING").gauge().value());
    assertEquals(1, registry.get("widen.phase").tag("phase", "READY_TO_FLIP").gauge().value());
    assertEquals(1, registry.get("widen.flip.advised").gauge().value());
    assertEquals(0, registry.get("widen.throttled").tag("reason", "operator").gauge().value());
    assertEquals(1, registry.get("widen.throttled").tag("reason", "probe").gauge().value());
    assertEquals(0, registry.get("widen.workers.active").gauge().value());
    assertEquals(-1, registry.get("widen.task.queue.depth").gauge().value());
  }

  @Test
  void throttleReasonsNameWhatHoldsTheFleet() {
    assertEquals("threads_running", reason("target Threads_running 90 >"
        + " throttle.max_threads_running 50"));
    assertEquals("replica", reason("replica lag 30 s > throttle.max_replica_lag_seconds 10"));
    assertEquals("replica", reason("the replica cannot be read: x"));
    assertEquals("rate_limit", reason("running at most 2000 rows/s (2 consumers)"));
    assertEquals(null, reason("running"));
    assertEquals(null, reason(null));
  }

  private static String reason(String state) {
    return snapshot(Phase.BACKFILLING, null, new Ledger.Control(false, null, state), 0, 0)
        .throttleReason();
  }

  @Test
  void prometheusNamesAreTheDocumentedOnes() {
    PrometheusMeterRegistry registry = ObserveServer.newRegistry();
    new CoordinatorMetrics(registry, latest::get);
    latest.set(snapshot(Phase.CATCHING_UP, null, new Ledger.Control(false, null, "running"), 1,
        5));
    String scrape = registry.scrape();
    for (String line : List.of("widen_ranges{kind=\"copy\",state=\"done\"} 7.0",
        "widen_ranges{kind=\"verify\",state=\"failed\"} 0.0",
        "widen_rows_copied_total 630.0", "widen_rows_per_second 15.0", "widen_eta_seconds 27.0",
        "widen_phase{phase=\"CATCHING_UP\"} 1.0", "widen_workers_active 1.0",
        "widen_ranges_parked 1.0", "widen_throttled{reason=\"operator\"} 0.0",
        "widen_flip_advised 0.0", "widen_task_queue_depth 5.0",
        "# HELP widen_rows_copied_total Rows copied")) {
      assertTrue(scrape.contains(line), "missing " + line + " in:\n" + scrape);
    }
  }
}
