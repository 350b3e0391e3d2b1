package widen.coordinator;

import java.sql.SQLException;
import java.util.List;
import widen.queue.RangeTask;

/**
 * Everything {@code /api/status}, the dashboard and {@code /metrics} show, read at one moment:
 * the ledger's migration, progress, sweeps and fleet control, the range map and throughput
 * series, the heartbeat fleet and the task queue's depth. {@code migration} is null before the
 * coordinator has recorded it.
 */
record StatusSnapshot(Migration migration, Progress progress, List<Sweep> sweeps,
    Ledger.Control control, double[] average, List<long[]> copyMap, List<long[]> verifyMap,
    List<long[]> throughput, List<FleetRoster.Member> fleet, long taskQueueDepth, long takenAt,
    long mapsTakenAt) {
  /** Cells of the range map: readable on a screen, and bounded whatever the table's size. */
  static final int MAP_BUCKETS = 400;
  /** The throughput chart: 15-second steps over the last 30 minutes. */
  static final int THROUGHPUT_STEP_SECONDS = 15;
  static final int THROUGHPUT_STEPS = 120;
  /**
   * The range maps scan every range of the migration (0.1 s for 100,000), so past
   * {@link #MAPS_ALWAYS_UP_TO} ranges they are read again only this often; the counts and rates
   * are read at every refresh.
   */
  static final long MAPS_EVERY_MS = 10_000;
  static final long MAPS_ALWAYS_UP_TO = 10_000;

  /** A new snapshot; the range maps are {@code previous}'s while those are recent. */
  static StatusSnapshot read(Ledger ledger, FleetRoster roster, StatusSnapshot previous)
      throws SQLException {
    long now = System.currentTimeMillis();
    Migration m = ledger.migration().orElse(null);
    List<FleetRoster.Member> fleet = roster.active();
    long depth = roster.taskQueueDepth();
    if (m == null) {
      return new StatusSnapshot(null, null, List.of(), ledger.control(), new double[2], List.of(),
          List.of(), List.of(), fleet, depth, now, now);
    }
    Progress progress = Progress.read(ledger);
    boolean reuse = previous != null && previous.migration() != null
        && progress.ranges() + progress.verifyRanges() > MAPS_ALWAYS_UP_TO
        && now - previous.mapsTakenAt() < MAPS_EVERY_MS;
    return new StatusSnapshot(m, progress, ledger.sweeps(), ledger.control(),
        ledger.reports().copyAverage(), reuse ? previous.copyMap()
            : ledger.reports().rangeMap(RangeTask.Kind.COPY, MAP_BUCKETS),
        reuse ? previous.verifyMap() : ledger.reports().rangeMap(RangeTask.Kind.VERIFY, MAP_BUCKETS),
        ledger.reports().throughput(THROUGHPUT_STEP_SECONDS, THROUGHPUT_STEPS), fleet, depth, now,
        reuse ? previous.mapsTakenAt() : now);
  }

  double averageRowsPerSecond() {
    return average[1] <= 0 ? 0 : average[0] / average[1];
  }

  /** Seconds left at the recent rate; 0 when done, -1 when unknown (nothing finished lately). */
  long etaSeconds() {
    if (progress == null) {
      return -1;
    }
    if (progress.fractionDone() >= 1) {
      return 0;
    }
    return progress.eta() == null ? -1 : progress.eta().getSeconds();
  }

  boolean flipAdvised() {
    return migration != null && migration.phase() == Phase.READY_TO_FLIP
        && migration.advice() != null;
  }

  long parked() {
    return progress == null ? 0 : progress.ranges(RangeState.FAILED)
        + progress.verify().get(RangeState.FAILED)[0];
  }

  /**
   * Why the fleet is held back now, as one word for a metric's tag: operator, threads_running,
   * probe, replica, or rate_limit when it runs throttled; null when it runs freely. Read from the
   * text {@link Throttle} records when the fleet's state changes.
   */
  String throttleReason() {
    String state = control.state();
    if (control.paused()) {
      return "operator";
    }
    if (state == null || state.equals("running")) {
      return null;
    }
    if (state.startsWith("running at most")) {
      return "rate_limit";
    }
    for (String[] match : new String[][] {{"Threads_running", "threads_running"},
        {"probe_sql", "probe"}, {"replica", "replica"}, {"operator", "operator"}}) {
      if (state.contains(match[0])) {
        return match[1];
      }
    }
    return "other";
  }

  /** The throttle reasons {@link #throttleReason} can give, each a series of widen_throttled. */
  static final List<String> THROTTLE_REASONS = List.of("operator", "threads_running", "probe",
      "replica", "rate_limit", "other");
}
