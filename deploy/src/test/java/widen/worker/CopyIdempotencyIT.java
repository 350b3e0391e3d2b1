package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
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
import widen.testing.TestDatabase;
import widen.testing.TestServices;

/**
 * Copying a range any number of times, or again after the target was changed, leaves the target
 * equal to the source: the property that makes redelivery, crashes and retries harmless.
 */
class CopyIdempotencyIT {
  private static final String TYPES = "(id %s PRIMARY KEY, vb VARBINARY(300), bl BLOB,"
      + " bt BIT(10), tx TEXT, lat VARCHAR(40) CHARACTER SET latin1, d DATE, dt DATETIME(6),"
      + " tm TIME(3), yr YEAR, de DECIMAL(30,10), f FLOAT, db DOUBLE, e ENUM('a','b'),"
      + " st SET('x','y'), j JSON, u BIGINT UNSIGNED)";

  private static final IdRange ALL = new IdRange(-1, Integer.MAX_VALUE);

  Csmh tables;
  HikariDataSource source;
  HikariDataSource target;
  TablePair pair;
  WidenConfig config;
  /** The CSMH tables' copier, by {@link #method}. */
  RangeCopier copier;

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
    pair = inspectPair();
    copier = new RangeCopier(source, target, pair, 500, method());
  }

  /** The CSMH tables as they are now. */
  TablePair inspectPair() throws SQLException {
    try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
      return TablePair.inspect(s, t, config.source(), config.target());
    }
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

  /**
   * Rows just under the batch's byte limit, then one nearly as long as max_allowed_packet: put
   * on top of the batch, that row made a statement longer than the packet, refused on every
   * attempt. It goes in a statement of its own, and the range copies.
   */
  @Test
  void aLargeRowAfterABatchStillFitsInAPacket() throws Exception {
    long packet = tables.target.queryLong("SELECT @@max_allowed_packet");
    assumeTrue(packet >= 8L << 20 && packet <= 64L << 20, "a row of the packet's size fits here");
    long small = (RangeCopier.BATCH_BYTES - 100_000) / 3;
    tables.source.execute("UPDATE " + CsmhFixture.SOURCE_TABLE + " SET state = REPEAT('s', "
        + small + ") WHERE id IN (1, 2, 3)");
    tables.source.execute("UPDATE " + CsmhFixture.SOURCE_TABLE + " SET state = REPEAT('b', "
        + (packet - (2L << 20)) + ") WHERE id = 4");
    IdRange first = new IdRange(0, 4);
    assertEquals(4, copier.copy(first));
    assertEquals(tables.sourceSum(first), tables.targetSum(first));
  }

  /**
   * A range handed to another worker during its copy (this worker's broker connection dropped)
   * is rolled back at the end, not committed: committed late, rows read before the other
   * worker's newer copy would overwrite it.
   */
  @Test
  void aCopyNoLongerHeldAtItsEndCommitsNothing() throws Exception {
    assertThrows(RangeCopier.LeaseLost.class, () -> copier.copyTimed(ALL, () -> false));
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM "
        + CsmhFixture.TARGET_TABLE));
    assertEquals(5_006, copier.copyTimed(ALL, () -> true).rows(), "the copier goes on");
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
    RangeCopier types = typesCopier();
    assertEquals(5, types.copy(new IdRange(0, 10)));
    types.copy(new IdRange(0, 10));
    assertEquals(5, tables.target.queryLong("SELECT COUNT(*) FROM types"),
        "copied again: not doubled");
    String[] columns = {"id", "vb", "bl", "bt", "tx", "lat", "d", "dt", "tm", "yr", "de", "f",
        "db", "e", "st", "j", "u"};
    assertEquals(rowsAsHex(tables.source, columns), rowsAsHex(tables.target, columns));
    assertEquals(5, tables.target.queryLong("SELECT COUNT(*) FROM types"));
  }

  /**
   * FLOAT prints only six significant digits as text (123456789 is stored as 123456792 and
   * printed 123457000), so a copy of the printed text would round it, and a verification that
   * hashed the same printed text would not see it. Every bit must arrive, into FLOAT and DOUBLE.
   */
  @Test
  void floatsArriveWithEveryBit() throws Exception {
    tables.source.execute("CREATE TABLE types (id INT PRIMARY KEY, f FLOAT, g FLOAT,"
        + " h FLOAT(10,3))");
    tables.target.execute("CREATE TABLE types (id BIGINT UNSIGNED PRIMARY KEY, f FLOAT,"
        + " g DOUBLE, h FLOAT(10,3))");
    tables.source.execute("INSERT INTO types VALUES (1, 123456789, 123456789, 1234567.891),"
        + " (2, 16777217, 0.1, 0.1), (3, 3.4028234e38, 1.17549435e-38, -5.5),"
        + " (4, 1e-45, -1e-45, NULL), (5, NULL, 1/3, 0)");
    assertEquals("123457000", tables.source.queryString("SELECT CONCAT(f) FROM types WHERE id = 1"),
        "what the text protocol gives for the stored 123456792");
    assertEquals(5, typesCopier().copy(new IdRange(0, 10)));
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM `" + tables.source.name()
        + "`.types s JOIN types t USING (id) WHERE NOT (s.f <=> t.f AND s.g <=> t.g"
        + " AND s.h <=> t.h)"), "rows whose floats changed on the way");
    assertEquals(5, tables.target.queryLong("SELECT COUNT(*) FROM types"));
  }

  /** Spatial values travel as the server's bytes (SRID and WKB), which both paths write back. */
  @Test
  void spatialValuesArriveByteForByte() throws Exception {
    tables.source.execute("CREATE TABLE types (id INT PRIMARY KEY, g GEOMETRY,"
        + " p POINT NOT NULL)");
    tables.target.execute("CREATE TABLE types (id BIGINT UNSIGNED PRIMARY KEY, g GEOMETRY,"
        + " p POINT NOT NULL)");
    tables.source.execute("INSERT INTO types VALUES"
        + " (1, ST_GeomFromText('LINESTRING(0 0, 1.5 2.25, 3 -4)'), POINT(9, 92)),"
        + " (2, NULL, ST_GeomFromText('POINT(0.1 0.30000000000000004)', 4326)),"
        + " (3, ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))'), POINT(-1, 1e300))");
    assertEquals(3, typesCopier().copy(new IdRange(0, 10)));
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM `" + tables.source.name()
        + "`.types s JOIN types t USING (id)"
        + " WHERE NOT (HEX(s.g) <=> HEX(t.g) AND HEX(s.p) <=> HEX(t.p))"));
    assertEquals(3, tables.target.queryLong("SELECT COUNT(*) FROM types"));
  }

  @Test
  void textInAnotherCharacterSetIsConvertedToTheTargetColumns() throws Exception {
    tables.source.execute("CREATE TABLE types (id INT PRIMARY KEY,"
        + " t VARCHAR(20) CHARACTER SET latin1, u VARCHAR(20) CHARACTER SET utf8mb4,"
        + " l VARCHAR(20) CHARACTER SET latin1)");
    tables.target.execute("CREATE TABLE types (id BIGINT UNSIGNED PRIMARY KEY,"
        + " t VARCHAR(20) CHARACTER SET utf8mb4, u VARCHAR(20) CHARACTER SET utf8mb4,"
        + " l VARCHAR(20) CHARACTER SET latin1)");
    tables.source.execute("INSERT INTO types VALUES (1, 'caf\u00e9 \u00bd', '\u00e9\u4e2d',"
        + " 'na\u00efve \u00a3')");
    RangeCopier copier = typesCopier();
    assertEquals(1, copier.copy(new IdRange(0, 10)));
    try (Connection c = tables.target.connect(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT t, u, l, HEX(l) FROM types")) {
      assertTrue(rs.next());
      assertEquals("caf\u00e9 \u00bd", rs.getString(1));
      assertEquals("\u00e9\u4e2d", rs.getString(2));
      assertEquals("na\u00efve \u00a3", rs.getString(3));
      assertEquals("6E61EF766520A3", rs.getString(4), "latin1 bytes, not UTF-8 ones");
    }
  }

  /** A copier by {@link #method} for the table {@code types} on both sides. */
  private RangeCopier typesCopier() throws SQLException {
    var c = WidenConfig.of(TestServices.config("idem", tables.source, "types", tables.target,
        "types", tables.control));
    try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
      TablePair p = TablePair.inspect(s, t, c.source(), c.target());
      return new RangeCopier(source, target, p, 500, method());
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
