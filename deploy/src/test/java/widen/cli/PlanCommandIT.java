package widen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.WidenException;
import widen.config.WidenConfig;
import widen.coordinator.Preflight;
import widen.demo.CsmhFixture;
import widen.e2e.Csmh;
import widen.testing.Queues;
import widen.testing.TestServices;

/** The dry run shows the mapping and the plan and writes nothing; --create-target makes a table. */
class PlanCommandIT {
  @TempDir
  Path dir;
  private Csmh tables;
  private Map<String, String> config;

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("plan", 25_000, true);
    config = new LinkedHashMap<>(TestServices.config("plan-" + tables.control.name(),
        tables.source, CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE,
        tables.control));
  }

  @AfterEach
  void tearDown() throws Exception {
    tables.close();
  }

  @Test
  void theDryRunShowsMappingAndExactRangesAndWritesNothing() throws Exception {
    config.put("plan.range_rows", "10000");
    String out = run("plan", "--exact");
    assertTrue(out.matches("(?s).*created +datetime NOT NULL +-> datetime\\(6\\) NOT NULL.*"), out);
    assertTrue(out.contains("ranges: 3 exactly, 25,006 rows"), out);
    assertTrue(out.contains("no negative values in [id]"), out);
    assertTrue(out.contains("the target user write the new table and the ledger"), out);
    assertTrue(out.contains("nothing was written"), out);
    assertFalse(tables.control.hasTable("migration"), "no ledger");
    assertFalse(Queues.exist(WidenConfig.of(config)), "no queues");
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.TARGET_TABLE));
  }

  @Test
  void aSourceKeyThatDoesNotAutoIncrementIsWarnedAbout() throws Exception {
    String warning = "source primary key id does not auto-increment";
    assertFalse(run("plan").contains(warning));
    tables.source.execute("ALTER TABLE " + CsmhFixture.SOURCE_TABLE
        + " MODIFY id INT NOT NULL");
    assertTrue(run("plan").contains("warning: " + warning), "the sweeps would miss rows written"
        + " below the high-water mark");
  }

  @Test
  void aTimestampWidenedIntoADatetimeIsWarnedAbout() throws Exception {
    String warning = "column seen is a TIMESTAMP in the source and a DATETIME in the target";
    tables.source.execute("ALTER TABLE " + CsmhFixture.SOURCE_TABLE + " ADD seen DATETIME NULL");
    tables.target.execute("ALTER TABLE " + CsmhFixture.TARGET_TABLE + " ADD seen DATETIME NULL");
    assertFalse(run("plan").contains(warning));
    tables.source.execute("ALTER TABLE " + CsmhFixture.SOURCE_TABLE
        + " MODIFY seen TIMESTAMP NULL");
    assertTrue(run("plan").contains("warning: " + warning), "an application outside UTC would"
        + " read its times shifted");
  }

  @Test
  void createTargetWidensTheIdOfAMissingTable() throws Exception {
    tables.target.execute("DROP TABLE " + CsmhFixture.TARGET_TABLE);
    Preflight.Checked checked = Preflight.run(WidenConfig.of(config), true);
    assertEquals("bigint", checked.tables().target().column("id").dataType());
    assertTrue(checked.tables().target().column("id").unsigned());
    assertEquals(checked.tables().source().columns().size(),
        checked.tables().target().columns().size());
  }

  /**
   * The table --create-target makes is the only write, and the checks that need it come after
   * it: when one of them refuses (here a negative id, which BIGINT UNSIGNED cannot hold), the
   * table is dropped again, so a refused start leaves nothing behind.
   */
  @Test
  void aRefusalAfterCreateTargetTakesTheTableBack() throws Exception {
    tables.target.execute("DROP TABLE " + CsmhFixture.TARGET_TABLE);
    tables.source.execute("INSERT INTO " + CsmhFixture.SOURCE_TABLE + " (id, version, created,"
        + " state, student_module_id) VALUES (-5, '1', NOW(), '{}', 1)");
    WidenException e = assertThrows(WidenException.class,
        () -> Preflight.run(WidenConfig.of(config), true));
    assertTrue(e.getMessage().contains("negative"), e.getMessage());
    assertFalse(tables.target.hasTable(CsmhFixture.TARGET_TABLE), "the created table is gone");
  }

  private String run(String... args) throws Exception {
    CliRun r = CliRun.run(config, dir, args);
    assertEquals(0, r.code(), r.out() + r.err());
    return r.out();
  }
}
