package widen.coordinator;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;

/**
 * {@code widen status}: the migration as the ledger tells it, for a terminal. Reads only, so it
 * can run anywhere the target database is reachable, while the coordinator runs or not; only the
 * fleet's heartbeats come from the coordinator ({@link FleetReport}). After
 * COMPLETE it also reads the old table's largest id: a row written there after the final sweep
 * would be lost when the old table is cleaned up, so it is flagged loudly.
 */
public final class StatusReport {
  private StatusReport() {}

  /** The report from the ledger alone. */
  public static String render(WidenConfig config) throws SQLException {
    return render(config, false, null);
  }

  /**
   * The report with the fleet from the coordinator at {@code coordinatorUrl}, or when null from
   * the ledger's coordinator host on http.port.
   */
  public static String renderWithFleet(WidenConfig config, String coordinatorUrl)
      throws SQLException {
    return render(config, true, coordinatorUrl);
  }

  private static String render(WidenConfig config, boolean fleet, String coordinatorUrl)
      throws SQLException {
    try (HikariDataSource db = Databases.pool(config.target(), 1, "widen-status")) {
      Ledger ledger = new Ledger(db, config.get(Setting.CONTROL_SCHEMA), config.migrationId());
      Optional<Migration> m = ledger.migration();
      if (m.isEmpty()) {
        return "migration " + config.migrationId() + ": not started (no ledger row in "
            + config.get(Setting.CONTROL_SCHEMA) + "); run `widen coordinator` to start it\n";
      }
      List<Sweep> sweeps = ledger.sweeps();
      long late = m.get().phase() == Phase.COMPLETE ? rowsAfter(config, m.get(),
          sweeps.get(sweeps.size() - 1).mark()) : 0;
      return render(m.get(), Progress.read(ledger), sweeps, late, ledger.control())
          + (!fleet ? "" : FleetReport.render(coordinatorUrl != null ? coordinatorUrl
              : FleetReport.defaultUrl(m.get(), config.getInt(Setting.HTTP_PORT))));
    }
  }

  /** The fleet's pause or throttle, or null when nothing was ever set or broadcast. */
  private static String fleet(Ledger.Control control) {
    if (control.paused()) {
      return "PAUSED by the operator (widen resume)";
    }
    if (control.state() == null) {
      return null;
    }
    return control.state().startsWith("running") ? control.state() : "PAUSED: " + control.state();
  }

  static String render(Migration m, Progress p, List<Sweep> sweeps, long lateRows,
      Ledger.Control control) {
    StringBuilder out = new StringBuilder();
    out.append("migration ").append(m.id()).append(": ").append(m.sourceTable()).append(" -> ")
        .append(m.targetTable()).append('\n');
    out.append("phase      ").append(m.phase()).append(m.owner() == null ? ""
        : "  (coordinator " + m.owner() + ")").append('\n');
    out.append(String.format("progress   %s %5.1f%%  ETA %s%n", p.bar(40), 100 * p.fractionDone(),
        p.formatEta()));
    out.append(String.format("rows       %,d copied of %,d planned; %,.0f rows/s (last minute)%n",
        p.rowsCopied(), p.rowsPlanned(), p.rowsPerSecond()));
    out.append(String.format("ranges     %,d done, %,d queued, %,d pending, %,d parked, %,d total%n",
        p.ranges(RangeState.DONE), p.ranges(RangeState.QUEUED), p.ranges(RangeState.PENDING),
        p.ranges(RangeState.FAILED), p.ranges()));
    Sweep last = sweeps.get(sweeps.size() - 1);
    out.append("high-water ").append(last.mark()).append(m.planningDone() ? ""
        : "  (backfill planned through " + m.plannedThrough() + ")").append(String.format(
            "; %d delta sweeps%s%n", sweeps.size() - 1, sweeps.size() > 1
                ? ", the last found " + last.rowsNew() + " new rows" : ""));
    out.append(String.format("verified   %,d of %,d ranges%s%n", p.verifyDone(), p.verifyRanges(),
        m.verifiedThrough() == null ? "" : "; ids up to " + m.verifiedThrough() + " equal"));
    String fleet = fleet(control);
    if (fleet != null) {
      out.append("fleet      ").append(fleet).append('\n');
    }
    out.append("workers    ").append(p.workers().isEmpty() ? "none in the last minute"
        : p.workers().size() + " active: " + String.join(", ", p.workers())).append('\n');
    if (!p.parked().isEmpty()) {
      out.append("parked:\n");
      p.parked().forEach(line -> out.append("  ").append(line).append('\n'));
    }
    if (m.advice() != null && m.phase() == Phase.READY_TO_FLIP) {
      JsonObject a = new JsonObject(m.advice());
      out.append("FLIP ADVISED: ").append(a.getJsonObject("source").getLong("rows"))
          .append(" rows verified equal (checksum ")
          .append(a.getJsonObject("source").getString("checksum")).append("); ")
          .append(a.getString("next")).append('\n');
    }
    if (m.report() != null) {
      JsonObject r = new JsonObject(m.report());
      out.append("COMPLETE: ").append(r.getJsonObject("target").getLong("rows"))
          .append(" rows in the new table, equal to the old: ").append(r.getBoolean("match"))
          .append("; repaired ranges: ").append(r.getJsonArray("repaired_ranges").size())
          .append('\n');
    }
    if (lateRows > 0) {
      out.append("WARNING: ").append(lateRows).append(" rows reached the old table after the"
          + " migration was COMPLETE (ids above ").append(last.mark()).append(");"
          + " they are NOT in the new table: find the writer still using the old table\n");
    }
    return out.toString();
  }

  private static long rowsAfter(WidenConfig config, Migration m, long finalMark)
      throws SQLException {
    try (Connection src = Databases.connect(config.source())) {
      return new HighWaterMark(config.source().database(), config.source().table(),
          m.primaryKey(), 1).rowsAbove(src, finalMark);
    }
  }
}
