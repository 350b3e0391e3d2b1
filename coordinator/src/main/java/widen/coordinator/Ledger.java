package widen.coordinator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import widen.db.Jdbc;
import widen.queue.RangeResult;
import widen.queue.RangeTask;
import widen.range.IdRange;
import widen.schema.TableShape;
import widen.sql.Sql;
import widen.verify.RangeVerdict;
import widen.verify.TableChecksum;

/**
 * The durable record of a migration, in the control schema: one row per migration with its phase,
 * marks, flip advice and report; one row per sweep with its high-water marks; one row per range
 * task with its bounds, kind, state, attempts, rows, worker, times, last error and, for verify
 * tasks, both sides' checksums. The coordinator's memory is only a cache of this: a restart reads
 * it back.
 *
 * <p>All SQL on the ledger is in this class and its two helpers: {@link LedgerSchema} (the
 * tables' definitions) and {@link LedgerReports} (the summaries for status and the flip advice).
 */
public final class Ledger {
  private static final String RANGE_COLUMNS =
      "range_id, kind, sweep, lo, hi, rows_planned, state, attempts";
  private final DataSource db;
  private final Jdbc jdbc;
  private final String schema;
  private final String migrationId;
  private final String migrations;
  private final String sweeps;
  private final String ranges;
  private final String controls;
  private final LedgerReports reports;

  public Ledger(DataSource db, String schema, String migrationId) {
    this.db = db;
    this.jdbc = new Jdbc(db);
    this.schema = schema;
    this.migrationId = migrationId;
    this.migrations = Sql.quote(schema, LedgerSchema.MIGRATION);
    this.sweeps = Sql.quote(schema, LedgerSchema.SWEEP);
    this.ranges = Sql.quote(schema, LedgerSchema.RANGE_TASK);
    this.controls = Sql.quote(schema, LedgerSchema.CONTROL);
    this.reports = new LedgerReports(jdbc, ranges, migrationId);
  }

  /** The read-only summaries of the ranges that status, metrics and the flip advice show. */
  public LedgerReports reports() {
    return reports;
  }

  public String migrationId() {
    return migrationId;
  }

  /**
   * Refuses, changing nothing, a user that could not create or write the ledger in
   * {@code schema}: checked at start, before the first write, for every ledger table.
   */
  public static void requireAccess(Connection c, String schema) throws SQLException {
    LedgerSchema.requireAccess(c, schema);
  }

  /** Creates the control schema and its tables if missing; harmless when they exist. */
  public void ensureSchema() throws SQLException {
    LedgerSchema.ensure(db, schema);
  }

  /** True once {@link #ensureSchema} has run on this server (reading never creates anything). */
  public boolean exists() throws SQLException {
    try (Connection c = db.getConnection()) {
      return TableShape.exists(c, schema, LedgerSchema.MIGRATION);
    }
  }

  /** The migration's row; empty if it was never started (or the ledger does not exist yet). */
  public Optional<Migration> migration() throws SQLException {
    if (!exists()) {
      return Optional.empty();
    }
    return jdbc.one("SELECT phase, source_table, target_table, primary_key, high_water_mark,"
        + " planned_through, planning_done, owner, verified_through, verify_planned_through,"
        + " flip_confirmed_at IS NOT NULL, advice, report FROM " + migrations + " WHERE id = ?",
        rs -> new Migration(migrationId, Phase.valueOf(rs.getString(1)), rs.getString(2),
            rs.getString(3), rs.getString(4), rs.getObject(5, Long.class),
            rs.getObject(6, Long.class), rs.getBoolean(7), rs.getString(8),
            rs.getObject(9, Long.class), rs.getObject(10, Long.class), rs.getBoolean(11),
            rs.getString(12), rs.getString(13)),
        migrationId);
  }

  /** Records a new migration and its backfill as sweep 0, in one transaction. */
  public void create(Migration m, Sweep backfill) throws SQLException {
    jdbc.inTransaction(c -> {
      Jdbc.update(c, "INSERT INTO " + migrations + " (id, phase, source_table, target_table,"
          + " primary_key, high_water_mark, planned_through, planning_done, owner)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", m.id(), m.phase().name(), m.sourceTable(),
          m.targetTable(), m.primaryKey(), m.highWaterMark(), m.plannedThrough(),
          m.planningDone(), m.owner());
      insertSweep(c, backfill);
    });
  }

