package widen.verify;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import widen.range.IdRange;
import widen.schema.Column;
import widen.schema.TablePair;
import widen.schema.TableShape;
import widen.sql.Sql;

/**
 * A row count and an order-independent checksum of a table (or one range of it), computed by the
 * database itself, comparable between source and target although their column types differ.
 *
 * <p>Each row becomes one canonical string, which is hashed; the hashes are summed (as DECIMAL,
 * so nothing overflows). A sum, unlike XOR, does not cancel a duplicated row. Two hashes:
 * <ul>
 *   <li>{@link Hash#CRC32_PAIR}: CRC32 and CRC32C of the string, 64 bits in all, where both
 *       servers have CRC32C (MariaDB 10.8 and later). About four times cheaper than MD5 with its
 *       hex-to-decimal conversion, which is what makes verification cost a fraction of the copy.
 *       CRC32 is what pt-table-checksum uses; two different CRCs leave a 2^-64 chance per range
 *       that a difference goes unseen.
 *   <li>{@link Hash#MD5}: the two 64-bit halves of MD5, for servers without CRC32C (MySQL).
 * </ul>
 * The canonical form of a value, built as cheaply as each type allows:
 * <ul>
 *   <li>NULL is {@code \N} (in a column that can hold one); a value of any type but numbers
 *       and dates (text, bytes, BIT, ENUM, SET, JSON, spatial) is {@code <length>:<text>}, so
 *       NULL differs from the empty string and no value can imitate the separator or the NULL
 *       marker; numbers and dates print neither a comma nor a backslash, so they need no length;
 *       a value longer than {@link #BIG_VALUE_BYTES} is its length and its MD5;
 *   <li>integers in decimal, so int and bigint unsigned agree, without ZEROFILL's padding;
 *   <li>temporal values with six fractional digits, so datetime and datetime(6) agree, and a
 *       date and the datetime it was copied into;
 *   <li>decimals without the trailing zeros of their scale, so DECIMAL(10,2) and DECIMAL(14,4)
 *       agree;
 *   <li>doubles as the server prints them: the shortest text that reads back as the same double,
 *       so two doubles are equal exactly when their texts are; floats as doubles (a FLOAT prints
 *       six digits, which two different floats can share), so a float also agrees with a double
 *       holding its value;
 *   <li>text converted to utf8mb4 unless it is utf8mb4 already, so latin1 and utf8mb4 columns
 *       agree on equal characters (the conversion copies every value, so it is skipped where it
 *       changes nothing).
 * </ul>
 * For example, for (id int NOT NULL, created datetime NULL) with MD5:
 * <pre>
 * SELECT COUNT(*),
 *   SUM(CAST(CONV(SUBSTRING(MD5(r), 1, 16), 16, 10) AS UNSIGNED)),
 *   SUM(CAST(CONV(SUBSTRING(MD5(r), 17, 16), 16, 10) AS UNSIGNED)), COUNT(r)
 *  FROM (SELECT CONCAT_WS(',', `id`, IFNULL(CAST(`created` AS DATETIME(6)), '\\N')) AS r
 *        FROM `db`.`t` WHERE `id` > ? AND `id` <= ?) AS rows
 * </pre>
 */
public final class TableChecksum {
  /** How each canonical row is hashed; both sides of a comparison must use the same. */
  public enum Hash {
    CRC32_PAIR("SUM(CRC32(r)), SUM(CRC32C(r))"),
    MD5("SUM(CAST(CONV(SUBSTRING(MD5(r), 1, 16), 16, 10) AS UNSIGNED)),"
        + " SUM(CAST(CONV(SUBSTRING(MD5(r), 17, 16), 16, 10) AS UNSIGNED))");

    private final String sums;

    Hash(String sums) {
      this.sums = sums;
    }

