package widen.coordinator;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import widen.queue.RangeTask;

/**
 * The coordinator's meters (every one in docs/metrics.md), each read from the latest
 * {@link StatusSnapshot} when scraped: a scrape never queries the ledger, and the snapshot is
 * refreshed every few seconds. Before the first snapshot every meter reads NaN.
 */
final class CoordinatorMetrics {
  private final Supplier<StatusSnapshot> latest;

  CoordinatorMetrics(MeterRegistry registry, Supplier<StatusSnapshot> latest) {
    this.latest = latest;
    for (RangeTask.Kind kind : RangeTask.Kind.values()) {
      for (RangeState state : RangeState.values()) {
        gauge(registry, "widen.ranges", "Ranges in the ledger by state and kind", s ->
            s.progress() == null ? 0 : (kind == RangeTask.Kind.COPY ? s.progress().totals()
                : s.progress().verify()).get(state)[0], "state", state.name().toLowerCase(),
            "kind", kind.name().toLowerCase());
      }
    }
    FunctionCounter.builder("widen.rows.copied", this, m -> value(
        s -> s.progress() == null ? 0 : s.progress().rowsCopied()))
        .description("Rows copied by finished copy ranges (backfill and sweeps)")
        .register(registry);
    gauge(registry, "widen.rows.planned", "Rows planned in copy ranges so far",
        s -> s.progress() == null ? 0 : s.progress().rowsPlanned());
    gauge(registry, "widen.rows.per.second", "Rows copied per second over the last minute",
        s -> s.progress() == null ? 0 : s.progress().rowsPerSecond());
    gauge(registry, "widen.rows.per.second.average", "Rows copied per second since the copy"
        + " began", StatusSnapshot::averageRowsPerSecond);
    gauge(registry, "widen.eta.seconds", "Seconds until the copy is done at the recent rate;"
        + " -1 when unknown, 0 when done", StatusSnapshot::etaSeconds);
    for (Phase phase : Phase.values()) {
      gauge(registry, "widen.phase", "1 for the migration's current phase, else 0",
          s -> s.migration() != null && s.migration().phase() == phase ? 1 : 0,
          "phase", phase.name());
    }
    gauge(registry, "widen.workers.active", "Workers whose heartbeat arrived in the last "
        + FleetRoster.GONE_AFTER_MS / 1000 + " s", s -> s.fleet().size());
    gauge(registry, "widen.ranges.parked", "Ranges parked after their last attempt (FAILED)",
        StatusSnapshot::parked);
    for (String reason : StatusSnapshot.THROTTLE_REASONS) {
      gauge(registry, "widen.throttled", "1 while the fleet is paused or throttled for this"
          + " reason, else 0", s -> reason.equals(s.throttleReason()) ? 1 : 0, "reason", reason);
    }
    gauge(registry, "widen.flip.advised", "1 while the flip is advised (READY_TO_FLIP)",
        s -> s.flipAdvised() ? 1 : 0);
    gauge(registry, "widen.task.queue.depth", "Tasks ready on the task queue; -1 when the"
        + " broker cannot be asked", StatusSnapshot::taskQueueDepth);
    gauge(registry, "widen.high.water.mark", "The latest sweep's high-water mark (source id)",
        s -> s.sweeps().isEmpty() ? Double.NaN : s.sweeps().get(s.sweeps().size() - 1).mark());
    gauge(registry, "widen.delta.sweeps", "Delta sweeps planned so far",
        s -> Math.max(0, s.sweeps().size() - 1));
  }

  private void gauge(MeterRegistry registry, String name, String description,
      ToDoubleFunction<StatusSnapshot> f, String... tags) {
    Gauge.builder(name, this, m -> value(f)).description(description).tags(tags)
        .register(registry);
  }

  private double value(ToDoubleFunction<StatusSnapshot> f) {
    StatusSnapshot s = latest.get();
    return s == null ? Double.NaN : f.applyAsDouble(s);
  }
}
