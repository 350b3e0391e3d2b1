package widen.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import widen.range.IdRange;
import widen.schema.Column;
import widen.schema.TableShape;
import widen.testing.TestDatabase;
import widen.verify.TableChecksum.Sum;

/**
 * Checksums of a source-like table {@code a} and a widened table {@code b} holding the same
 * values in other types and another column order.
 */
class TableChecksumTest {
  /** Copied columns, in the source's order; b declares them in another order. */
  private static final List<String> COLUMNS = List.of("id", "n", "created", "name", "x", "note");

  private TestDatabase db;
  private Connection c;

  @BeforeEach
  void createTables() throws SQLException {
    db = TestDatabase.create("checksum");
    c = db.connect();
    db.execute("CREATE TABLE a (id INT NOT NULL PRIMARY KEY, n INT, created DATETIME,"
        + " name VARCHAR(10) CHARACTER SET latin1, x DOUBLE, note VARCHAR(10))");
    db.execute("CREATE TABLE b (note VARCHAR(20) CHARACTER SET utf8mb4, x DOUBLE,"
        + " name VARCHAR(20) CHARACTER SET utf8mb4, created DATETIME(6),"
        + " id BIGINT UNSIGNED NOT NULL PRIMARY KEY, n BIGINT UNSIGNED)");
    for (String table : List.of("a", "b")) {
      insert(table, 1, 5L, "2020-01-02 03:04:05", "café", 0.1, null);
      insert(table, 2, 0L, "1999-12-31 23:59:59", "", 1e300, "x");
      insert(table, 3, 2_147_483_647L, null, null, null, "");
      insert(table, 4, null, "2038-01-19 03:14:08", "Zürich", -0.5, "\\N");
      insert(table, 5, 7L, "2000-02-29 00:00:00", "a,b:c", 0.30000000000000004, "1:a");
    }
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    try {
      c.close();
    } finally {
      db.close();
    }
  }

