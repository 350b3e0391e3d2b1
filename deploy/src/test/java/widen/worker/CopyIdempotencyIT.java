package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.demo.CsmhFixture;
import widen.e2e.Csmh;
import widen.range.IdRange;
import widen.schema.TablePair;
import widen.testing.TestServices;

/**
 * Copying a range any number of times, or again after the target was changed, leaves the target
 * equal to the source: the property that makes redelivery, crashes and retries harmless.
 */
class CopyIdempotencyIT {
  private static final IdRange ALL = new IdRange(-1, Integer.MAX_VALUE);

  Csmh tables;
  HikariDataSource source;
  HikariDataSource target;
  TablePair pair;
  WidenConfig config;
  private RangeCopier copier;

  /**
   * Rows through the worker as upserts here; {@link LoadDataCopyIT} runs every test loaded by
   * LOAD DATA, {@link PushdownCopyIT} pushed down.
   */
  CopyMethod method() {
    return CopyMethod.UPSERT;
  }

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("idem", 5_000, true);
    config = WidenConfig.of(TestServices.config("idem", tables.source,
        CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE, tables.control));
    source = Databases.pool(config.source(), 2, "test-source");
    target = Databases.pool(config.target(), 2, "test-target");
    try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
      pair = TablePair.inspect(s, t, config.source(), config.target());
    }
    copier = new RangeCopier(source, target, pair.copySql(), pair.binaryColumns(), 500,
        method(), pair.loadSql());
  }

  @AfterEach
  void tearDown() throws Exception {
    source.close();
    target.close();
    tables.close();
  }

  @Test
  void edgeValuesArriveUnchanged() throws Exception {
    long rows = copier.copy(ALL);
    assertEquals(5_006, rows);
    assertEquals(tables.sourceSum(), tables.targetSum());
    assertEquals(1, tables.target.queryLong("SELECT COUNT(*) FROM "
        + CsmhFixture.TARGET_TABLE + " WHERE id = 0"), "id 0 kept, not renumbered");
    assertEquals(3 << 20, tables.target.queryLong("SELECT LENGTH(state) FROM "
        + CsmhFixture.TARGET_TABLE + " WHERE id = 2147483643"), "multi-megabyte state whole");
    assertEquals(1, tables.target.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.TARGET_TABLE
        + " WHERE id = 2147483641 AND version IS NULL AND state IS NULL"), "NULLs stay NULL");
    assertEquals(1, tables.target.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.TARGET_TABLE
        + " WHERE id = 2147483640 AND version = '' AND state = ''"), "empty strings stay empty");
    assertEquals(1, tables.target.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.TARGET_TABLE
        + " WHERE id = 0 AND state LIKE '%\uD83D\uDE00%'"), "4-byte characters kept");
  }

  @Test
  void aRangeCopiedTwiceEndsEqualWithoutDuplicates() throws Exception {
    IdRange middle = new IdRange(1_000, 3_000);
    long first = copier.copy(middle);
    long second = copier.copy(middle);
    assertEquals(first, second);
    assertEquals(first, tables.target.queryLong("SELECT COUNT(*) FROM "
        + CsmhFixture.TARGET_TABLE));
    copier.copy(ALL);
    copier.copy(ALL);
    assertEquals(tables.sourceSum(), tables.targetSum());
  }

  @Test
  void aRangeCopiedAgainRepairsAnAlteredTarget() throws Exception {
    copier.copy(ALL);
    tables.target.execute("UPDATE " + CsmhFixture.TARGET_TABLE
        + " SET state = 'stale', grade = NULL WHERE id BETWEEN 100 AND 200");
    tables.target.execute("UPDATE " + CsmhFixture.TARGET_TABLE
        + " SET created = created + INTERVAL 1 SECOND, version = 'x' WHERE id = 0");
    tables.target.execute("DELETE FROM " + CsmhFixture.TARGET_TABLE
        + " WHERE id IN (7, 2147483647) OR id BETWEEN 4000 AND 4100");
    assertNotEquals(tables.sourceSum(), tables.targetSum(), "the test altered the target");
    copier.copy(ALL);
    assertEquals(tables.sourceSum(), tables.targetSum());
  }

  @Test
  void sessionSettingsAreFixedOnEveryConnection() throws Exception {
    try (Connection c = target.getConnection(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT @@session.time_zone, @@session.sql_mode,"
            + " @@character_set_client")) {
      rs.next();
      assertEquals("+00:00", rs.getString(1));
      assertEquals(true, rs.getString(2).contains("NO_AUTO_VALUE_ON_ZERO"));
      assertEquals(true, rs.getString(2).contains("STRICT_ALL_TABLES"));
      assertEquals("utf8mb4", rs.getString(3));
    }
  }
}
