package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.WidenProcess;
import widen.testing.TestServices;

/**
 * widen is not only for CSMH: a table of its own shape (another primary key name, no
 * student_module_id, so the read API is off) whose target widens more than the id (DECIMAL
 * scale, FLOAT into DOUBLE, DATE into DATETIME, latin1 into utf8mb4) goes through the whole
 * migration with a coordinator and two workers, and every value arrives equal.
 */
class GenericTableIT {
  private static final long ROWS = 20_000;

  @TempDir
  Path logs;
  private Csmh databases;
  private Fleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    // The three databases only; the CSMH tables in them stay empty and unused.
    databases = Csmh.create("generic", 0, false);
    databases.source.execute("CREATE TABLE orders (order_id INT NOT NULL AUTO_INCREMENT"
        + " PRIMARY KEY, customer VARCHAR(40) CHARACTER SET latin1 NOT NULL, total DECIMAL(10,2),"
        + " weight FLOAT, placed DATE NOT NULL, shipped_at DATETIME NULL, flags BIT(8),"
        + " status ENUM('new', 'paid', 'shipped'), note TEXT, KEY (customer))");
    databases.target.execute("CREATE TABLE orders_wide (status ENUM('new', 'paid', 'shipped'),"
        + " note MEDIUMTEXT, total DECIMAL(14,4), weight DOUBLE, placed DATETIME NOT NULL,"
        + " shipped_at DATETIME(6) NULL, flags BIT(8), customer VARCHAR(80) CHARACTER SET utf8mb4"
        + " NOT NULL, order_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
        + " KEY (customer))");
    // Ids 3, 6, 9, ...; floats that print only six of their digits; every fourth shipped_at NULL.
    databases.source.execute("INSERT INTO orders SELECT seq * 3,"
        + " CONCAT('customer ', seq % 97, IF(seq % 5 = 0, ' caf\u00e9', '')),"
        + " (seq * 37 % 100000) / 100, seq * 4097.3, '2020-01-01' + INTERVAL seq % 2000 DAY,"
        + " IF(seq % 4 = 0, NULL, '2020-01-01 00:00:00' + INTERVAL seq * 977 SECOND), seq % 256,"
        + " ELT(1 + seq % 3, 'new', 'paid', 'shipped'),"
        + " IF(seq % 10 = 0, NULL, REPEAT(CONCAT('n', seq, ',\\\\N;'), 1 + seq % 5))"
        + " FROM seq_1_to_" + ROWS);
    WidenConfig config = WidenConfig.of(TestServices.config("generic-"
        + databases.control.name(), databases.source, "orders", databases.target,
        "orders_wide", databases.control)).with(Map.of("copy.pushdown", "never",
        "plan.range_rows", "2000", "plan.target_range_ms", "0"));
    fleet = new Fleet(config, databases.control, logs);
  }

  @AfterEach
  void tearDown() throws Exception {
    fleet.close();
    databases.close();
  }

  @Test
  void aTableOfAnotherShapeMigratesValueForValue() throws Exception {
    fleet.prepare();
    WidenProcess coordinator = fleet.start("coordinator");
    List<WidenProcess> workers = List.of(fleet.start("worker"), fleet.start("worker"));
    fleet.awaitPhase("READY_TO_FLIP", coordinator, 300);
    fleet.flip(coordinator);
    assertEquals(0, coordinator.waitFor(300), coordinator.tail(40));
    fleet.stopWorkers(workers);

    assertEquals("COMPLETE", fleet.phase());
    assertTrue(coordinator.logged("GET /history is off"), coordinator.tail(60));
    String report = databases.control.queryString("SELECT report FROM "
        + fleet.table("migration"));
    assertTrue(report.contains("\"match\":true"), report);
    assertEquals(ROWS, databases.target.queryLong("SELECT COUNT(*) FROM orders_wide"));
    // Compared by the server, byte for byte for text, exactly for numbers and dates.
    assertEquals(0, databases.target.queryLong("SELECT COUNT(*) FROM `"
        + databases.source.name() + "`.orders s LEFT JOIN orders_wide t USING (order_id)"
        + " WHERE t.order_id IS NULL OR NOT (CAST(CONVERT(s.customer USING utf8mb4) AS BINARY)"
        + " <=> CAST(t.customer AS BINARY) AND s.total <=> t.total AND s.weight <=> t.weight"
        + " AND s.placed <=> t.placed AND s.shipped_at <=> t.shipped_at AND s.flags <=> t.flags"
        + " AND s.status <=> t.status AND CAST(s.note AS BINARY) <=> CAST(t.note AS BINARY))"),
        "source rows missing from the target or arrived different");
  }
}
