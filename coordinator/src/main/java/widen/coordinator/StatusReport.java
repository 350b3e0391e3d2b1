package widen.coordinator;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.util.Optional;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;

/**
 * {@code widen status}: the migration as the ledger tells it, for a terminal. Reads only, so it
 * can run anywhere the target database is reachable, while the coordinator runs or not.
 */
public final class StatusReport {
  private StatusReport() {}

  public static String render(WidenConfig config) throws SQLException {
    try (HikariDataSource db = Databases.pool(config.target(), 1, "widen-status")) {
      Ledger ledger = new Ledger(db, config.get(Setting.CONTROL_SCHEMA), config.migrationId());
      Optional<Migration> m = ledger.migration();
      if (m.isEmpty()) {
        return "migration " + config.migrationId() + ": not started (no ledger row in "
            + config.get(Setting.CONTROL_SCHEMA) + "); run `widen coordinator` to start it\n";
      }
      return render(m.get(), Progress.read(ledger));
    }
  }

  static String render(Migration m, Progress p) {
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
    out.append("high-water ").append(m.highWaterMark() == null ? "-" : m.highWaterMark())
        .append(m.planningDone() ? "" : "  (planned through " + m.plannedThrough() + ")")
        .append('\n');
    out.append("workers    ").append(p.workers().isEmpty() ? "none in the last minute"
        : p.workers().size() + " active: " + String.join(", ", p.workers())).append('\n');
    if (!p.parked().isEmpty()) {
      out.append("parked:\n");
      p.parked().forEach(line -> out.append("  ").append(line).append('\n'));
    }
    return out.toString();
  }
}
