package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
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
import widen.verify.RangeVerdict;
import widen.verify.TableChecksum;
import widen.verify.RangeVerdict.Verdict;

/**
 * Verification finds every kind of difference between a range's two sides and repairs what a
 * re-copy can repair; a target row the source does not have is only deleted when allowed.
 */
class RangeVerifierIT {
  private static final IdRange ALL = new IdRange(-1, Integer.MAX_VALUE);
  private static final String TARGET = CsmhFixture.TARGET_TABLE;

  private Csmh tables;
  private HikariDataSource source;
  private HikariDataSource target;
  private TablePair pair;
  private RangeCopier copier;
  private WidenConfig config;

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("verify", 5_000, true);
    config = WidenConfig.of(TestServices.config("verify", tables.source,
        CsmhFixture.SOURCE_TABLE, tables.target, TARGET, tables.control));
    source = Databases.pool(config.source(), 2, "test-source");
    target = Databases.pool(config.target(), 2, "test-target");
    try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
      pair = TablePair.inspect(s, t, config.source(), config.target());
    }
    copier = new RangeCopier(source, target, pair, 500);
    copier.copy(ALL);
  }

  @AfterEach
  void tearDown() throws Exception {
    source.close();
    target.close();
    tables.close();
  }

  private RangeVerdict verify(boolean deleteExtra) throws Exception {
    return new RangeVerifier(source, target, pair, copier, deleteExtra,
        TableChecksum.Hash.CRC32_PAIR).verify(ALL);
  }

  @Test
  void anExactCopyMatches() throws Exception {
    RangeVerdict v = verify(false);
    assertEquals(Verdict.MATCH, v.verdict());
    assertEquals(v.source(), v.target());
    assertEquals(5_006, v.source().rows());
  }

  @Test
  void changedAndMissingRowsAreRepairedByACopy() throws Exception {
    tables.target.execute("UPDATE " + TARGET + " SET grade = grade + 1e-9 WHERE id = 20");
    tables.target.execute("UPDATE " + TARGET + " SET version = '' WHERE version IS NULL LIMIT 1");
    tables.target.execute("UPDATE " + TARGET + " SET created = created + INTERVAL 1 MICROSECOND"
        + " WHERE id = 30");
    tables.target.execute("DELETE FROM " + TARGET + " WHERE id = 2147483643");
    RangeVerdict v = verify(false);
    assertEquals(Verdict.REPAIRED, v.verdict(), v.note());
    assertTrue(v.note().startsWith("re-copied; before repair: source 5006 rows"), v.note());
    assertEquals(tables.sourceSum(), tables.targetSum());
  }

  /**
   * A column generated on both sides is not copied (the target computes it), but it is compared:
   * a target that computes it differently differs, which no re-copy can repair, and says why.
   */
  @Test
  void aColumnTheTargetGeneratesDifferentlyIsAMismatch() throws Exception {
    tables.source.execute("ALTER TABLE " + CsmhFixture.SOURCE_TABLE + " ADD COLUMN g BIGINT AS"
        + " (student_module_id * 2) VIRTUAL");
    tables.target.execute("ALTER TABLE " + TARGET + " ADD COLUMN g BIGINT AS"
        + " (student_module_id * 2) VIRTUAL");
    pair = inspect();
    assertEquals(Verdict.MATCH, verify(false).verdict(), "computed alike: equal");
    tables.target.execute("ALTER TABLE " + TARGET + " MODIFY COLUMN g BIGINT AS"
        + " (student_module_id * 3) VIRTUAL");
    pair = inspect();
    RangeVerdict v = verify(false);
    assertEquals(Verdict.MISMATCH, v.verdict(), v.note());
    assertTrue(v.note().contains("does the target compute its generated g differently?"),
        v.note());
  }

  private TablePair inspect() throws Exception {
    try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
      return TablePair.inspect(s, t, config.source(), config.target());
    }
  }

  /** A repair is a copy too: not committed once the range has been handed to another worker. */
  @Test
  void aRepairNoLongerHeldCommitsNothing() throws Exception {
    tables.target.execute("DELETE FROM " + TARGET + " WHERE id = 2147483643");
    RangeVerifier verifier = new RangeVerifier(source, target, pair, copier, false,
        TableChecksum.Hash.CRC32_PAIR);
    assertThrows(RangeCopier.LeaseLost.class, () -> verifier.verify(ALL, () -> false));
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM " + TARGET
        + " WHERE id = 2147483643"), "the row is still missing: nothing was committed");
  }

  @Test
  void anExtraTargetRowIsReportedAndDeletedOnlyWhenAllowed() throws Exception {
    tables.target.execute("INSERT INTO " + TARGET + " (id, created, student_module_id)"
        + " VALUES (1100, NOW(), 1)");
    assertEquals(0, tables.source.queryLong("SELECT COUNT(*) FROM "
        + CsmhFixture.SOURCE_TABLE + " WHERE id = 1100"), "id 1100 is in a gap of the fixture");
    RangeVerdict kept = verify(false);
    assertEquals(Verdict.MISMATCH, kept.verdict());
    assertTrue(kept.note().contains("1 target rows the source does not have (ids 1100)"),
        kept.note());
    assertEquals(1, tables.target.queryLong("SELECT COUNT(*) FROM " + TARGET + " WHERE id = 1100"));

    RangeVerdict deleted = verify(true);
    assertEquals(Verdict.REPAIRED, deleted.verdict(), deleted.note());
    assertEquals(tables.sourceSum(), tables.targetSum());
  }
}
