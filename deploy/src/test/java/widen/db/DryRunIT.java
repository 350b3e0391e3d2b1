package widen.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import widen.WidenException;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.e2e.Csmh;
import widen.schema.TablePair;
import widen.verify.TableChecksum;

/**
 * The statements of every range, run once on no rows before the first range: they pass and
 * write nothing on a pair that can be copied, and one the server refuses is named in one line.
 */
class DryRunIT {
  private Csmh tables;
  private WidenConfig config;

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("dryrun", 2_000, true);
    config = tables.config("dryrun");
  }

  @AfterEach
  void tearDown() throws Exception {
    tables.close();
  }

  @Test
  void everyStatementRunsOnNoRowsAndNothingIsWritten() throws Exception {
    try (Connection src = Databases.connect(config.source());
        Connection dst = Databases.connect(config.target())) {
      TablePair pair = TablePair.inspect(src, dst, config.source(), config.target());
      for (TableChecksum.Hash hash : TableChecksum.Hash.values()) {
        DryRun.copyAndVerify(src, dst, pair, hash);
      }
      DryRun.pushdown(dst, pair);
      assertTrue(dst.getAutoCommit(), "the session is left as it was found");
    }
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.TARGET_TABLE));
  }

  /**
   * A pair inspected before its source lost a column: every statement the inspection built now
   * names a column the server does not have, as a read the server cannot run would on a real
   * range. The dry run refuses at its first statement, the copy's read, in one line.
   */
  @Test
  void aStatementTheServerCannotRunIsRefusedInOneLineNamingIt() throws Exception {
    try (Connection src = Databases.connect(config.source());
        Connection dst = Databases.connect(config.target())) {
      TablePair pair = TablePair.inspect(src, dst, config.source(), config.target());
      tables.source.execute("ALTER TABLE " + CsmhFixture.SOURCE_TABLE + " DROP COLUMN grade");
      WidenException e = assertThrows(WidenException.class,
          () -> DryRun.copyAndVerify(src, dst, pair, TableChecksum.Hash.MD5));
      assertTrue(e.getMessage().startsWith("the source server cannot run the copy's read,"),
          e.getMessage());
      assertTrue(e.getMessage().contains("Unknown column") && e.getMessage().contains("grade"),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());

      tables.target.execute("ALTER TABLE " + CsmhFixture.TARGET_TABLE + " DROP COLUMN grade");
      WidenException pushed = assertThrows(WidenException.class,
          () -> DryRun.pushdown(dst, pair));
      assertTrue(pushed.getMessage().startsWith("the target server cannot run the pushed-down"
          + " copy"), pushed.getMessage());
      assertTrue(dst.getAutoCommit(), "autocommit restored after a refusal too");
    }
  }
}
