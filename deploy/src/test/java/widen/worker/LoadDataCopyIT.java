package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import widen.WidenException;
import widen.demo.CsmhFixture;
import widen.range.IdRange;
import widen.schema.TablePair;
import widen.testing.TestUser;

/**
 * Every copy test of {@link CopyIdempotencyIT} again with each range loaded by LOAD DATA LOCAL
 * INFILE (its type tests check the escaping of the text stream for every column type), plus
 * what only this method can get wrong: a value the target would alter, and when REPLACE is not
 * safe.
 */
class LoadDataCopyIT extends CopyIdempotencyIT {
  @Override
  CopyMethod method() {
    return CopyMethod.LOAD;
  }

  @Test
  void aValueTheTargetWouldAlterFailsTheRangeAndCommitsNothing() throws Exception {
    // The trigger stands for any change on the way in that LOCAL would demote to a warning.
    tables.target.execute("CREATE TRIGGER shorten BEFORE INSERT ON " + CsmhFixture.TARGET_TABLE
        + " FOR EACH ROW SET NEW.version = REPEAT('v', 300)");
    SQLException e = assertThrows(SQLException.class, () -> copier.copy(new IdRange(0, 100)));
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.TARGET_TABLE),
        e.getMessage());
  }

  @Test
  void underAutoIncLockModeOneAutoWritesUpsertsAndAlwaysStillLoads() throws Exception {
    try (Connection t = target.getConnection()) {
      boolean modeOne = tables.target.queryLong("SELECT @@innodb_autoinc_lock_mode") == 1;
      // The target has an AUTO_INCREMENT id; AutoIncLockIT runs servers in both modes.
      assertEquals(modeOne ? CopyMethod.UPSERT : CopyMethod.LOAD,
          CopyMethod.throughWorker("auto", t, pair));
      assertEquals(CopyMethod.LOAD, CopyMethod.throughWorker("always", t, pair));
    }
  }

  @Test
  void replaceIsChosenOnlyWhereItEqualsTheUpsert() throws Exception {
    // Without AUTO_INCREMENT, so the lock mode leaves auto's choice to the rules under test.
    tables.target.execute("ALTER TABLE " + CsmhFixture.TARGET_TABLE
        + " MODIFY id BIGINT UNSIGNED NOT NULL");
    pair = inspectPair();
    try (Connection t = target.getConnection()) {
      assertEquals(CopyMethod.LOAD, CopyMethod.throughWorker("auto", t, pair));
      assertEquals(CopyMethod.UPSERT, CopyMethod.throughWorker("never", t, pair));
      tables.target.execute("CREATE TABLE audit (id BIGINT UNSIGNED)");
      tables.target.execute("CREATE TRIGGER on_delete AFTER DELETE ON "
          + CsmhFixture.TARGET_TABLE + " FOR EACH ROW INSERT INTO audit VALUES (OLD.id)");
      assertEquals(CopyMethod.UPSERT, CopyMethod.throughWorker("auto", t, pair));
      WidenException refused = assertThrows(WidenException.class,
          () -> CopyMethod.throughWorker("always", t, pair));
      assertTrue(refused.getMessage().contains("DELETE trigger"), refused.getMessage());
      tables.target.execute("DROP TRIGGER on_delete");
      tables.target.execute("CREATE TABLE child (id INT PRIMARY KEY, parent BIGINT UNSIGNED,"
          + " FOREIGN KEY (parent) REFERENCES " + CsmhFixture.TARGET_TABLE
          + " (id) ON DELETE CASCADE) ENGINE=InnoDB");
      assertEquals(CopyMethod.UPSERT, CopyMethod.throughWorker("auto", t, pair));
    }
  }

  @Test
  void aTargetColumnTheCopyDoesNotWriteGetsUpserts() throws Exception {
    tables.target.execute("ALTER TABLE " + CsmhFixture.TARGET_TABLE
        + " MODIFY id BIGINT UNSIGNED NOT NULL");
    // An application column of the new table only: REPLACE would reset it on every re-copy.
    tables.target.execute("ALTER TABLE " + CsmhFixture.TARGET_TABLE
        + " ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'none'");
    try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
      TablePair widened = TablePair.inspect(s, t, config.source(), config.target());
      assertEquals(CopyMethod.UPSERT, CopyMethod.throughWorker("auto", t, widened));
      WidenException refused = assertThrows(WidenException.class,
          () -> CopyMethod.throughWorker("always", t, widened));
      assertTrue(refused.getMessage().contains("(note)"), refused.getMessage());
    }
  }

  @Test
  void aTargetUserWithoutDeleteGetsUpsertsOrARefusalNamingIt() throws Exception {
    tables.target.execute("ALTER TABLE " + CsmhFixture.TARGET_TABLE
        + " MODIFY id BIGINT UNSIGNED NOT NULL");
    pair = inspectPair();
    try (TestUser user = TestUser.create("load", "load", "SELECT, INSERT, UPDATE ON `"
        + tables.target.name() + "`.*");
        Connection t = java.sql.DriverManager.getConnection(tables.target.url(), user.name(),
            user.password())) {
      assertEquals(CopyMethod.UPSERT, CopyMethod.throughWorker("auto", t, pair));
      WidenException refused = assertThrows(WidenException.class,
          () -> CopyMethod.throughWorker("always", t, pair));
      assertTrue(refused.getMessage().contains("lacks DELETE"), refused.getMessage());
    }
  }
}