  private void insert(String table, long id, Long n, String created, String name, Double x,
      String note) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
        + " (id, n, created, name, x, note) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setObject(2, n);
      ps.setString(3, created);
      ps.setString(4, name);
      ps.setObject(5, x);
      ps.setString(6, note);
      ps.executeUpdate();
    }
  }

  private TableShape shape(String table) {
    return TableShape.introspect(c, "source", db.name(), table);
  }

  /** The hash under test; {@link TableChecksumCrcTest} runs every test again with CRC32_PAIR. */
  TableChecksum.Hash hash() {
    return TableChecksum.Hash.MD5;
  }

  private Sum sum(String table) throws SQLException {
    return TableChecksum.whole(shape(table), COLUMNS, hash()).compute(c);
  }

  private Sum sum(String table, IdRange range) throws SQLException {
    return TableChecksum.ranged(shape(table), COLUMNS, hash()).compute(c, range);
  }

  /** b differs from a in its checksum only, not in its row count. */
  private void assertChecksumAloneDiffers() throws SQLException {
    Sum a = sum("a");
    Sum b = sum("b");
    assertEquals(a.rows(), b.rows());
    assertNotEquals(a, b);
    assertNotEquals(a.high(), b.high());
    assertNotEquals(a.low(), b.low());
  }

  @Test
  void equalValuesInWiderTypesAndAnotherColumnOrderGiveEqualSums() throws SQLException {
    // The same characters, stored as latin1 bytes in a and as utf8mb4 bytes in b.
    assertEquals("636166E9", queryString("SELECT HEX(name) FROM a WHERE id = 1"));
    assertEquals("636166C3A9", queryString("SELECT HEX(name) FROM b WHERE id = 1"));
    Sum a = sum("a");
    assertEquals(5, a.rows());
    assertTrue(a.high().signum() > 0 && a.low().signum() > 0, a.toString());
    assertEquals(a, sum("b"));
  }

  /**
   * Each side's expression leaves IFNULL out only where its own column cannot be NULL, and
   * prints temporal values with six digits: NOT NULL datetime and time columns of the source
   * agree with nullable datetime(6) and time(6) ones of the target, and a microsecond or a NULL
   * still tells.
   */
  @Test
  void notNullColumnsAgreeWithNullableWiderOnes() throws SQLException {
    db.execute("CREATE TABLE s (id INT NOT NULL PRIMARY KEY, at DATETIME NOT NULL,"
        + " t TIME NOT NULL, x DOUBLE NOT NULL, d DATE NOT NULL, y YEAR NOT NULL)");
    db.execute("CREATE TABLE w (y YEAR, d DATE, x DOUBLE, t TIME(6), at DATETIME(6),"
        + " id BIGINT UNSIGNED NOT NULL PRIMARY KEY)");
    for (String table : List.of("s", "w")) {
      db.execute("INSERT INTO " + table + " (id, at, t, x, d, y) VALUES"
          + " (1, '2020-01-02 03:04:05', '-838:59:59', 0.1, '2020-02-29', 2020),"
          + " (2, '1999-12-31 23:59:59', '00:00:01', 1e300, '1999-12-31', 1999)");
    }
    List<String> columns = List.of("id", "at", "t", "x", "d", "y");
    Sum s = TableChecksum.whole(shape("s"), columns, hash()).compute(c);
    assertEquals(2, s.rows());
    assertEquals(s, TableChecksum.whole(shape("w"), columns, hash()).compute(c));
    db.execute("UPDATE w SET at = at + INTERVAL 1 MICROSECOND WHERE id = 1");
    assertNotEquals(s, TableChecksum.whole(shape("w"), columns, hash()).compute(c));
    db.execute("UPDATE w SET at = at - INTERVAL 1 MICROSECOND, t = NULL WHERE id = 1");
    assertNotEquals(s, TableChecksum.whole(shape("w"), columns, hash()).compute(c));
    db.execute("UPDATE w SET t = '-838:59:59' WHERE id = 1");
    assertEquals(s, TableChecksum.whole(shape("w"), columns, hash()).compute(c));
  }

  @Test
  void aMissingRowMakesThemDiffer() throws SQLException {
    db.execute("DELETE FROM b WHERE id = 3");
    Sum b = sum("b");
    assertEquals(4, b.rows());
    assertNotEquals(sum("a"), b);
  }

  @Test
  void anExtraRowWithDuplicateContentMakesThemDiffer() throws SQLException {
    db.execute("INSERT INTO b (id, n, created, name, x, note)"
        + " SELECT 6, n, created, name, x, note FROM b WHERE id = 1");
    assertNotEquals(sum("a"), sum("b"));
  }

  @Test
  void aNullChangedToAnEmptyStringMakesThemDiffer() throws SQLException {
    db.execute("UPDATE b SET name = '' WHERE id = 3");
    assertChecksumAloneDiffers();
  }

  @Test
  void anEmptyStringChangedToNullMakesThemDiffer() throws SQLException {
    db.execute("UPDATE b SET note = NULL WHERE id = 3");
    assertChecksumAloneDiffers();
  }

  @Test
  void aNullChangedToTheTextBackslashNMakesThemDiffer() throws SQLException {
    db.execute("UPDATE b SET note = NULL WHERE id = 4");
    assertChecksumAloneDiffers();
  }

  @Test
  void aDoubleChangedInItsLastBitMakesThemDiffer() throws SQLException {
    double next = Math.nextUp(0.1);
    assertEquals("0.10000000000000002", Double.toString(next));
    assertEquals(String.format("%.15g", 0.1), String.format("%.15g", next));
    try (PreparedStatement ps = c.prepareStatement("UPDATE b SET x = ? WHERE id = 1")) {
      ps.setDouble(1, next);
      assertEquals(1, ps.executeUpdate());
    }
    assertChecksumAloneDiffers();
  }

  /**
   * FLOAT prints six significant digits, so two floats that print alike must still differ, and
   * a float agrees with a double holding its exact value.
   */
  @Test
  void floatsCompareByTheirExactValueNotTheirSixPrintedDigits() throws SQLException {
    db.execute("CREATE TABLE fs (id INT PRIMARY KEY, f FLOAT)");
    db.execute("CREATE TABLE ft (id BIGINT UNSIGNED PRIMARY KEY, f FLOAT)");
    db.execute("CREATE TABLE fd (id BIGINT UNSIGNED PRIMARY KEY, f DOUBLE)");
    db.execute("INSERT INTO fs VALUES (1, 123456789), (2, 0.1), (3, NULL)");
    db.execute("INSERT INTO ft VALUES (1, 123457000), (2, 0.1), (3, NULL)");
    db.execute("INSERT INTO fd SELECT id, f FROM fs");
    assertEquals(queryString("SELECT GROUP_CONCAT(f ORDER BY id) FROM fs"),
        queryString("SELECT GROUP_CONCAT(f ORDER BY id) FROM ft"), "they print alike");
    List<String> columns = List.of("id", "f");
    Sum source = TableChecksum.whole(shape("fs"), columns, hash()).compute(c);
    assertNotEquals(source, TableChecksum.whole(shape("ft"), columns, hash()).compute(c));
    assertEquals(source, TableChecksum.whole(shape("fd"), columns, hash()).compute(c));
  }

  /**
   * A BIT(16) of 0x5C4E and an ENUM label \N print as the two characters of the NULL marker: both
   * go with their length, so neither passes for a NULL. A spatial value's bytes may hold commas,
   * so it gets the same prefix (asserted on the SQL only).
   */
  @Test
  void aBitOrEnumThatPrintsAsTheNullMarkerDiffersFromNull() throws SQLException {
    for (String table : List.of("p", "q")) {
      db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, b BIT(16) NULL,"
          + " e ENUM('\\\\N', 'y') NULL, g GEOMETRY NULL)");
    }
    db.execute("INSERT INTO p VALUES (1, NULL, 'y', NULL), (2, b'1', NULL, NULL)");
    db.execute("INSERT INTO q VALUES (1, b'0101110001001110', 'y', NULL), (2, b'1', '\\\\N',"
        + " NULL)");
    assertEquals("\\N", queryString("SELECT CONCAT(b) FROM q WHERE id = 1"));
    assertEquals("\\N", queryString("SELECT e FROM q WHERE id = 2"));
    List<String> columns = List.of("id", "b", "e", "g");
    for (int id = 1; id <= 2; id++) {
      IdRange row = new IdRange(id - 1, id);
      assertNotEquals(TableChecksum.ranged(shape("p"), columns, hash()).compute(c, row),
          TableChecksum.ranged(shape("q"), columns, hash()).compute(c, row), "row " + id);
    }
    String sql = TableChecksum.whole(shape("p"), columns).sql();
    assertTrue(sql.contains("IFNULL(CONCAT(LENGTH(`g`), ':', IF(LENGTH(`g`) > 65535, MD5(`g`),"
        + " `g`)), '\\\\N')"), sql);
  }

  /**
   * An invalid ENUM value, stored in a non-strict session, is index 0 and prints '' as the label
   * '' does: copied as text it becomes the label. Declared alike on both sides, an ENUM is
   * compared by its index, so the two differ.
   */
  @Test
  void anEnumsErrorValueDiffersFromItsEmptyLabel() throws SQLException {
    for (String table : List.of("p", "q")) {
      db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, e ENUM('', 'a') NOT NULL)");
    }
    try (var st = c.createStatement()) {
      st.execute("SET SESSION sql_mode = ''");
      st.execute("INSERT INTO p VALUES (1, 'bogus')");
    }
    db.execute("INSERT INTO q VALUES (1, '')");
    assertEquals(0, queryLong("SELECT e + 0 FROM p"));
    assertEquals(1, queryLong("SELECT e + 0 FROM q"));
    List<String> columns = List.of("id", "e");
    assertNotEquals(TableChecksum.ranged(shape("p"), shape("q"), columns, hash()).compute(c,
        new IdRange(0, 1)), TableChecksum.ranged(shape("q"), shape("p"), columns, hash())
        .compute(c, new IdRange(0, 1)));
  }

  /**
   * The server returns NULL, with a warning only, for a string longer than max_allowed_packet:
   * a row whose canonical text was longer than that (two values of over half of it) dropped out
   * of both sums while COUNT(*) still counted it, and a value nearly that long hashed like NULL,
   * so a change in the largest rows went unseen. Values above 64 KiB now count by their MD5.
   */
  @Test
  void aChangeInValuesNearMaxAllowedPacketMakesThemDiffer() throws SQLException {
    long packet = queryLong("SELECT @@max_allowed_packet");
    assumeTrue(packet <= 64L << 20, "values of max_allowed_packet's size fit in a test");
    long half = packet / 2 + 1000;
    for (String table : List.of("p", "q")) {
      db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, a LONGTEXT, b LONGTEXT NULL)");
    }
    db.execute("INSERT INTO p VALUES (1, REPEAT('a', " + half + "), REPEAT('b', " + half + ")),"
        + " (2, 'x', REPEAT('c', " + (packet - 10) + "))");
    db.execute("INSERT INTO q VALUES (1, CONCAT('Z', REPEAT('a', " + (half - 1) + ")), REPEAT('b', "
        + half + ")), (2, 'x', NULL)");
    List<String> columns = List.of("id", "a", "b");
    for (int id = 1; id <= 2; id++) {
      IdRange row = new IdRange(id - 1, id);
      assertNotEquals(TableChecksum.ranged(shape("p"), columns, hash()).compute(c, row),
          TableChecksum.ranged(shape("q"), columns, hash()).compute(c, row), "row " + id);
    }
    assertEquals(TableChecksum.whole(shape("p"), columns, hash()).compute(c),
        TableChecksum.whole(shape("p"), columns, hash()).compute(c), "and equal rows agree");
  }

  /**
   * A row of many values just under 64 KiB each can still exceed max_allowed_packet: then the
   * checksum refuses, naming the setting, rather than sum a table it cannot see whole.
   */
  @Test
  void aRowTooLongToHashIsRefusedNotSkipped() throws SQLException {
    long packet = queryLong("SELECT @@max_allowed_packet");
    assumeTrue(packet <= 32L << 20, "a row longer than max_allowed_packet fits in a test");
    int columns = (int) (packet / 65_000) + 2;
    List<String> names = new ArrayList<>(List.of("id"));
    for (int i = 0; i < columns; i++) {
      names.add("c" + i);
    }
    db.execute("CREATE TABLE w (id INT PRIMARY KEY, " + names.stream().skip(1)
        .map(n -> n + " TEXT").collect(Collectors.joining(", ")) + ")");
    db.execute("INSERT INTO w VALUES (1, " + names.stream().skip(1).map(n -> "REPEAT('a', 65000)")
        .collect(Collectors.joining(", ")) + ")");
    SQLException e = assertThrows(SQLException.class,
        () -> TableChecksum.ranged(shape("w"), names, hash()).compute(c, new IdRange(0, 1)));
    assertTrue(e.getMessage().contains("1 rows in (0, 1] have a canonical text longer than the"
        + " server's max_allowed_packet"), e.getMessage());
  }

  /**
   * What the copy accepts, the checksum must call equal: a DECIMAL into one of more decimals
   * prints more zeros (1.50 against 1.5000), a DATE into a DATETIME a time of day.
   */
  @Test
  void widenedDecimalsAndDatesAgreeAndStillTell() throws SQLException {
    db.execute("CREATE TABLE v (id INT PRIMARY KEY, x DECIMAL(10,2), w DECIMAL(8,0) NOT NULL,"
        + " d DATE)");
    db.execute("CREATE TABLE wide (id BIGINT UNSIGNED PRIMARY KEY, x DECIMAL(14,4),"
        + " w DECIMAL(10,2), d DATETIME(6))");
    try (var st = c.createStatement()) {
      st.execute("SET SESSION sql_mode = ''");
      for (String table : List.of("v", "wide")) {
        st.execute("INSERT INTO " + table + " VALUES (1, 1.50, 100, '2024-02-29'),"
            + " (2, -0.05, 0, '0000-00-00'), (3, 0, 10, NULL), (4, NULL, 7, '1999-12-31'),"
            + " (5, 100, 1, '2024-00-15')");
      }
    }
    List<String> columns = List.of("id", "x", "w", "d");
    Sum narrow = TableChecksum.whole(shape("v"), columns, hash()).compute(c);
    assertEquals(narrow, TableChecksum.whole(shape("wide"), columns, hash()).compute(c));
    db.execute("UPDATE wide SET x = 1.5001 WHERE id = 1");
    assertNotEquals(narrow, TableChecksum.whole(shape("wide"), columns, hash()).compute(c));
    db.execute("UPDATE wide SET x = 1.5, d = '2024-02-29 00:00:00.000001' WHERE id = 1");
    assertNotEquals(narrow, TableChecksum.whole(shape("wide"), columns, hash()).compute(c));
    db.execute("UPDATE wide SET d = '2024-02-29 12:00:00' WHERE id = 1");
    assertNotEquals(narrow, TableChecksum.whole(shape("wide"), columns, hash()).compute(c));
    db.execute("UPDATE wide SET d = '2024-02-29' WHERE id = 1");
    assertEquals(narrow, TableChecksum.whole(shape("wide"), columns, hash()).compute(c));
  }

  /**
   * Checksummed as a pair, columns declared alike on both sides are hashed as they print (no
   * TRIM, CAST or CONVERT), and still tell a change; columns declared differently keep the forms
   * that reconcile them.
   */
  @Test
  void columnsDeclaredAlikeAreHashedAsTheyPrintAndStillTell() throws SQLException {
    for (String table : List.of("p1", "p2")) {
      db.execute("CREATE TABLE " + table + " (id " + (table.equals("p1") ? "INT" : "BIGINT")
          + " PRIMARY KEY, x DECIMAL(10,2), d DATE, s VARCHAR(5) CHARACTER SET latin1,"
          + " t TIME(3))");
      db.execute("INSERT INTO " + table + " VALUES (1, 1.50, '2024-02-29', 'café',"
          + " '12:00:00.5'), (2, NULL, '1999-12-31', NULL, NULL)");
    }
    List<String> columns = List.of("id", "x", "d", "s", "t");
    TableChecksum one = TableChecksum.ranged(shape("p1"), shape("p2"), columns, hash());
    TableChecksum two = TableChecksum.ranged(shape("p2"), shape("p1"), columns, hash());
    for (String form : List.of("TRIM(", "CAST(`", "CONVERT(`")) {
      assertFalse(one.sql().contains(form), one.sql());
    }
    IdRange all = new IdRange(0, 10);
    assertEquals(one.compute(c, all), two.compute(c, all));
    db.execute("UPDATE p2 SET x = 1.51 WHERE id = 1");
    assertNotEquals(one.compute(c, all), two.compute(c, all));
    db.execute("UPDATE p2 SET x = 1.50, t = '12:00:00.501' WHERE id = 1");
    assertNotEquals(one.compute(c, all), two.compute(c, all));
    String differently = TableChecksum.ranged(shape("a"), shape("b"), COLUMNS, hash()).sql();
    assertTrue(differently.contains("CONVERT(`name` USING utf8mb4)"), differently);
    assertTrue(differently.contains("CAST(`created` AS DATETIME(6))"), differently);
  }

  @Test
  void aDatetimeChangedByOneSecondMakesThemDiffer() throws SQLException {
    db.execute("UPDATE b SET created = created + INTERVAL 1 SECOND WHERE id = 1");
    assertChecksumAloneDiffers();
  }

  @Test
  void aDatetimeChangedByOneMicrosecondMakesThemDiffer() throws SQLException {
    db.execute("UPDATE b SET created = created + INTERVAL 1 MICROSECOND WHERE id = 2");
    assertChecksumAloneDiffers();
  }

  @Test
  void aChangedCharacterMakesThemDiffer() throws SQLException {
    db.execute("UPDATE b SET name = 'cafe' WHERE id = 1");
    assertChecksumAloneDiffers();
  }

  @Test
  void valuesMovedBetweenColumnsMakeThemDiffer() throws SQLException {
    db.execute("UPDATE b SET n = 0 WHERE id = 1");
    db.execute("UPDATE b SET n = 5 WHERE id = 2");
    assertChecksumAloneDiffers();
  }

  @Test
  void aRangedChecksumCountsOnlyTheRowsInTheRange() throws SQLException {
    IdRange range = new IdRange(1, 3);
    Sum a = sum("a", range);
    assertEquals(2, a.rows());
    assertEquals(a, sum("b", range));
    db.execute("CREATE TABLE part AS SELECT * FROM a WHERE id IN (2, 3)");
    db.execute("ALTER TABLE part ADD PRIMARY KEY (id)");
    assertEquals(sum("part"), a);
    db.execute("UPDATE b SET n = 99 WHERE id IN (1, 4)");
    assertEquals(a, sum("b", range));
    db.execute("UPDATE b SET n = 99 WHERE id = 3");
    assertNotEquals(a, sum("b", range));
  }

  @Test
  void rangedSumsAddUpToTheWholeSum() throws SQLException {
    Sum low = sum("a", new IdRange(0, 2));
    Sum high = sum("a", new IdRange(2, 5));
    Sum whole = sum("a");
    assertEquals(whole.rows(), low.rows() + high.rows());
    assertEquals(whole.high(), low.high().add(high.high()));
    assertEquals(whole.low(), low.low().add(high.low()));
  }

  @Test
  void anEmptyRangeHasZeroRowsAndAZeroSum() throws SQLException {
    assertEquals(new Sum(0, BigDecimal.ZERO, BigDecimal.ZERO), sum("a", new IdRange(100, 200)));
  }

  @Test
  void theServerHereHasCrc32cSoTheFastHashIsChosen() {
    assertEquals(TableChecksum.Hash.CRC32_PAIR, TableChecksum.Hash.bestFor(c, c));
  }

  @Test
  void theSqlUsesTheCanonicalForms() {
    TableShape shape = new TableShape("d", "t", List.of(
        column("id", "int", false), column("created", "datetime", true)), "id");
    assertEquals("SELECT COUNT(*),"
        + " SUM(CAST(CONV(SUBSTRING(MD5(r), 1, 16), 16, 10) AS UNSIGNED)),"
        + " SUM(CAST(CONV(SUBSTRING(MD5(r), 17, 16), 16, 10) AS UNSIGNED)), COUNT(r)"
        + " FROM (SELECT CONCAT_WS(',',"
        + " `id`,"
        + " IFNULL(CAST(`created` AS DATETIME(6)), '\\\\N')) AS r"
        + " FROM `d`.`t` WHERE `id` > ? AND `id` <= ?) AS canonical_rows",
        TableChecksum.ranged(shape, List.of("id", "created")).sql());
  }

  @Test
  void theSqlOfAnIntrospectedTableHasOneCanonicalFormPerType() throws SQLException {
    db.execute("CREATE TABLE k (id INT PRIMARY KEY, s VARCHAR(5) CHARACTER SET latin1,"
        + " bin VARBINARY(5), t TIME(3), d DATE, ts TIMESTAMP NULL)");
    TableShape shape = shape("k");
    String sql = TableChecksum.whole(shape, List.of("id", "s", "bin", "t", "d", "ts")).sql();
    assertTrue(sql.contains("CONVERT(`s` USING utf8mb4)"), sql);
    db.execute("CREATE TABLE u (id INT PRIMARY KEY, s VARCHAR(5) CHARACTER SET utf8mb4)");
    String utf8 = TableChecksum.whole(shape("u"), List.of("id", "s")).sql();
    assertTrue(utf8.contains("IFNULL(CONCAT(LENGTH(`s`), ':', `s`), '\\\\N')"),
        "utf8mb4 text is hashed as it is, without a conversion: " + utf8);
    assertTrue(sql.contains("IFNULL(CONCAT(LENGTH(`bin`), ':', `bin`), '\\\\N')"), sql);
    assertTrue(sql.contains("IFNULL(CAST(`t` AS TIME(6)), '\\\\N')"), sql);
    assertTrue(sql.contains("IFNULL(CAST(`d` AS DATETIME(6)), '\\\\N')"), sql);
    assertTrue(sql.contains("IFNULL(CAST(`ts` AS DATETIME(6)), '\\\\N')"), sql);
    assertTrue(sql.contains("CONCAT_WS(',', `id`, "), "a NOT NULL column has no IFNULL: " + sql);
    assertTrue(sql.endsWith(" FROM `" + db.name() + "`.`k`) AS canonical_rows"), sql);
    assertEquals(new Sum(0, BigDecimal.ZERO, BigDecimal.ZERO), TableChecksum.whole(shape,
        List.of("id", "s", "bin", "t", "d", "ts")).compute(c));
  }

  private long queryLong(String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String queryString(String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Column column(String name, String type, boolean nullable) {
    return new Column(name, type, type, false, nullable, null, null, null, null, null, null, true,
        false, false);
  }
}
