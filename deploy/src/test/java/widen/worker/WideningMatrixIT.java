package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.e2e.Csmh;
import widen.range.IdRange;
import widen.schema.TablePair;
import widen.testing.TestServices;
import widen.verify.RangeVerdict;
import widen.verify.TableChecksum;

/**
 * Every change of type the copy accepts (a wider integer, more decimals, DATE into DATETIME,
 * FLOAT into DOUBLE, latin1 into utf8mb4, ...), with awkward values, copied by each method:
 * every value must arrive equal, and verification, with either hash, must call the copy equal.
 * What the copy accepts and what the checksum calls equal must be the same thing: where they
 * differed, a FLOAT arrived rounded unseen, and a widened DECIMAL, DATE or ZEROFILL column could
 * never verify.
 */
class WideningMatrixIT {
  /** A source type, the target type it is widened to, and one value for each of three rows. */
  private record Widening(String from, String to, String... values) {
    /** Text, whose {@code <=>} follows the collation (case, accents, trailing spaces). */
    boolean text() {
      return from.matches("(?i).*(CHAR|TEXT|ENUM|SET|JSON).*");
    }

    /** An expression equal on both sides exactly when the values are, for column {@code c}. */
    String same(String c) {
      return text() ? "CAST(CONVERT(s." + c + " USING utf8mb4) AS BINARY) <=> CAST(CONVERT(t."
          + c + " USING utf8mb4) AS BINARY)" : "s." + c + " <=> t." + c;
    }

    @Override
    public String toString() {
      return from + " into " + to;
    }
  }

  private static final List<Widening> WIDENINGS = List.of(
      new Widening("TINYINT", "SMALLINT", "-128", "127", "0"),
      new Widening("INT UNSIGNED", "BIGINT", "4294967295", "0", "7"),
      new Widening("SMALLINT", "INT UNSIGNED", "32767", "0", "1"),
      new Widening("DECIMAL(10,2)", "DECIMAL(14,4)", "1.50", "-0.05", "99999999.99"),
      new Widening("DECIMAL(8,0)", "DECIMAL(10,2)", "100", "0", "-12345678"),
      new Widening("FLOAT", "DOUBLE", "123456789", "0.1", "-3.4e38"),
      new Widening("FLOAT", "FLOAT", "16777217", "1e-45", "0.3"),
      new Widening("FLOAT(10,3)", "FLOAT(10,3)", "1234567.891", "-0.001", "0"),
      new Widening("DOUBLE", "DOUBLE", "0.30000000000000004", "4.9e-324",
          "-1.7976931348623157e308"),
      new Widening("DATE", "DATETIME", "'2024-02-29'", "'1000-01-01'", "'9999-12-31'"),
      new Widening("DATE", "DATE", "'2024-02-29'", "'1000-01-01'", "'9999-12-31'"),
      new Widening("DATETIME", "DATETIME(6)", "'2024-02-29 23:59:59'",
          "'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'"),
      new Widening("DATETIME(3)", "DATETIME(6)", "'2024-02-29 23:59:59.123'",
          "'1970-01-01 00:00:00.001'", "'2000-01-01 00:00:00'"),
      new Widening("TIMESTAMP NULL", "DATETIME", "'2038-01-19 03:14:07'",
          "'1970-01-01 00:00:01'", "'2024-03-31 02:30:00'"),
      new Widening("TIME", "TIME(6)", "'-838:59:59'", "'00:00:00'", "'838:59:59'"),
      new Widening("YEAR", "YEAR", "1901", "2155", "2000"),
      new Widening("VARCHAR(10) CHARACTER SET latin1", "VARCHAR(20) CHARACTER SET utf8mb4",
          "'caf\u00e9 \u00a3'", "''", "'a,b\\\\N'"),
      new Widening("CHAR(5)", "CHAR(10)", "'ab'", "''", "'a\\tb,c'"),
      new Widening("VARCHAR(50)", "TEXT", "'\u4e2d\u6587 \ud83d\ude00'", "' '", "'\\\\N'"),
      new Widening("BINARY(4)", "VARBINARY(8)", "'ab'", "UNHEX('00FF2C5C')", "''"),
      new Widening("VARBINARY(10)", "BLOB", "UNHEX('5C4E')", "''", "UNHEX('2C2C0A0D09')"),
      new Widening("BIT(16)", "BIT(16)", "b'0101110001001110'", "0", "b'101100'"),
      new Widening("ENUM('a','\\\\N','b,c')", "ENUM('a','\\\\N','b,c')", "'\\\\N'", "'b,c'",
          "'a'"),
      new Widening("SET('x','y')", "SET('x','y')", "'x,y'", "''", "'y'"),
      new Widening("MEDIUMINT UNSIGNED", "INT", "16777215", "0", "1"),
      new Widening("CHAR(5)", "VARCHAR(10)", "'ab'", "''", "'abcde'"),
      new Widening("TINYTEXT CHARACTER SET utf8mb3", "MEDIUMTEXT CHARACTER SET utf8mb4",
          "'é中'", "''", "'x'"),
      new Widening("TEXT CHARACTER SET latin1", "MEDIUMTEXT CHARACTER SET utf8mb4",
          "'€ ÿ'", "'\\\\N'", "''"),
      new Widening("VARCHAR(5) CHARACTER SET ascii", "VARCHAR(5) CHARACTER SET utf8mb4", "'a,b'",
          "''", "'~'"),
      new Widening("TIMESTAMP(3) NULL", "TIMESTAMP(6) NULL", "'2038-01-19 03:14:07.999'",
          "'1970-01-01 00:00:01'", "'2000-02-29 12:00:00.5'"),
      new Widening("TINYBLOB", "MEDIUMBLOB", "UNHEX('00')", "''", "'\\\\N'"),
      new Widening("INT(5) ZEROFILL", "BIGINT ZEROFILL", "42", "4294967295", "0"),
      new Widening("DECIMAL(6,3) ZEROFILL", "DECIMAL(8,4) ZEROFILL", "1.5", "999.999", "0"),
      new Widening("DOUBLE ZEROFILL", "DOUBLE ZEROFILL", "0.1", "1e300", "0"),
      new Widening("JSON", "JSON", "'{\"k\": [1, 2.5, \"a,b\"]}'", "'[]'", "'\"\\\\\\\\N\"'"));