    /** CRC32_PAIR if every one of {@code servers} has CRC32C, else MD5. */
    public static Hash bestFor(Connection... servers) {
      for (Connection c : servers) {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT CRC32C('')")) {
          rs.next();
        } catch (SQLException noCrc32c) {
          return MD5;
        }
      }
      return CRC32_PAIR;
    }
  }

  /**
   * Longer values go into the row's text as their MD5 (after their true length, so no short
   * value can imitate one). The server returns NULL, with only a warning, for a string function
   * whose result would exceed max_allowed_packet (16 MiB by default): a 16 MiB value in the row's
   * text made the whole text NULL, which both sums skip while COUNT(*) still counts the row, so
   * any difference in the largest rows went unseen. 65,535 is the most a TEXT, BLOB or VARCHAR
   * holds, so only MEDIUM and LONG types, JSON and spatial values can be hashed this way.
   */
  static final int BIG_VALUE_BYTES = 65_535;

  private final String sql;
  private final boolean ranged;

  private TableChecksum(String sql, boolean ranged) {
    this.sql = sql;
    this.ranged = ranged;
  }

  /** The result: equal for two tables holding equal values in the given columns. */
  public record Sum(long rows, BigDecimal high, BigDecimal low) {
    public static final Sum ZERO = new Sum(0, BigDecimal.ZERO, BigDecimal.ZERO);

    /**
     * The sum of two disjoint parts: the checksum is a plain sum over rows, so the sums of all
     * ranges of a table equal the checksum of the whole table.
     */
    public Sum plus(Sum other) {
      return new Sum(rows + other.rows, high.add(other.high), low.add(other.low));
    }

    /** The two sums in hex, as one word for reports. */
    public String checksum() {
      return high.toBigInteger().toString(16) + "-" + low.toBigInteger().toString(16);
    }

    @Override
    public String toString() {
      return rows + " rows, checksum " + checksum();
    }
  }

  /** Over the whole table, with MD5 (which every server has). */
  public static TableChecksum whole(TableShape table, List<String> columns) {
    return whole(table, columns, Hash.MD5);
  }

  public static TableChecksum whole(TableShape table, List<String> columns, Hash hash) {
    return new TableChecksum(build(table, null, columns, "", hash), false);
  }

  /** Over one range of ids, {@code lo < pk <= hi}, with MD5 (which every server has). */
  public static TableChecksum ranged(TableShape table, List<String> columns) {
    return ranged(table, columns, Hash.MD5);
  }

  public static TableChecksum ranged(TableShape table, List<String> columns, Hash hash) {
    return ranged(table, null, columns, hash);
  }

  /**
   * Over one range of {@code table}, to compare with the same range of {@code other} (checksummed
   * by this method with the two swapped): a column declared alike on both sides prints alike, so
   * it is hashed as it prints, without the forms that make a widened column agree with its
   * narrower self (see {@link #canonical}). With {@code other} null, every column gets those.
   */
  public static TableChecksum ranged(TableShape table, TableShape other, List<String> columns,
      Hash hash) {
    String pk = Sql.quote(table.primaryKey());
    return new TableChecksum(build(table, other, columns,
        " WHERE " + pk + " > ? AND " + pk + " <= ?", hash), true);
  }

  /** The two sides of a range comparison, each checksummed against the other's declaration. */
  public record Sides(TableChecksum source, TableChecksum target) {}

  /**
   * The range checksums verification compares for {@code tables}: every column it verifies
   * ({@code ColumnMapping.verified}), on each side, with {@code hash}.
   */
  public static Sides ranged(TablePair tables, Hash hash) {
    List<String> columns = tables.mapping().verified();
    return new Sides(ranged(tables.source(), tables.target(), columns, hash),
        ranged(tables.target(), tables.source(), columns, hash));
  }

  public String sql() {
    return sql;
  }

  public Sum compute(Connection c) throws SQLException {
    return compute(c, null);
  }

  public Sum compute(Connection c, IdRange range) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (ranged) {
        ps.setLong(1, range.lo());
        ps.setLong(2, range.hi());
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(4) != rs.getLong(1)) {
          // CONCAT_WS returns NULL only when its text would exceed max_allowed_packet.
          throw new SQLException((rs.getLong(1) - rs.getLong(4)) + " rows" + (range == null ? ""
              : " in " + range) + " have a canonical text longer than the server's"
              + " max_allowed_packet, so the checksum cannot see them: raise max_allowed_packet"
              + " on the server (every value above " + BIG_VALUE_BYTES + " bytes counts only"
              + " 32 bytes of it)");
        }
        BigDecimal high = rs.getBigDecimal(2);
        BigDecimal low = rs.getBigDecimal(3);
        return new Sum(rs.getLong(1), high == null ? BigDecimal.ZERO : high,
            low == null ? BigDecimal.ZERO : low);
      }
    }
  }

  private static String build(TableShape table, TableShape other, List<String> columns,
      String where, Hash hash) {
    String row = columns.stream().map(name -> canonical(table.column(name),
        other == null ? null : other.column(name))).collect(Collectors.joining(", "));
    return "SELECT COUNT(*), " + hash.sums + ", COUNT(r)"
        + " FROM (SELECT CONCAT_WS(',', " + row + ") AS r FROM "
        + Sql.quote(table.database(), table.table()) + where + ") AS canonical_rows";
  }

  /**
   * The canonical text of one column's value, as an SQL expression. It is evaluated for every
   * row, twice with {@link Hash#CRC32_PAIR} (the server does not share it between the two sums),
   * so each type gets its cheapest exact form: measured on 2,000,000 CSMH rows, these forms
   * checksum the table in 7.8 s against 10.7 s with DATE_FORMAT and a CONCAT and IFNULL around
   * every column, for the same sums.
   */
  static String canonical(Column c) {
    return canonical(c, null);
  }

  /**
   * As {@link #canonical(Column)}, for a column whose counterpart on the other side is {@code
   * other}: where both are declared alike (type, width, scale, ZEROFILL, character set), their
   * values print alike, so the forms that reconcile different declarations are left out (a
   * FLOAT still prints as a DOUBLE: its own text loses digits). They cost the server: two TRIMs
   * and a CAST took the sums of a narrow 2,000,000-row table from about 1.0 s to 1.3-1.9 s.
   */
  static String canonical(Column c, Column other) {
    String v = Sql.quote(c.name());
    boolean alike = other != null && c.columnType().equals(other.columnType())
        && Objects.equals(c.charset(), other.charset());
    String text = switch (c.dataType()) {
      case "time" -> alike ? v : "CAST(" + v + " AS TIME(6))";
      // Six fractional digits whatever the column's own precision, so datetime and datetime(6)
      // agree, and a date agrees with the datetime it was copied into (a timestamp as in the
      // session's time zone, as widen's sessions set it).
      case "date", "datetime", "timestamp" -> alike ? v : "CAST(" + v + " AS DATETIME(6))";
      case "year" -> v;
      // By its index where both sides list the same labels: an invalid value stored in a
      // non-strict session is index 0 and prints '', as a label '' does (index 1 or more); a
      // copy through text turns the one into the other. Declared differently, the label is what
      // the copy keeps, and the text is what is compared.
      case "enum" -> alike ? "(" + v + " + 0)" : lengthPrefixed(c, false);
      default -> c.isNumber() ? number(c, alike) : lengthPrefixed(c, alike);
    };
    // CONCAT_WS skips a NULL, so a column that may hold one says so; one that cannot needs no
    // IFNULL, and a value that is there has the same text either way.
    return c.nullable() ? "IFNULL(" + text + ", '\\\\N')" : text;
  }

  /**
   * A number as its value prints, whatever the column's declaration adds: CONCAT_WS prints an
   * integer or a double as CONCAT would, a FLOAT as a DOUBLE (Column.exactText: a FLOAT prints
   * six digits only). ZEROFILL pads the text to the column's width (00042, 001.500), which a
   * wider column would not match: {@code + 0} prints the value alone. A DECIMAL drops the zeros
   * its scale adds, so 1.50 in DECIMAL(10,2) agrees with 1.5000 in DECIMAL(14,4), and 100.00
   * with 100 in DECIMAL(8,0). None of these prints a comma or a backslash, so none needs a length.
   * Declared {@code alike} on both sides, a number prints alike and needs neither.
   */
  private static String number(Column c, boolean alike) {
    if (alike) {
      return c.exactText();
    }
    boolean zerofill = c.columnType().contains("zerofill") && !c.dataType().equals("float");
    String value = zerofill ? "(" + Sql.quote(c.name()) + " + 0)" : c.exactText();
    boolean scaled = c.dataType().equals("decimal") && c.numericScale() != null
        && c.numericScale() > 0;
    return scaled ? "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM " + value + "))" : value;
  }

  /**
   * Text, bytes, BIT, ENUM, SET, JSON, spatial: anything whose text may hold a comma or a
   * backslash (a BIT(16) of 0x5C4E, or an ENUM label, can even read \N) goes with its length, and
   * text in utf8mb4 unless both sides hold it in the same character set ({@code alike}).
   */
  private static String lengthPrefixed(Column c, boolean alike) {
    String v = Sql.quote(c.name());
    String value;
    if (c.dataType().equals("bit")) {
      value = "CONCAT(" + v + ")";
    } else if (!alike && c.charset() != null && !"utf8mb4".equals(c.charset())) {
      value = "CONVERT(" + v + " USING utf8mb4)";
    } else {
      value = v;
    }
    String text = canBeBig(c) ? "IF(LENGTH(" + value + ") > " + BIG_VALUE_BYTES + ", MD5(" + value
        + "), " + value + ")" : value;
    return "CONCAT(LENGTH(" + value + "), ':', " + text + ")";
  }

  /** Whether a value of {@code c} can be longer than {@link #BIG_VALUE_BYTES}. */
  private static boolean canBeBig(Column c) {
    return switch (c.dataType()) {
      case "mediumtext", "longtext", "mediumblob", "longblob", "json", "geometry", "point",
          "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
          "geometrycollection" -> true;
      default -> false;
    };
  }
}
