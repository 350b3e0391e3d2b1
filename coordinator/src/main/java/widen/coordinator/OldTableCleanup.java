package widen.coordinator;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.schema.TableShape;
import widen.sql.Sql;

/**
 * {@code widen cleanup}: empties the old table once its rows are safe in the new one, either by
 * deleting them in small batches with pauses (gentle on replicas and the buffer pool), or by
 * TRUNCATE. Refused unless the migration is COMPLETE with matching checksums.
 *
 * <p>The slow delete only removes ids up to the final sweep's mark, lowest first, so it needs no
 * checkpoint: a run that is killed resumes where the table now starts. A row that reached the old
 * table after COMPLETE is never deleted (and TRUNCATE is refused while one exists).
 */
public final class OldTableCleanup {
  public enum Mode { SLOW_DELETE, TRUNCATE }

  private OldTableCleanup() {}

  public static void run(WidenConfig config, Mode mode, PrintStream out)
      throws SQLException, InterruptedException {
    long finalMark = completedMark(config);
    try (Connection src = Databases.connect(config.source())) {
      TableShape s = TableShape.introspect(src, "source", config.source().database(),
          config.source().table());
      HighWaterMark marks = new HighWaterMark(s.database(), s.table(), s.primaryKey(), 1);
      long late = marks.rowsAbove(src, finalMark);
      if (mode == Mode.TRUNCATE) {
        if (late > 0) {
          throw new WidenException(late + " rows reached the old table after COMPLETE (ids above "
              + finalMark + ") and are not in the new table: copy them first, or use"
              + " --slow-delete, which keeps them");
        }
        try (Statement st = src.createStatement()) {
          st.execute("TRUNCATE TABLE " + Sql.quote(s.database(), s.table()));
        }
        out.println("truncated " + s.qualifiedName());
        return;
      }
      slowDelete(src, s, finalMark, config.getInt(Setting.CLEANUP_BATCH_ROWS),
          config.getInt(Setting.CLEANUP_PAUSE_MS), out);
      if (late > 0) {
        out.println("kept " + late + " rows written after COMPLETE (ids above " + finalMark + ")");
      }
    }
  }

  private static void slowDelete(Connection src, TableShape s, long finalMark, int batch,
      int pauseMs, PrintStream out) throws SQLException, InterruptedException {
    String pk = Sql.quote(s.primaryKey());
    String sql = "DELETE FROM " + Sql.quote(s.database(), s.table()) + " WHERE " + pk + " <= ?"
        + " ORDER BY " + pk + " LIMIT " + batch;
    long total = 0;
    try (PreparedStatement ps = src.prepareStatement(sql)) {
      ps.setLong(1, finalMark);
      for (int deleted; (deleted = ps.executeUpdate()) > 0; ) {
        total += deleted;
        out.printf("deleted %,d rows (%,d in all)%n", deleted, total);
        out.flush();
        TimeUnit.MILLISECONDS.sleep(pauseMs);
      }
    }
    out.printf("slow delete finished: %,d rows deleted from %s%n", total, s.qualifiedName());
  }

  /** The final sweep's mark; refuses unless the migration is COMPLETE and its checksums match. */
  private static long completedMark(WidenConfig config) throws SQLException {
    try (HikariDataSource db = Databases.pool(config.target(), 1, "widen-cleanup")) {
      Ledger ledger = new Ledger(db, config.get(Setting.CONTROL_SCHEMA), config.migrationId());
      Migration m = ledger.migration().orElseThrow(() -> new WidenException("migration "
          + config.migrationId() + " has no ledger row: nothing was migrated, so nothing is"
          + " cleaned up"));
      if (m.phase() != Phase.COMPLETE || m.report() == null
          || !new io.vertx.core.json.JsonObject(m.report()).getBoolean("match", false)) {
        throw new WidenException("migration " + m.id() + " is " + m.phase() + ", not COMPLETE and"
            + " verified: the old table still holds rows the new one may lack; finish the"
            + " migration first (widen status)");
      }
      return ledger.lastSweep().orElseThrow().mark();
    }
  }
}
