package widen.schema;

import java.util.Set;
import widen.sql.Sql;

/**
 * One column as information_schema.COLUMNS describes it.
 *
 * <p>Lengths and precisions are boxed because information_schema leaves them NULL where they do
 * not apply (no character length for an int, no precision for a varchar).
 *
 * @param dataType lowercase DATA_TYPE, e.g. "int", "varchar"; MariaDB reports json as "longtext"
 * @param columnType full COLUMN_TYPE, e.g. "int(11) unsigned", used in messages
 * @param hasDefault whether an INSERT may leave this column out: it has a default, is nullable,
 *     is auto_increment or is generated
 * @param generated a VIRTUAL or STORED generated column: readable, but never written by an INSERT
 */
public record Column(
    String name,
    String dataType,
    String columnType,
    boolean unsigned,
    boolean nullable,
    Long charMaxLength,
    Long octetLength,
    Integer numericPrecision,
    Integer numericScale,
    Integer datetimePrecision,
    String charset,
    boolean hasDefault,
    boolean autoIncrement,
    boolean generated) {

  private static final Set<String> TEXT =
      Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext");
  private static final Set<String> BINARY =
      Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");
  private static final Set<String> TEMPORAL =
      Set.of("date", "datetime", "timestamp", "time", "year");

  public boolean isInteger() {
    return switch (dataType) {
      case "tinyint", "smallint", "mediumint", "int", "bigint" -> true;
      default -> false;
    };
  }

  /** An integer, DECIMAL, FLOAT or DOUBLE. */
  public boolean isNumber() {
    return isInteger() || switch (dataType) {
      case "decimal", "float", "double" -> true;
      default -> false;
    };
  }

  /** Storage size of an integer column, which is what decides which values it can hold. */
  public int integerBytes() {
    return switch (dataType) {
      case "tinyint" -> 1;
      case "smallint" -> 2;
      case "mediumint" -> 3;
      case "int" -> 4;
      case "bigint" -> 8;
      default -> throw new IllegalStateException(name + " is " + columnType + ", not an integer");
    };
  }

  public boolean isText() {
    return TEXT.contains(dataType);
  }

  /** The *text types, whose capacity is counted in bytes rather than characters. */
  public boolean isLongText() {
    return dataType.endsWith("text");
  }

  public boolean isBinary() {
    return BINARY.contains(dataType);
  }

  public boolean isTemporal() {
    return TEMPORAL.contains(dataType);
  }

  /** Fractional-second digits; information_schema says NULL for date and year, which have none. */
  public int fractionalDigits() {
    return datetimePrecision == null ? 0 : datetimePrecision;
  }

  /**
   * The column as an SQL expression whose text is its exact value, for what reads values as text
   * (the copy through a worker, the verification's checksum). The server prints a FLOAT with six
   * significant digits only (123456789, stored as 123456792, prints as 123457000), which would
   * round it on the way and hide the rounding from a checksum of the same text; as a DOUBLE,
   * which holds every float exactly, it prints as many digits as it takes.
   */
  public String exactText() {
    String v = Sql.quote(name);
    return dataType.equals("float") ? "CAST(" + v + " AS DOUBLE)" : v;
  }

  /** "int(11) unsigned NOT NULL", for messages and the dry-run table. */
  public String describe() {
    return columnType + (nullable ? " NULL" : " NOT NULL");
  }
}
