package widen.coordinator;

import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import widen.db.Jdbc;
import widen.queue.RangeTask;
import widen.verify.TableChecksum;

/**
 * Read-only summaries of one migration's ranges in the ledger, for status, metrics, the dashboard
 * and the flip advice. Each is one grouped query, so they stay cheap with 200,000 ranges.
 */
public final class LedgerReports {
  private final Jdbc jdbc;
  private final String ranges;
  private final String migrationId;

  LedgerReports(Jdbc jdbc, String ranges, String migrationId) {
    this.jdbc = jdbc;
    this.ranges = ranges;
    this.migrationId = migrationId;
  }

  /** Ranges, planned rows and copied rows per state, for one kind of task. */
  public Map<RangeState, long[]> totals(RangeTask.Kind kind) throws SQLException {
    Map<RangeState, long[]> out = new EnumMap<>(RangeState.class);
    for (RangeState s : RangeState.values()) {
      out.put(s, new long[3]);
    }
    for (Object[] row : jdbc.list("SELECT state, COUNT(*), COALESCE(SUM(rows_planned), 0),"
        + " COALESCE(SUM(rows_copied), 0) FROM " + ranges + " WHERE migration_id = ? AND kind = ?"
        + " GROUP BY state", rs -> new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3),
            rs.getLong(4)}, migrationId, kind.name())) {
      out.put(RangeState.valueOf((String) row[0]),
          new long[] {(Long) row[1], (Long) row[2], (Long) row[3]});
    }
    return out;
  }

  /** Both sides' checksums summed over every verified range: the whole verified id space. */
  public TableChecksum.Sum[] verifiedSums() throws SQLException {
    return jdbc.one("SELECT COALESCE(SUM(src_rows), 0), COALESCE(SUM(src_sum_high), 0),"
        + " COALESCE(SUM(src_sum_low), 0), COALESCE(SUM(dst_rows), 0),"
        + " COALESCE(SUM(dst_sum_high), 0), COALESCE(SUM(dst_sum_low), 0) FROM " + ranges
        + " WHERE migration_id = ? AND kind = 'VERIFY' AND state = 'DONE'",
        rs -> new TableChecksum.Sum[] {
            new TableChecksum.Sum(rs.getLong(1), rs.getBigDecimal(2), rs.getBigDecimal(3)),
            new TableChecksum.Sum(rs.getLong(4), rs.getBigDecimal(5), rs.getBigDecimal(6))},
        migrationId).orElseThrow();
  }

  /** Verified ranges that needed a repair, with what was done: for the report and status. */
  public List<String> repairs(int limit) throws SQLException {
    return jdbc.list("SELECT range_id, lo, hi, note FROM " + ranges + " WHERE migration_id = ?"
        + " AND kind = 'VERIFY' AND verdict = 'REPAIRED' ORDER BY range_id LIMIT " + limit,
        rs -> "range " + rs.getInt(1) + " (" + rs.getLong(2) + ", " + rs.getLong(3) + "]: "
            + rs.getString(4), migrationId);
  }

  /**
   * Rows of copy ranges finished in the last {@code seconds} seconds, and the seconds they took:
   * from the earliest start among them to now, so a migration younger than the window is not
   * diluted.
   */
  public double[] recentThroughput(int seconds) throws SQLException {
    return jdbc.one("SELECT COALESCE(SUM(rows_copied), 0),"
        + " TIMESTAMPDIFF(MICROSECOND, MIN(started_at), NOW(6)) / 1e6 FROM " + ranges
        + " WHERE migration_id = ? AND kind = 'COPY' AND state = 'DONE'"
        + " AND finished_at > NOW(6) - INTERVAL ? SECOND",
        rs -> new double[] {rs.getLong(1), Math.min(seconds, rs.getDouble(2))}, migrationId,
        seconds).orElseThrow();
  }

  /** Parked ranges with their errors, oldest first. */
  public List<String> parkedDescriptions(int limit) throws SQLException {
    return jdbc.list("SELECT range_id, kind, lo, hi, attempts, last_error FROM " + ranges
        + " WHERE migration_id = ? AND state = 'FAILED' ORDER BY range_id LIMIT " + limit,
        rs -> rs.getString(2).toLowerCase() + " range " + rs.getInt(1) + " (" + rs.getLong(3)
            + ", " + rs.getLong(4) + "] after " + rs.getInt(5) + " attempts: " + rs.getString(6),
        migrationId);
  }

  /** Distinct workers that finished a range in the last {@code seconds} seconds. */
  public List<String> activeWorkers(int seconds) throws SQLException {
    return jdbc.list("SELECT DISTINCT worker FROM " + ranges + " WHERE migration_id = ?"
        + " AND finished_at > NOW(6) - INTERVAL ? SECOND ORDER BY worker", rs -> rs.getString(1),
        migrationId, seconds);
  }

  /**
   * Rows of finished copy ranges and the seconds from the first one's start to the last one's
   * end: the copy's average rate, pauses included.
   */
  public double[] copyAverage() throws SQLException {
    return jdbc.one("SELECT COALESCE(SUM(rows_copied), 0), COALESCE(TIMESTAMPDIFF(MICROSECOND,"
        + " MIN(started_at), MAX(finished_at)) / 1e6, 0) FROM " + ranges
        + " WHERE migration_id = ? AND kind = 'COPY' AND state = 'DONE'",
        rs -> new double[] {rs.getLong(1), rs.getDouble(2)}, migrationId).orElseThrow();
  }

  /**
   * The ranges of one kind cut into at most {@code buckets} runs of consecutive range ids, each
   * {first range id, last range id, lowest id, highest id, pending, queued, done, failed}: one
   * grouped scan, so a dashboard of 100,000 ranges stays small and fast.
   */
  public List<long[]> rangeMap(RangeTask.Kind kind, int buckets) throws SQLException {
    return jdbc.list("SELECT FLOOR((r.range_id - b.first) * ? / (b.last - b.first + 1)) AS bucket,"
        + " MIN(r.range_id), MAX(r.range_id), MIN(r.lo), MAX(r.hi), SUM(r.state = 'PENDING'),"
        + " SUM(r.state = 'QUEUED'), SUM(r.state = 'DONE'), SUM(r.state = 'FAILED') FROM " + ranges
        + " r JOIN (SELECT MIN(range_id) AS first, MAX(range_id) AS last FROM " + ranges
        + " WHERE migration_id = ? AND kind = ?) b WHERE r.migration_id = ? AND r.kind = ?"
        + " GROUP BY bucket ORDER BY bucket",
        rs -> new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)},
        buckets, migrationId, kind.name(), migrationId, kind.name());
  }

  /**
   * Rows copied per {@code bucketSeconds} over the last {@code buckets} of them, each
   * {bucket start in epoch seconds, rows}, by the time each range finished.
   */
  public List<long[]> throughput(int bucketSeconds, int buckets) throws SQLException {
    return jdbc.list("SELECT FLOOR(UNIX_TIMESTAMP(finished_at) / ?) * ?, SUM(rows_copied) FROM "
        + ranges + " WHERE migration_id = ? AND kind = 'COPY' AND state = 'DONE'"
        + " AND finished_at > NOW(6) - INTERVAL ? SECOND GROUP BY 1 ORDER BY 1",
        rs -> new long[] {rs.getLong(1), rs.getLong(2)}, bucketSeconds, bucketSeconds,
        migrationId, bucketSeconds * buckets);
  }
}
