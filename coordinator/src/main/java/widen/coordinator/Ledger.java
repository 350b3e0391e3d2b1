package widen.coordinator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import widen.queue.RangeResult;
import widen.range.IdRange;
import widen.schema.TableShape;
import widen.sql.Sql;

/**
 * The durable record of a migration, in the control schema: one row per migration with its phase
 * and planning progress, one row per range with its bounds, state, attempts, rows, worker, times
 * and last error. The coordinator's memory is only a cache of this: a restart reads it back.
 *
 * <p>All SQL on the ledger is in this class.
 */
public final class Ledger {
  private final DataSource db;
  private final String schema;
  private final String migrationId;
  private final String migrations;
  private final String ranges;

  public Ledger(DataSource db, String schema, String migrationId) {
    this.db = db;
    this.schema = schema;
    this.migrationId = migrationId;
    this.migrations = Sql.quote(schema, "migration");
    this.ranges = Sql.quote(schema, "range_task");
  }

  /** Creates the control schema and its tables if missing; harmless when they exist. */
  public void ensureSchema() throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS " + Sql.quote(schema));
      s.execute("CREATE TABLE IF NOT EXISTS " + migrations + " ("
          + " id VARCHAR(64) NOT NULL PRIMARY KEY,"
          + " phase VARCHAR(32) NOT NULL,"
          + " source_table VARCHAR(255) NOT NULL,"
          + " target_table VARCHAR(255) NOT NULL,"
          + " primary_key VARCHAR(64) NOT NULL,"
          + " high_water_mark BIGINT NULL COMMENT 'max source id when planning began',"
          + " planned_through BIGINT NULL COMMENT 'ranges cover ids up to here',"
          + " planning_done BOOLEAN NOT NULL DEFAULT FALSE,"
          + " owner VARCHAR(255) NULL COMMENT 'coordinator host:pid holding the migration',"
          + " created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
          + " updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
          + "   ON UPDATE CURRENT_TIMESTAMP(6)"
          + ") ENGINE=InnoDB");
      s.execute("CREATE TABLE IF NOT EXISTS " + ranges + " ("
          + " migration_id VARCHAR(64) NOT NULL,"
          + " range_id INT NOT NULL,"
          + " sweep INT NOT NULL DEFAULT 0 COMMENT '0 = backfill',"
          + " lo BIGINT NOT NULL COMMENT 'exclusive',"
          + " hi BIGINT NOT NULL COMMENT 'inclusive',"
          + " rows_planned BIGINT NOT NULL,"
          + " state VARCHAR(16) NOT NULL,"
          + " attempts INT NOT NULL DEFAULT 0,"
          + " rows_copied BIGINT NULL,"
          + " worker VARCHAR(255) NULL,"
          + " queued_at DATETIME(6) NULL,"
          + " started_at DATETIME(6) NULL,"
          + " finished_at DATETIME(6) NULL,"
          + " last_error TEXT NULL,"
          + " PRIMARY KEY (migration_id, range_id),"
          + " KEY by_state (migration_id, state, range_id),"
          + " KEY by_finish (migration_id, finished_at)"
          + ") ENGINE=InnoDB");
    }
  }

  /** True once {@link #ensureSchema} has run on this server (reading never creates anything). */
  public boolean exists() throws SQLException {
    try (Connection c = db.getConnection()) {
      return TableShape.exists(c, schema, "migration");
    }
  }

  /** The migration's row; empty if it was never started (or the ledger does not exist yet). */
  public Optional<Migration> migration() throws SQLException {
    if (!exists()) {
      return Optional.empty();
    }
    String sql = "SELECT phase, source_table, target_table, primary_key, high_water_mark,"
        + " planned_through, planning_done, owner FROM " + migrations + " WHERE id = ?";
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, migrationId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Migration(migrationId, Phase.valueOf(rs.getString(1)),
            rs.getString(2), rs.getString(3), rs.getString(4), (Long) rs.getObject(5, Long.class),
            (Long) rs.getObject(6, Long.class), rs.getBoolean(7), rs.getString(8)));
      }
    }
  }

  public void create(Migration m) throws SQLException {
    String sql = "INSERT INTO " + migrations + " (id, phase, source_table, target_table,"
        + " primary_key, high_water_mark, planned_through, planning_done, owner)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, m.id());
      ps.setString(2, m.phase().name());
      ps.setString(3, m.sourceTable());
      ps.setString(4, m.targetTable());
      ps.setString(5, m.primaryKey());
      setLong(ps, 6, m.highWaterMark());
      setLong(ps, 7, m.plannedThrough());
      ps.setBoolean(8, m.planningDone());
      ps.setString(9, m.owner());
      ps.executeUpdate();
    }
  }

  public void setPhase(Phase phase) throws SQLException {
    update("UPDATE " + migrations + " SET phase = ? WHERE id = ?", phase.name(), migrationId);
  }

  public void setOwner(String owner) throws SQLException {
    update("UPDATE " + migrations + " SET owner = ? WHERE id = ?", owner, migrationId);
  }

  /** The next free range id (ids are dense, from 1). */
  public int nextRangeId() throws SQLException {
    String sql = "SELECT COALESCE(MAX(range_id), 0) + 1 FROM " + ranges + " WHERE migration_id = ?";
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, migrationId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * Records newly planned ranges (PENDING) and how far planning got, in one transaction, so a
   * crash never leaves ranges without the planning mark or the mark without its ranges.
   */
  public void addPlanned(List<LedgerRange> planned, long plannedThrough, boolean planningDone)
      throws SQLException {
    String insert = "INSERT INTO " + ranges + " (migration_id, range_id, sweep, lo, hi,"
        + " rows_planned, state) VALUES (?, ?, ?, ?, ?, ?, ?)";
    String mark = "UPDATE " + migrations + " SET planned_through = ?, planning_done = ?"
        + (planningDone ? ", phase = 'BACKFILLING'" : "") + " WHERE id = ?";
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(insert);
          PreparedStatement mk = c.prepareStatement(mark)) {
        for (LedgerRange r : planned) {
          ps.setString(1, migrationId);
          ps.setInt(2, r.rangeId());
          ps.setInt(3, r.sweep());
          ps.setLong(4, r.range().lo());
          ps.setLong(5, r.range().hi());
          ps.setLong(6, r.rowsPlanned());
          ps.setString(7, RangeState.PENDING.name());
          ps.addBatch();
        }
        ps.executeBatch();
        mk.setLong(1, plannedThrough);
        mk.setBoolean(2, planningDone);
        mk.setString(3, migrationId);
        mk.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
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

  /** Up to {@code limit} ranges not yet copied (PENDING or QUEUED) with ids above {@code after}. */
  public List<LedgerRange> unfinished(int after, int limit) throws SQLException {
    return select("state IN ('PENDING', 'QUEUED') AND range_id > ? ORDER BY range_id LIMIT " + limit,
        after);
  }

  public Optional<LedgerRange> range(int rangeId) throws SQLException {
    List<LedgerRange> found = select("range_id = ?", rangeId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** A successful copy: DONE, with its rows, worker and times. */
  public void done(RangeResult r) throws SQLException {
    String sql = "UPDATE " + ranges + " SET state = 'DONE', rows_copied = ?, worker = ?,"
        + " started_at = FROM_UNIXTIME(? / 1000), finished_at = FROM_UNIXTIME(? / 1000),"
        + " last_error = NULL WHERE migration_id = ? AND range_id = ?";
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, r.rows());
      ps.setString(2, r.worker());
      ps.setLong(3, r.startedAtMillis());
      ps.setLong(4, r.finishedAtMillis());
      ps.setString(5, migrationId);
      ps.setInt(6, r.task().rangeId());
      ps.executeUpdate();
    }
  }

  /** A failed attempt: its error is kept; {@code parked} makes the range FAILED. */
  public void failed(RangeResult r, boolean parked) throws SQLException {
    String sql = "UPDATE " + ranges + " SET state = ?, worker = ?, attempts = ?, last_error = ?"
        + " WHERE migration_id = ? AND range_id = ? AND state <> 'DONE'";
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, parked ? RangeState.FAILED.name() : RangeState.QUEUED.name());
      ps.setString(2, r.worker());
      ps.setInt(3, r.task().attempt());
      ps.setString(4, r.error());
      ps.setString(5, migrationId);
      ps.setInt(6, r.task().rangeId());
      ps.executeUpdate();
    }
  }

  /** Ranges, planned rows and copied rows per state. */
  public Map<RangeState, long[]> totals() throws SQLException {
    String sql = "SELECT state, COUNT(*), COALESCE(SUM(rows_planned), 0),"
        + " COALESCE(SUM(rows_copied), 0) FROM " + ranges + " WHERE migration_id = ? GROUP BY state";
    Map<RangeState, long[]> out = new EnumMap<>(RangeState.class);
    for (RangeState s : RangeState.values()) {
      out.put(s, new long[3]);
    }
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, migrationId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(RangeState.valueOf(rs.getString(1)),
              new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
        }
      }
    }
    return out;
  }

  /**
   * Rows of ranges finished in the last {@code seconds} seconds, and the seconds they took: from
   * the earliest start among them to now, so a migration younger than the window is not diluted.
   */
  public double[] recentThroughput(int seconds) throws SQLException {
    String sql = "SELECT COALESCE(SUM(rows_copied), 0),"
        + " TIMESTAMPDIFF(MICROSECOND, MIN(started_at), NOW(6)) / 1e6 FROM " + ranges
        + " WHERE migration_id = ? AND state = 'DONE' AND finished_at > NOW(6) - INTERVAL ? SECOND";
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, migrationId);
      ps.setInt(2, seconds);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new double[] {rs.getLong(1), Math.min(seconds, rs.getDouble(2))};
      }
    }
  }

  /** Parked ranges with their errors, oldest first. */
  public List<String> parkedDescriptions(int limit) throws SQLException {
    String sql = "SELECT range_id, lo, hi, attempts, last_error FROM " + ranges
        + " WHERE migration_id = ? AND state = 'FAILED' ORDER BY range_id LIMIT " + limit;
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, migrationId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add("range " + rs.getInt(1) + " (" + rs.getLong(2) + ", " + rs.getLong(3) + "] after "
              + rs.getInt(4) + " attempts: " + rs.getString(5));
        }
      }
    }
    return out;
  }

  /** Distinct workers that finished a range in the last {@code seconds} seconds. */
  public List<String> activeWorkers(int seconds) throws SQLException {
    String sql = "SELECT DISTINCT worker FROM " + ranges + " WHERE migration_id = ?"
        + " AND finished_at > NOW(6) - INTERVAL ? SECOND ORDER BY worker";
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, migrationId);
      ps.setInt(2, seconds);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private List<LedgerRange> select(String where, int arg) throws SQLException {
    String sql = "SELECT range_id, sweep, lo, hi, rows_planned, state, attempts FROM " + ranges
        + " WHERE migration_id = ? AND " + where;
    List<LedgerRange> out = new ArrayList<>();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, migrationId);
      ps.setInt(2, arg);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new LedgerRange(rs.getInt(1), rs.getInt(2), new IdRange(rs.getLong(3),
              rs.getLong(4)), rs.getLong(5), RangeState.valueOf(rs.getString(6)), rs.getInt(7)));
        }
      }
    }
    return out;
  }

  private void update(String sql, String a, String b) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, a);
      ps.setString(2, b);
      ps.executeUpdate();
    }
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }
}
