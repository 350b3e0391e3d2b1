package widen.coordinator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.range.RangePlanner;
import widen.schema.TablePair;

/**
 * {@code widen plan}: what a migration would do, written nowhere. Estimates come from the
 * table's statistics (information_schema.TABLES); {@code exact} walks the primary key with the
 * same planner the coordinator uses.
 */
public final class PlanReport {
  private PlanReport() {}

  public static String build(WidenConfig config, Preflight.Checked checked, boolean exact)
      throws SQLException {
    TablePair t = checked.tables();
    int rangeRows = config.getInt(Setting.PLAN_RANGE_ROWS);
    StringBuilder out = new StringBuilder();
    out.append("migration ").append(config.migrationId()).append(": ")
        .append(t.source().qualifiedName()).append(" -> ").append(t.target().qualifiedName())
        .append("\n\ncolumns (by name):\n").append(t.mapping().describe(t.source(), t.target()))
        .append("\n\nchecks: source and target reachable, broker reachable, the source user may "
            + "read the old table and the target user write the new table and the ledger, every "
            + "target column holds its source column");
    if (!t.mapping().nonNegativeChecks().isEmpty()) {
      out.append(", no negative values in ").append(t.mapping().nonNegativeChecks());
    }
    t.unchecked().forEach(c -> out.append("\n  (not checked for negatives, no index: ").append(c)
        .append(")"));
    checked.warnings().forEach(w -> out.append("\n\nwarning: ").append(w));
    RangePlanner.Bounds b = checked.bounds();
    out.append("\n\nids: ").append(b.empty() ? "none (empty table)" : b.min() + " to " + b.max()
        + " (high-water mark " + b.max() + ")").append('\n');
    try (Connection src = Databases.connect(config.source())) {
      long[] stats = statistics(src, t);
      if (exact && !b.empty()) {
        long[] walked = walk(src, t, rangeRows, b);
        out.append(String.format("ranges: %,d exactly, %,d rows, about %,d bytes (statistics)%n",
            walked[0],
            walked[1], walked[1] * stats[1]));
      } else {
        long rows = b.empty() ? 0 : stats[0];
        out.append(String.format("ranges: about %,d of %,d rows; about %,d rows and %,d bytes to"
            + " copy (statistics; --exact counts)%n", (rows + rangeRows - 1) / rangeRows, rangeRows,
            rows, rows * stats[1]));
      }
    }
    out.append("nothing was written.\n");
    return out.toString();
  }

  /** {rows estimate, average row length} from the table statistics. */
  private static long[] statistics(Connection c, TablePair t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_ROWS, AVG_ROW_LENGTH"
        + " FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, t.source().database());
      ps.setString(2, t.source().table());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private static long[] walk(Connection src, TablePair t, int rangeRows, RangePlanner.Bounds b)
      throws SQLException {
    RangePlanner planner = new RangePlanner(t.source().database(), t.source().table(),
        t.mapping().primaryKey(), rangeRows);
    long ranges = 0;
    long rows = 0;
    long after = b.before();
    for (Optional<RangePlanner.Planned> p; (p = planner.next(src, after, b.max())).isPresent(); ) {
      ranges++;
      rows += p.get().rows();
      after = p.get().range().hi();
    }
    return new long[] {ranges, rows};
  }
}
