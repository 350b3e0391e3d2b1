package widen.coordinator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import widen.queue.Heartbeat;

/** {@code GET /api/status}: a {@link StatusSnapshot} as JSON (fields in docs/observability.md). */
final class StatusJson {
  private StatusJson() {}

  static JsonObject of(StatusSnapshot s, String coordinator) {
    JsonObject out = new JsonObject()
        .put("taken_at", Instant.ofEpochMilli(s.takenAt()).toString())
        .put("coordinator", coordinator)
        .put("fleet", fleet(s.fleet()))
        .put("task_queue_depth", s.taskQueueDepth())
        .put("throttle", throttle(s));
    Migration m = s.migration();
    if (m == null) {
      return out.put("migration", null).put("phase", "NOT_STARTED");
    }
    Progress p = s.progress();
    Sweep last = s.sweeps().get(s.sweeps().size() - 1);
    return out.put("migration", m.id())
        .put("source_table", m.sourceTable())
        .put("target_table", m.targetTable())
        .put("phase", m.phase().name())
        .put("progress", new JsonObject()
            .put("fraction_done", p.fractionDone())
            .put("rows_copied", p.rowsCopied())
            .put("rows_planned", p.rowsPlanned())
            .put("rows_per_second", p.rowsPerSecond())
            .put("rows_per_second_average", s.averageRowsPerSecond())
            .put("eta_seconds", s.etaSeconds())
            .put("eta", p.formatEta()))
        .put("ranges", new JsonObject().put("copy", states(p.totals()))
            .put("verify", states(p.verify())))
        .put("sweeps", new JsonObject()
            .put("delta_sweeps", s.sweeps().size() - 1)
            .put("high_water_mark", last.mark())
            .put("last_rows_new", last.rowsNew())
            .put("planning_done", m.planningDone())
            .put("planned_through", m.plannedThrough()))
        .put("verified_through", m.verifiedThrough())
        .put("workers_recent", new JsonArray(List.copyOf(p.workers())))
        .put("parked", new JsonObject().put("count", s.parked())
            .put("ranges", new JsonArray(List.copyOf(p.parked()))))
        .put("flip", new JsonObject()
            .put("advised", s.flipAdvised())
            .put("confirmed", m.flipConfirmed())
            .put("advice", s.flipAdvised() ? new JsonObject(m.advice()) : null))
        .put("report", m.report() == null ? null : new JsonObject(m.report()))
        .put("throughput", new JsonObject()
            .put("step_seconds", StatusSnapshot.THROUGHPUT_STEP_SECONDS)
            .put("points", points(s.throughput())))
        .put("range_map", new JsonObject().put("copy", map(s.copyMap()))
            .put("verify", map(s.verifyMap())));
  }

  private static JsonObject states(Map<RangeState, long[]> totals) {
    JsonObject out = new JsonObject();
    long total = 0;
    for (Map.Entry<RangeState, long[]> e : totals.entrySet()) {
      out.put(e.getKey().name().toLowerCase(), e.getValue()[0]);
      total += e.getValue()[0];
    }
    return out.put("total", total);
  }

  private static JsonArray fleet(List<FleetRoster.Member> members) {
    JsonArray out = new JsonArray();
    long now = System.currentTimeMillis();
    for (FleetRoster.Member m : members) {
      Heartbeat h = m.beat();
      out.add(h.toJson().put("last_heartbeat", Instant.ofEpochMilli(m.receivedAtMillis())
          .toString()).put("seconds_since_heartbeat", (now - m.receivedAtMillis()) / 1000.0));
    }
    return out;
  }

  private static JsonObject throttle(StatusSnapshot s) {
    Ledger.Control c = s.control();
    String reason = s.throttleReason();
    return new JsonObject()
        .put("held", reason != null && !reason.equals("rate_limit"))
        .put("reason", reason)
        .put("state", c.paused() ? "paused by the operator (widen resume)" : c.state())
        .put("operator_paused", c.paused())
        .put("operator_rows_per_second", c.rowsPerSecond());
  }

  /** Each point {t: epoch seconds, rows_per_second}. */
  private static JsonArray points(List<long[]> series) {
    JsonArray out = new JsonArray();
    for (long[] p : series) {
      out.add(new JsonObject().put("t", p[0])
          .put("rows_per_second", (double) p[1] / StatusSnapshot.THROUGHPUT_STEP_SECONDS));
    }
    return out;
  }

  /** Buckets as arrays, compact for 400 of them: see the {@code columns} field. */
  private static JsonObject map(List<long[]> buckets) {
    JsonArray rows = new JsonArray();
    buckets.forEach(b -> rows.add(new JsonArray(java.util.Arrays.stream(b).boxed().toList())));
    return new JsonObject().put("columns", new JsonArray(List.of("first_range", "last_range",
        "lo", "hi", "pending", "queued", "done", "failed"))).put("buckets", rows);
  }
}
