package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import widen.WidenException;
import widen.demo.CsmhFixture;
import widen.range.IdRange;
import widen.schema.TablePair;
import widen.schema.TableShape;
import widen.testing.TestDatabase;
import widen.testing.TestUser;

/**
 * Every copy test of {@link CopyIdempotencyIT} again with each range loaded by LOAD DATA LOCAL
 * INFILE, plus what only this method can get wrong: the escaping of the text
 * stream for every column type, a value the target would alter, and when REPLACE is not safe.
 */
class LoadDataCopyIT extends CopyIdempotencyIT {
  private static final String TYPES = "(id %s PRIMARY KEY, vb VARBINARY(300), bl BLOB,"
      + " bt BIT(10), tx TEXT, lat VARCHAR(40) CHARACTER SET latin1, d DATE, dt DATETIME(6),"
      + " tm TIME(3), yr YEAR, de DECIMAL(30,10), f FLOAT, db DOUBLE, e ENUM('a','b'),"
      + " st SET('x','y'), j JSON, u BIGINT UNSIGNED)";

  @Override
  CopyMethod method() {
    return CopyMethod.LOAD;
  }

  @Test
  void everyTypeAndEveryAwkwardByteArrivesUnchanged() throws Exception {
    tables.source.execute("CREATE TABLE types " + TYPES.formatted("INT"));
    tables.target.execute("CREATE TABLE types " + TYPES.formatted("BIGINT UNSIGNED"));
    String allBytes = "UNHEX('" + hexOfAllBytes() + "')";
    tables.source.execute("INSERT INTO types VALUES"
        + " (1, " + allBytes + ", " + allBytes + ", b'1000000001', 'tab\\there\\nnew\\\\back \\\\N"
        + " NULL nul\\0byte cr\\r end\\\\', 'caf\u00e9', '2024-02-29', '2024-02-29 23:59:59.999999',"
        + " '-838:59:59.000', 2155, -12345678901234567890.0123456789, 3.4e38, -2.2250738585072014e-308,"
        + " 'b', 'x,y', '{\"k\": \"v\\\\tw\"}', 18446744073709551615),"
        + " (2, '', '', b'0', '', '', '1000-01-01', '1000-01-01 00:00:00', '00:00:00', 1901, 0,"
        + " 0, 0, 'a', '', '[]', 0),"
        + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
        + " NULL, NULL, NULL),"
        + " (4, '\\\\N', 'N', b'1', '\\\\', '\\t', '2000-01-01', NULL, NULL, NULL, NULL, NULL,"
        + " NULL, NULL, NULL, NULL, NULL)");
    // A zero date, which widen copies as it is (the source allowed it once).
    try (Connection c = tables.source.connect(); var st = c.createStatement()) {
      st.execute("SET SESSION sql_mode = ''");
      st.execute("INSERT INTO types (id, d, dt) VALUES (5, '0000-00-00', '0000-00-00 00:00:00')");
    }
    RangeCopier types = copierFor("types");
    assertEquals(5, types.copy(new IdRange(0, 10)));
    assertEquals(5, types.copy(new IdRange(0, 10)), "copied again: replaced, not doubled");
    String[] columns = {"id", "vb", "bl", "bt", "tx", "lat", "d", "dt", "tm", "yr", "de", "f",
        "db", "e", "st", "j", "u"};
    assertEquals(rowsAsHex(tables.source, columns), rowsAsHex(tables.target, columns));
    assertEquals(5, tables.target.queryLong("SELECT COUNT(*) FROM types"));
  }

  @Test
  void textInAnotherCharacterSetIsConvertedToTheTargetColumns() throws Exception {
    tables.source.execute("CREATE TABLE types (id INT PRIMARY KEY,"
        + " t VARCHAR(20) CHARACTER SET latin1, u VARCHAR(20) CHARACTER SET utf8mb4)");
    tables.target.execute("CREATE TABLE types (id BIGINT UNSIGNED PRIMARY KEY,"
        + " t VARCHAR(20) CHARACTER SET utf8mb4, u VARCHAR(20) CHARACTER SET utf8mb4)");
    tables.source.execute("INSERT INTO types VALUES (1, 'caf\u00e9 \u00bd', '\u00e9\u4e2d')");
    assertEquals(1, copierFor("types").copy(new IdRange(0, 10)));
    try (Connection c = tables.target.connect(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT t, u FROM types")) {
      assertTrue(rs.next());
      assertEquals("caf\u00e9 \u00bd", rs.getString(1));
      assertEquals("\u00e9\u4e2d", rs.getString(2));
    }
  }

  @Test
  void aValueTheTargetWouldAlterFailsTheRangeAndCommitsNothing() throws Exception {
    // The trigger stands for any change on the way in that LOCAL would demote to a warning.
    tables.target.execute("CREATE TRIGGER shorten BEFORE INSERT ON " + CsmhFixture.TARGET_TABLE
        + " FOR EACH ROW SET NEW.version = REPEAT('v', 300)");
    SQLException e = assertThrows(SQLException.class, () -> copier().copy(new IdRange(0, 100)));
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.TARGET_TABLE),
        e.getMessage());
  }

  @Test
  void replaceIsChosenOnlyWhereItEqualsTheUpsert() throws Exception {
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

  private RangeCopier copier() throws SQLException {
    return copierFor(CsmhFixture.TARGET_TABLE);
  }

  private RangeCopier copierFor(String table) throws SQLException {
    String sourceTable = table.equals("types") ? "types" : CsmhFixture.SOURCE_TABLE;
    var config = widen.config.WidenConfig.of(widen.testing.TestServices.config("idem",
        tables.source, sourceTable, tables.target, table, tables.control));
    try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
      TablePair p = TablePair.inspect(s, t, config.source(), config.target());
      return new RangeCopier(source, target, p.copySql(), p.binaryColumns(), 500,
          CopyMethod.LOAD, p.loadSql());
    }
  }

  /** Every row, every column as the hexadecimal of its text or bytes, in id order. */
  private static List<String> rowsAsHex(TestDatabase db, String[] columns) throws SQLException {
    String fields = java.util.Arrays.stream(columns)
        .map(c -> "IFNULL(HEX(CAST(" + c + " AS BINARY)), 'null')")
        .collect(Collectors.joining(", ',', "));
    try (Connection c = db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT CONCAT(" + fields + ") FROM types ORDER BY id")) {
      List<String> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  private static String hexOfAllBytes() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 256; i++) {
      b.append(String.format("%02X", i));
    }
    return b.toString();
  }
}
