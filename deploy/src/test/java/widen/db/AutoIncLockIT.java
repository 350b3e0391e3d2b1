package widen.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import widen.schema.TableShape;
import widen.testing.OwnMariaDb;

/**
 * The AUTO-INC lock warning and the choice of upserts over LOAD DATA it leads to, on servers of
 * the test's own in either lock mode.
 */
class AutoIncLockIT {
  @Test
  void modeOneWarnsAboutATargetWithAnAutoIncrementColumnOnly() throws Exception {
    try (OwnMariaDb db = OwnMariaDb.start("autoinc-1", "127.0.0.1",
        List.of("--innodb-autoinc-lock-mode=1")); Connection c = tables(db)) {
      String warning = AutoIncLock.warning(c, TableShape.introspect(c, "target", "w", "counted"))
          .orElseThrow();
      assertTrue(warning.contains("w.counted") && warning.contains("innodb_autoinc_lock_mode=1")
          && warning.contains("set innodb_autoinc_lock_mode=2"), warning);
      assertTrue(AutoIncLock.warning(c, TableShape.introspect(c, "target", "w", "plain"))
          .isEmpty());
      assertTrue(AutoIncLock.favoursUpserts(c, TableShape.introspect(c, "target", "w", "counted")));
      assertFalse(AutoIncLock.favoursUpserts(c, TableShape.introspect(c, "target", "w", "plain")));
      assertTrue(AutoIncLock.serializesBulkInserts(c,
          TableShape.introspect(c, "target", "w", "counted")));
      assertFalse(AutoIncLock.serializesBulkInserts(c,
          TableShape.introspect(c, "target", "w", "plain")));
    }
  }

  @Test
  void modeTwoNeedsNoWarning() throws Exception {
    try (OwnMariaDb db = OwnMariaDb.start("autoinc-2", "127.0.0.1",
        List.of("--innodb-autoinc-lock-mode=2")); Connection c = tables(db)) {
      assertTrue(AutoIncLock.warning(c, TableShape.introspect(c, "target", "w", "counted"))
          .isEmpty());
      assertFalse(AutoIncLock.favoursUpserts(c,
          TableShape.introspect(c, "target", "w", "counted")));
      assertFalse(AutoIncLock.serializesBulkInserts(c,
          TableShape.introspect(c, "target", "w", "counted")));
    }
  }

  /** A connection to {@code db} with w.counted (AUTO_INCREMENT id) and w.plain (none). */
  private static Connection tables(OwnMariaDb db) throws Exception {
    Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", "");
    try (Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE w");
      st.execute("CREATE TABLE w.counted (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
          + " v INT)");
      st.execute("CREATE TABLE w.plain (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v INT)");
    }
    return c;
  }
}