  private Csmh tables;
  private HikariDataSource source;
  private HikariDataSource target;
  private TablePair pair;
  private WidenConfig config;

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("matrix", 0, false);
    config = WidenConfig.of(TestServices.config("matrix", tables.source, "m", tables.target, "m",
        tables.control));
    tables.source.execute("CREATE TABLE m (id INT PRIMARY KEY, " + columns(true) + ")");
    tables.target.execute("CREATE TABLE m (id BIGINT UNSIGNED PRIMARY KEY, " + columns(false)
        + ")");
    List<String> rows = new ArrayList<>();
    for (int row = 0; row < 3; row++) {
      int r = row;
      rows.add("(" + (row + 1) + ", " + WIDENINGS.stream().map(w -> w.values()[r])
          .collect(Collectors.joining(", ")) + ")");
    }
    rows.add("(4" + ", NULL".repeat(WIDENINGS.size()) + ")");
    try (Connection c = Databases.connect(config.source()); var st = c.createStatement()) {
      st.execute("INSERT INTO m VALUES " + String.join(", ", rows));
    }
    source = Databases.pool(config.source(), 1, "test-source");
    target = Databases.pool(config.target(), 1, "test-target");
    try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
      // Accepted: every one of these changes of type keeps every value.
      pair = TablePair.inspect(s, t, config.source(), config.target());
    }
  }

  private static String columns(boolean source) {
    return IntStream.range(0, WIDENINGS.size()).mapToObj(i -> "c" + i + " "
        + (source ? WIDENINGS.get(i).from() : WIDENINGS.get(i).to())).collect(
        Collectors.joining(", "));
  }

  @AfterEach
  void tearDown() throws Exception {
    source.close();
    target.close();
    tables.close();
  }

  @ParameterizedTest
  @EnumSource(CopyMethod.class)
  void everyAcceptedWideningArrivesEqualAndVerifies(CopyMethod method) throws Exception {
    RangeCopier copier = new RangeCopier(source, target, pair, 2, method);
    IdRange all = new IdRange(0, 10);
    assertEquals(4, copier.copy(all));
    // On widen's own session (time zone +00:00), so the TIMESTAMP compares as it was copied.
    try (Connection c = Databases.connect(config.target()); var st = c.createStatement()) {
      for (int i = 0; i < WIDENINGS.size(); i++) {
        try (var rs = st.executeQuery("SELECT GROUP_CONCAT(id) FROM `" + tables.source.name()
            + "`.m s JOIN m t USING (id) WHERE NOT (" + WIDENINGS.get(i).same("c" + i)
            + ")")) {
          rs.next();
          assertEquals(null, rs.getString(1), WIDENINGS.get(i) + ": rows that changed");
        }
      }
    }
    for (TableChecksum.Hash hash : TableChecksum.Hash.values()) {
      RangeVerdict v = new RangeVerifier(source, target, pair, copier, false, hash).verify(all);
      assertEquals(RangeVerdict.Verdict.MATCH, v.verdict(), hash + ": " + v.note());
      assertEquals(4, v.source().rows());
    }
  }

  /**
   * And the other way round: a value changed in any one column makes the range differ under
   * either hash (verification then repairs it by a copy, ready for the next column).
   */
  @Test
  void aChangeInAnyOneColumnIsSeen() throws Exception {
    RangeCopier copier = new RangeCopier(source, target, pair, 2, CopyMethod.UPSERT);
    IdRange all = new IdRange(0, 10);
    copier.copy(all);
    for (int i = 0; i < WIDENINGS.size(); i++) {
      for (TableChecksum.Hash hash : TableChecksum.Hash.values()) {
        // Row 1 takes row 2's value, converted into the target's type as a copy would.
        tables.target.execute("UPDATE m t JOIN `" + tables.source.name() + "`.m s ON s.id = 2"
            + " SET t.c" + i + " = s.c" + i + " WHERE t.id = 1");
        RangeVerdict v = new RangeVerifier(source, target, pair, copier, false, hash).verify(all);
        assertEquals(RangeVerdict.Verdict.REPAIRED, v.verdict(), WIDENINGS.get(i) + ", " + hash
            + ": " + v.note());
      }
    }
  }
}