  public void setPhase(Phase phase) throws SQLException {
    jdbc.update("UPDATE " + migrations + " SET phase = ? WHERE id = ?", phase.name(), migrationId);
  }

  public void setOwner(String owner) throws SQLException {
    jdbc.update("UPDATE " + migrations + " SET owner = ? WHERE id = ?", owner, migrationId);
  }

  public void setVerifiedThrough(long mark) throws SQLException {
    jdbc.update("UPDATE " + migrations + " SET verified_through = ? WHERE id = ?", mark,
        migrationId);
  }

  /** READY_TO_FLIP with its advice; a later call replaces the advice. */
  public void advise(String adviceJson) throws SQLException {
    jdbc.update("UPDATE " + migrations + " SET phase = 'READY_TO_FLIP', advice = ?,"
        + " advised_at = NOW(6) WHERE id = ?", adviceJson, migrationId);
  }

  /** Back to catching up: the tail grew or a check failed, so the advice no longer holds. */
  public void withdrawAdvice(Phase phase) throws SQLException {
    jdbc.update("UPDATE " + migrations + " SET phase = ?, advice = NULL, advised_at = NULL"
        + " WHERE id = ? AND flip_confirmed_at IS NULL", phase.name(), migrationId);
  }

  /** Records the flip; true if the migration was ready for it (false changes nothing). */
  public boolean confirmFlip() throws SQLException {
    return jdbc.update("UPDATE " + migrations + " SET flip_confirmed_at = NOW(6)"
        + " WHERE id = ? AND phase = 'READY_TO_FLIP' AND flip_confirmed_at IS NULL",
        migrationId) == 1;
  }

  public void complete(String reportJson) throws SQLException {
    jdbc.update("UPDATE " + migrations + " SET phase = 'COMPLETE', report = ?,"
        + " completed_at = NOW(6) WHERE id = ?", reportJson, migrationId);
  }

  /** The next free range id (ids are dense, from 1). */
  public int nextRangeId() throws SQLException {
    return (int) jdbc.queryLong("SELECT COALESCE(MAX(range_id), 0) + 1 FROM " + ranges
        + " WHERE migration_id = ?", migrationId);
  }

  /**
   * Records newly planned backfill ranges (PENDING) and how far planning got, in one transaction,
   * so a crash never leaves ranges without the planning mark or the mark without its ranges.
   */
  public void addPlanned(List<LedgerRange> planned, long plannedThrough, boolean planningDone)
      throws SQLException {
    jdbc.inTransaction(c -> {
      insertRanges(c, planned);
      // The backfill begins with its first ranges: planning goes on while they are copied.
      Jdbc.update(c, "UPDATE " + migrations + " SET planned_through = ?, planning_done = ?,"
          + " phase = IF(phase = 'PLANNED', 'BACKFILLING', phase) WHERE id = ?", plannedThrough,
          planningDone, migrationId);
    });
  }

  /** A delta sweep with all its copy ranges, in one transaction. */
  public void addSweep(Sweep sweep, List<LedgerRange> planned) throws SQLException {
    jdbc.inTransaction(c -> {
      insertSweep(c, sweep);
      insertRanges(c, planned);
    });
  }

  /**
   * Verify ranges up to {@code through}, with the mark and (if not null) the new phase in the same
   * transaction: a restart either finds all of them or none, never a verification that looks
   * finished because half of it was not recorded.
   */
  public void addVerify(List<LedgerRange> planned, long through, Phase phase) throws SQLException {
    jdbc.inTransaction(c -> {
      insertRanges(c, planned);
      Jdbc.update(c, "UPDATE " + migrations + " SET verify_planned_through = ?"
          + (phase == null ? "" : ", phase = '" + phase.name() + "'") + " WHERE id = ?", through,
          migrationId);
    });
  }

  public Optional<Sweep> lastSweep() throws SQLException {
    return jdbc.one("SELECT sweep, from_mark, mark, copy_from, rows_new, final FROM " + sweeps
        + " WHERE migration_id = ? ORDER BY sweep DESC LIMIT 1", Ledger::sweep, migrationId);
  }

  public List<Sweep> sweeps() throws SQLException {
    return jdbc.list("SELECT sweep, from_mark, mark, copy_from, rows_new, final FROM " + sweeps
        + " WHERE migration_id = ? ORDER BY sweep", Ledger::sweep, migrationId);
  }

