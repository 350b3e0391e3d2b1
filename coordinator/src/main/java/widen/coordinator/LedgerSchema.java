package widen.coordinator;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import widen.WidenException;
import widen.db.Jdbc;
import widen.db.Privileges;
import widen.sql.Sql;

/**
 * The ledger's tables in the control schema: their definitions, and the checks that the user may
 * write them and that they are of this widen's making. {@link Ledger} holds the rows.
 */
final class LedgerSchema {
  static final String MIGRATION = "migration";
  static final String SWEEP = "sweep";
  static final String RANGE_TASK = "range_task";
  static final String CONTROL = "control";

  private LedgerSchema() {}

  /**
   * Refuses, changing nothing, a user that could not create or write the ledger in
   * {@code schema}: checked at start, before the first write, for every ledger table.
   */
  static void requireAccess(Connection c, String schema) throws SQLException {
    Privileges.requireLedger(c, "target", schema, MIGRATION, "id");
    Privileges.requireLedger(c, "target", schema, SWEEP, "migration_id");
    Privileges.requireLedger(c, "target", schema, RANGE_TASK, "migration_id");
    Privileges.requireLedger(c, "target", schema, CONTROL, "migration_id");
  }

  /** Creates the control schema and its tables if missing; harmless when they exist. */
  static void ensure(DataSource db, String schema) throws SQLException {
    String migrations = Sql.quote(schema, MIGRATION);
    String controls = Sql.quote(schema, CONTROL);
    String sweeps = Sql.quote(schema, SWEEP);
    String ranges = Sql.quote(schema, RANGE_TASK);
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS " + Sql.quote(schema));
      s.execute("CREATE TABLE IF NOT EXISTS " + migrations + " ("
          + " id VARCHAR(64) NOT NULL PRIMARY KEY,"
          + " phase VARCHAR(32) NOT NULL,"
          + " source_table VARCHAR(255) NOT NULL,"
          + " target_table VARCHAR(255) NOT NULL,"
          + " primary_key VARCHAR(64) NOT NULL,"
          + " high_water_mark BIGINT NULL COMMENT 'max source id when planning began',"
          + " planned_through BIGINT NULL COMMENT 'backfill ranges cover ids up to here',"
          + " planning_done BOOLEAN NOT NULL DEFAULT FALSE,"
          + " owner VARCHAR(255) NULL COMMENT 'coordinator host:pid holding the migration',"
          + " verified_through BIGINT NULL COMMENT 'every id up to here verified equal',"
          + " verify_planned_through BIGINT NULL COMMENT 'verify ranges planned up to here',"
          + " flip_confirmed_at DATETIME(6) NULL COMMENT 'widen flip --confirm',"
          + " advice TEXT NULL COMMENT 'flip advice with its evidence (JSON)',"
          + " advised_at DATETIME(6) NULL,"
          + " report TEXT NULL COMMENT 'final report (JSON)',"
          + " completed_at DATETIME(6) NULL,"
          + " created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
          + " updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
          + "   ON UPDATE CURRENT_TIMESTAMP(6)"
          + ") ENGINE=InnoDB");
      s.execute("CREATE TABLE IF NOT EXISTS " + controls + " ("
          + " migration_id VARCHAR(64) NOT NULL PRIMARY KEY,"
          + " paused BOOLEAN NOT NULL DEFAULT FALSE COMMENT 'widen pause / resume',"
          + " rows_per_second BIGINT NULL COMMENT 'widen throttle; NULL: throttle.rows_per_second',"
          + " state VARCHAR(1024) NULL COMMENT 'what the coordinator last told the workers',"
          + " updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
          + "   ON UPDATE CURRENT_TIMESTAMP(6)"
          + ") ENGINE=InnoDB");
      s.execute("CREATE TABLE IF NOT EXISTS " + sweeps + " ("
          + " migration_id VARCHAR(64) NOT NULL,"
          + " sweep INT NOT NULL COMMENT '0 = backfill',"
          + " from_mark BIGINT NOT NULL COMMENT 'previous high-water mark (exclusive)',"
          + " mark BIGINT NOT NULL COMMENT 'high-water mark (inclusive)',"
          + " copy_from BIGINT NOT NULL COMMENT 'from_mark less the trailing window',"
          + " rows_new BIGINT NOT NULL COMMENT 'source rows in (from_mark, mark] when planned',"
          + " final BOOLEAN NOT NULL DEFAULT FALSE COMMENT 'the sweep after the flip',"
          + " planned_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
          + " PRIMARY KEY (migration_id, sweep)"
          + ") ENGINE=InnoDB");
      s.execute("CREATE TABLE IF NOT EXISTS " + ranges + " ("
          + " migration_id VARCHAR(64) NOT NULL,"
          + " range_id INT NOT NULL,"
          + " kind VARCHAR(8) NOT NULL COMMENT 'COPY or VERIFY',"
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
          + " verdict VARCHAR(16) NULL COMMENT 'MATCH or REPAIRED for a verified range',"
          + " src_rows BIGINT NULL, src_sum_high DECIMAL(40,0) NULL, src_sum_low DECIMAL(40,0) NULL,"
          + " dst_rows BIGINT NULL, dst_sum_high DECIMAL(40,0) NULL, dst_sum_low DECIMAL(40,0) NULL,"
          + " note TEXT NULL COMMENT 'what verification found and repaired',"
          + " PRIMARY KEY (migration_id, range_id),"
          + " KEY by_state (migration_id, kind, state, range_id),"
          + " KEY by_finish (migration_id, finished_at)"
          + ") ENGINE=InnoDB");
    }
    if (!hasColumn(new Jdbc(db), schema, MIGRATION, "verify_planned_through")) {
      throw new WidenException("the ledger in schema " + schema + " was made by an older widen:"
          + " drop it (DROP DATABASE " + schema + ") or set control.schema to another name");
    }
  }

  private static boolean hasColumn(Jdbc jdbc, String schema, String table, String column)
      throws SQLException {
    return jdbc.queryLong("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?"
        + " AND TABLE_NAME = ? AND COLUMN_NAME = ?", schema, table, column) > 0;
  }
}
