package widen.coordinator;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonObject;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.db.Jdbc;
import widen.range.IdRange;
import widen.schema.TableShape;
import widen.sql.Sql;

/**
 * {@code widen cleanup}: empties the old table once its rows are safe in the new one, either by
 * deleting them in small batches with pauses (gentle on replicas and the buffer pool), or by
 * TRUNCATE. Refused unless the migration is COMPLETE with matching checksums.
 *
 * <p>COMPLETE says the rows were equal when the final sweep verified them; a transaction that
 * committed a row below the final mark after that (one the final sweep could not wait for) would
 * be in the old table only. So the slow delete takes each batch under a lock (no row can join
 * it) and deletes it only if the new table holds every one of its ids, and TRUNCATE first checks
 * every id up to the final mark the same way. Values are not
 * compared: after the flip the application may have changed rows in the new table, which is
 * now the truth. The slow delete goes lowest id first, so it needs no checkpoint: a run that is
 * killed resumes where the table now starts. A row that reached the old table after COMPLETE
 * (above the final mark) is never deleted, and TRUNCATE is refused while one exists.
 */
public final class OldTableCleanup {
  public enum Mode { SLOW_DELETE, TRUNCATE }

  private OldTableCleanup() {}

  public static void run(WidenConfig config, Mode mode, PrintStream out)
      throws SQLException, InterruptedException {
    long finalMark = completedMark(config);
    try (Connection src = Databases.connect(config.source());
        Connection dst = Databases.connect(config.target())) {
      TableShape s = TableShape.introspect(src, "source", config.source().database(),
          config.source().table());
      TableShape t = TableShape.introspect(dst, "target", config.target().database(),
          config.target().table());
      HighWaterMark marks = new HighWaterMark(s.database(), s.table(), s.primaryKey(), 1);
      long late = marks.rowsAbove(src, finalMark);
      int batch = config.getInt(Setting.CLEANUP_BATCH_ROWS);
      if (mode == Mode.TRUNCATE) {
        truncate(src, s, dst, t, finalMark, late, batch, out);
        return;
      }
      long total = batches(src, s, dst, t, finalMark, batch,
          config.getInt(Setting.CLEANUP_PAUSE_MS), true, out);
      out.printf("slow delete finished: %,d rows deleted from %s%n", total, s.qualifiedName());
      if (late > 0) {
        out.println("kept " + late + " rows written after COMPLETE (ids above " + finalMark + ")");
      }
    }
  }

  private static void truncate(Connection src, TableShape s, Connection dst, TableShape t,
      long finalMark, long late, int batch, PrintStream out) throws SQLException,
      InterruptedException {
    if (late > 0) {
      throw new WidenException(late + " rows reached the old table after COMPLETE (ids above "
          + finalMark + ") and are not in the new table: copy them first, or use"
          + " --slow-delete, which keeps them");
    }
    long checked = batches(src, s, dst, t, finalMark, batch, 0, false, out);
    try (Statement st = src.createStatement()) {
      st.execute("TRUNCATE TABLE " + Sql.quote(s.database(), s.table()));
    }
    out.printf("truncated %s: each of its %,d rows was in the new table%n", s.qualifiedName(),
        checked);
  }

  /**
   * Goes through the old table's rows up to {@code finalMark}, {@code batch} at a time, lowest
   * first, and refuses at the first batch with an id the new table lacks. With {@code delete},
   * each batch is read under a lock (no row can join it until the commit) and deleted in the
   * same transaction once the new table is seen to hold all its ids. Returns the rows gone
   * through.
   */
  private static long batches(Connection src, TableShape s, Connection dst, TableShape t,
      long finalMark, int batch, int pauseMs, boolean delete, PrintStream out)
      throws SQLException, InterruptedException {
    String pk = Sql.quote(s.primaryKey());
    String from = " FROM " + Sql.quote(s.database(), s.table()) + " WHERE " + pk + " > ? AND "
        + pk + " <= ?";
    String take = "SELECT " + pk + from + " ORDER BY " + pk + " LIMIT " + batch
        + (delete ? " FOR UPDATE" : "");
    String tpk = Sql.quote(t.primaryKey());
    String present = "SELECT " + tpk + " FROM " + Sql.quote(t.database(), t.table()) + " WHERE "
        + tpk + " > ? AND " + tpk + " <= ?";
    long total = 0;
    long after = Long.MIN_VALUE;
    // REPEATABLE READ whatever the server's default: its locking read also locks the gaps
    // between the batch's rows, so no row can be inserted into the range the DELETE then covers
    // (READ COMMITTED locks the rows alone).
    src.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    src.setAutoCommit(!delete);
    try {
      for (List<Long> ids; !(ids = Jdbc.longs(src, take, after, finalMark)).isEmpty(); ) {
        long last = ids.get(ids.size() - 1);
        Set<Long> missing = new TreeSet<>(ids);
        missing.removeAll(Jdbc.longs(dst, present, after, last));
        if (!missing.isEmpty()) {
          throw new WidenException(missing.size() + " rows of the old table with ids in (" + after
              + ", " + last + "] are not in the new table (ids " + IdRange.sample(missing)
              + "), so the old table was left as it"
              + " is from there (" + (delete ? total + " rows deleted before them" : "nothing"
              + " deleted") + "): copy them into the new table first");
        }
        total += ids.size();
        if (delete) {
          int deleted = Jdbc.update(src, "DELETE" + from, after, last);
          src.commit();
          out.printf("deleted %,d rows (%,d in all)%n", deleted, total);
          out.flush();
          TimeUnit.MILLISECONDS.sleep(pauseMs);
        }
        after = last;
      }
      if (delete) {
        src.commit(); // the last, empty read's locks
      }
    } catch (SQLException | RuntimeException e) {
      if (delete) {
        // Never let the return to autocommit commit half a batch's work.
        Jdbc.rollBack(src, e);
      }
      throw e;
    } finally {
      Jdbc.restoreAutoCommit(src);
    }
    return total;
  }

  /** The final sweep's mark; refuses unless the migration is COMPLETE and its checksums match. */
  private static long completedMark(WidenConfig config) throws SQLException {
    try (HikariDataSource db = Databases.pool(config.target(), 1, "widen-cleanup")) {
      Ledger ledger = new Ledger(db, config.get(Setting.CONTROL_SCHEMA), config.migrationId());
      Migration m = ledger.migration().orElseThrow(() -> new WidenException("migration "
          + config.migrationId() + " has no ledger row: nothing was migrated, so nothing is"
          + " cleaned up"));
      JsonObject report = m.report() == null ? null : new JsonObject(m.report());
      if (m.phase() != Phase.COMPLETE || report == null || !report.getBoolean("match", false)) {
        throw new WidenException("migration " + m.id() + " is " + m.phase() + ", not COMPLETE and"
            + " verified: the old table still holds rows the new one may lack; finish the"
            + " migration first (widen status)");
      }
      return ledger.lastSweep().orElseThrow().mark();
    }
  }
}