  /**
   * Copy ranges, with ids above {@code after}, that reach above {@code verifiedThrough}, each
   * clipped to the ids its sweep was the first to cover: a sweep's trailing window re-copies ids
   * an earlier sweep already covered, and verifying them twice would only cost time.
   */
  public List<LedgerRange> toVerify(long verifiedThrough, int after, int limit)
      throws SQLException {
    return jdbc.list("SELECT r.range_id, r.sweep, GREATEST(r.lo, s.from_mark, ?), r.hi,"
        + " r.rows_planned FROM " + ranges + " r JOIN " + sweeps + " s"
        + " ON s.migration_id = r.migration_id AND s.sweep = r.sweep"
        + " WHERE r.migration_id = ? AND r.kind = 'COPY' AND r.range_id > ?"
        + " AND r.hi > GREATEST(s.from_mark, ?) ORDER BY r.range_id LIMIT " + limit,
        rs -> new LedgerRange(rs.getInt(1), RangeTask.Kind.COPY, rs.getInt(2),
            new IdRange(rs.getLong(3), rs.getLong(4)), rs.getLong(5), RangeState.DONE, 0),
        verifiedThrough, migrationId, after, verifiedThrough);
  }

  /** Ranges confirmed on the queue; a range never sent before counts its first attempt. */
  public void markQueued(List<LedgerRange> sent) throws SQLException {
    String sql = "UPDATE " + ranges + " SET state = 'QUEUED', queued_at = NOW(6),"
        + " attempts = GREATEST(attempts, 1)"
        + " WHERE migration_id = ? AND range_id = ? AND state IN ('PENDING', 'QUEUED', 'FAILED')";
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (LedgerRange r : sent) {
        ps.setString(1, migrationId);
        ps.setInt(2, r.rangeId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Up to {@code limit} ranges not yet done (PENDING or QUEUED) with ids above {@code after}. */
  public List<LedgerRange> unfinished(int after, int limit) throws SQLException {
    return selectRanges("state IN ('PENDING', 'QUEUED') AND range_id > ? ORDER BY range_id LIMIT "
        + limit, after);
  }


  /** Ranges recorded but not on the queue: sent back by retry-failed, or cut off by a crash. */
  public List<LedgerRange> pending(int limit) throws SQLException {
    return selectRanges("state = 'PENDING' ORDER BY range_id LIMIT " + limit);
  }

  /** The operator's pause and rate, and what the coordinator last broadcast. */
  public record Control(boolean paused, Long rowsPerSecond, String state) {
    static final Control NONE = new Control(false, null, null);
  }

  public Control control() throws SQLException {
    if (!exists()) {
      return Control.NONE;
    }
    return jdbc.one("SELECT paused, rows_per_second, state FROM " + controls
        + " WHERE migration_id = ?", rs -> new Control(rs.getBoolean(1),
            rs.getObject(2, Long.class), rs.getString(3)), migrationId).orElse(Control.NONE);
  }

  public void setPaused(boolean paused) throws SQLException {
    jdbc.update("INSERT INTO " + controls + " (migration_id, paused) VALUES (?, ?)"
        + " ON DUPLICATE KEY UPDATE paused = VALUES(paused)", migrationId, paused);
  }

  /** The fleet's rows per second from now on; null goes back to throttle.rows_per_second. */
  public void setRowsPerSecond(Long rowsPerSecond) throws SQLException {
    jdbc.update("INSERT INTO " + controls + " (migration_id, rows_per_second) VALUES (?, ?)"
        + " ON DUPLICATE KEY UPDATE rows_per_second = VALUES(rows_per_second)", migrationId,
        rowsPerSecond);
  }

  void recordControlState(String state) throws SQLException {
    jdbc.update("INSERT INTO " + controls + " (migration_id, state) VALUES (?, ?)"
        + " ON DUPLICATE KEY UPDATE state = VALUES(state)", migrationId, state);
  }

  /** The ids of the ranges parked now. */
  public java.util.Set<Integer> parkedRangeIds() throws SQLException {
    return new java.util.HashSet<>(jdbc.list("SELECT range_id FROM " + ranges
        + " WHERE migration_id = ? AND state = 'FAILED'", rs -> rs.getInt(1), migrationId));
  }

  /**
   * Sends parked ranges back (all, or only {@code rangeId}): PENDING with a fresh count of
   * attempts, for the running coordinator to publish. Returns how many.
   */
  public int retryFailed(Integer rangeId) throws SQLException {
    String sql = "UPDATE " + ranges + " SET state = 'PENDING', attempts = 0"
        + " WHERE migration_id = ? AND state = 'FAILED'";
    return rangeId == null ? jdbc.update(sql, migrationId)
        : jdbc.update(sql + " AND range_id = ?", migrationId, rangeId);
  }

  public Optional<LedgerRange> range(int rangeId) throws SQLException {
    List<LedgerRange> found = selectRanges("range_id = ?", rangeId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** A successful task: DONE, with its rows, worker, times and, if verified, both checksums. */
  public void done(RangeResult r) throws SQLException {
    RangeVerdict v = r.verdict();
    TableChecksum.Sum src = v == null ? null : v.source();
    TableChecksum.Sum dst = v == null ? null : v.target();
    jdbc.update("UPDATE " + ranges + " SET state = 'DONE', rows_copied = ?, worker = ?,"
        + " started_at = FROM_UNIXTIME(? / 1000), finished_at = FROM_UNIXTIME(? / 1000),"
        + " last_error = NULL, verdict = ?, note = ?, src_rows = ?, src_sum_high = ?,"
        + " src_sum_low = ?, dst_rows = ?, dst_sum_high = ?, dst_sum_low = ?"
        + " WHERE migration_id = ? AND range_id = ?",
        r.rows(), r.worker(), r.startedAtMillis(), r.finishedAtMillis(),
        v == null ? null : v.verdict().name(), v == null ? null : v.note(),
        src == null ? null : src.rows(), src == null ? null : src.high(),
        src == null ? null : src.low(), dst == null ? null : dst.rows(),
        dst == null ? null : dst.high(), dst == null ? null : dst.low(),
        migrationId, r.task().rangeId());
  }

  /** A failed attempt: its error is kept; {@code parked} makes the range FAILED. */
  public void failed(RangeResult r, boolean parked) throws SQLException {
    jdbc.update("UPDATE " + ranges + " SET state = ?, worker = ?, attempts = ?, last_error = ?"
        + " WHERE migration_id = ? AND range_id = ? AND state <> 'DONE'",
        parked ? RangeState.FAILED.name() : RangeState.QUEUED.name(), r.worker(),
        r.task().attempt(), r.error(), migrationId, r.task().rangeId());
  }


  /** Ranges of this kind not yet DONE: waiting, being worked on, or parked. */
  public long open(RangeTask.Kind kind) throws SQLException {
    return jdbc.queryLong("SELECT COUNT(*) FROM " + ranges + " WHERE migration_id = ? AND kind = ?"
        + " AND state <> 'DONE'", migrationId, kind.name());
  }

  private List<LedgerRange> selectRanges(String where, Object... args) throws SQLException {
    Object[] all = new Object[args.length + 1];
    all[0] = migrationId;
    System.arraycopy(args, 0, all, 1, args.length);
    return jdbc.list("SELECT " + RANGE_COLUMNS + " FROM " + ranges + " WHERE migration_id = ? AND "
        + where, rs -> new LedgerRange(rs.getInt(1), RangeTask.Kind.valueOf(rs.getString(2)),
            rs.getInt(3), new IdRange(rs.getLong(4), rs.getLong(5)), rs.getLong(6),
            RangeState.valueOf(rs.getString(7)), rs.getInt(8)), all);
  }

  private void insertRanges(Connection c, List<LedgerRange> planned) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ranges + " (migration_id, "
        + RANGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (LedgerRange r : planned) {
        ps.setString(1, migrationId);
        ps.setInt(2, r.rangeId());
        ps.setString(3, r.kind().name());
        ps.setInt(4, r.sweep());
        ps.setLong(5, r.range().lo());
        ps.setLong(6, r.range().hi());
        ps.setLong(7, r.rowsPlanned());
        ps.setString(8, RangeState.PENDING.name());
        ps.setInt(9, 0);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void insertSweep(Connection c, Sweep s) throws SQLException {
    Jdbc.update(c, "INSERT INTO " + sweeps + " (migration_id, sweep, from_mark, mark, copy_from,"
        + " rows_new, final) VALUES (?, ?, ?, ?, ?, ?, ?)", migrationId, s.number(), s.fromMark(),
        s.mark(), s.copyFrom(), s.rowsNew(), s.isFinal());
  }

  private static Sweep sweep(ResultSet rs) throws SQLException {
    return new Sweep(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
        rs.getBoolean(6));
  }
}
