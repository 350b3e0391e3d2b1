package widen.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TypeCompatibilityTest {

  // Columns built the way information_schema on MariaDB describes them; all nullable unless
  // notNull() says otherwise, so the type rules are tested apart from the NULL rule.

  private static Column integer(String type, boolean unsigned) {
    int width = Map.of("tinyint", 4, "smallint", 6, "mediumint", 9, "int", 11, "bigint", 20)
        .get(type);
    String columnType = type + "(" + width + ")" + (unsigned ? " unsigned" : "");
    return new Column("c", type, columnType, unsigned, true, null, null, width - 1, 0, null,
        null, true, false, false);
  }

  private static Column chars(String type, long length, String charset) {
    int perChar = Map.of("utf8mb4", 4, "utf8mb3", 3, "latin1", 1, "ascii", 1).get(charset);
    return new Column("c", type, type + "(" + length + ")", false, true, length,
        length * perChar, null, null, null, charset, true, false, false);
  }

  private static Column text(String type, String charset) {
    long bytes = Map.of("tinytext", 255L, "text", 65_535L, "mediumtext", 16_777_215L,
        "longtext", 4_294_967_295L).get(type);
    return new Column("c", type, type, false, true, bytes, bytes, null, null, null, charset,
        true, false, false);
  }

  private static Column bytes(String type, long length) {
    String columnType = type.endsWith("blob") ? type : type + "(" + length + ")";
    return new Column("c", type, columnType, false, true, length, length, null, null, null,
        null, true, false, false);
  }

  private static Column blob(String type) {
    long bytes = Map.of("tinyblob", 255L, "blob", 65_535L, "mediumblob", 16_777_215L,
        "longblob", 4_294_967_295L).get(type);
    return bytes(type, bytes);
  }

  private static Column decimal(int precision, int scale) {
    return new Column("c", "decimal", "decimal(" + precision + "," + scale + ")", false, true,
        null, null, precision, scale, null, null, true, false, false);
  }

  private static Column floating(String type) {
    return new Column("c", type, type, false, true, null, null,
        type.equals("float") ? 12 : 22, null, null, null, true, false, false);
  }

  private static Column temporal(String type, int precision) {
    String columnType = precision == 0 ? type : type + "(" + precision + ")";
    Integer datetimePrecision = type.equals("date") || type.equals("year") ? null : precision;
    return new Column("c", type, columnType, false, true, null, null, null, null,
        datetimePrecision, null, true, false, false);
  }

  private static Column other(String type, String columnType) {
    return new Column("c", type, columnType, false, true, null, null, null, null, null, null,
        true, false, false);
  }

  private static Column notNull(Column c) {
    return new Column(c.name(), c.dataType(), c.columnType(), c.unsigned(), false,
        c.charMaxLength(), c.octetLength(), c.numericPrecision(), c.numericScale(),
        c.datetimePrecision(), c.charset(), c.autoIncrement(), c.autoIncrement(), false);
  }

  private static void accepted(Column source, Column target) {
    assertEquals(Optional.empty(), TypeCompatibility.problem(source, target),
        source.columnType() + " -> " + target.columnType());
  }

  private static void refused(Column source, Column target, String reason) {
    assertEquals(Optional.of(reason), TypeCompatibility.problem(source, target));
  }

  private static void refused(Column source, Column target) {
    refused(source, target,
        "source is " + source.columnType() + ", target is " + target.columnType());
  }

  @Test
  void intIntoBigintUnsignedIsAcceptedButNeedsTheNonNegativeCheck() {
    Column source = integer("int", false);
    Column target = integer("bigint", true);
    accepted(source, target);
    assertTrue(TypeCompatibility.needsNonNegativeCheck(source, target));
  }

  @Test
  void signedIntoUnsignedNeedsAsManyBytes() {
    accepted(integer("int", false), integer("int", true));
    assertTrue(TypeCompatibility.needsNonNegativeCheck(integer("int", false), integer("int", true)));
    refused(integer("bigint", false), integer("int", true));
    assertFalse(
        TypeCompatibility.needsNonNegativeCheck(integer("bigint", false), integer("int", true)));
  }

  @Test
  void unsignedIntoUnsignedNeedsAsManyBytes() {
    accepted(integer("int", true), integer("bigint", true));
    accepted(integer("mediumint", true), integer("mediumint", true));
    refused(integer("int", true), integer("mediumint", true));
    assertFalse(TypeCompatibility.needsNonNegativeCheck(integer("int", true), integer("bigint", true)));
  }

  @Test
  void signedIntoSignedNeedsAsManyBytes() {
    accepted(integer("int", false), integer("bigint", false));
    accepted(integer("tinyint", false), integer("tinyint", false));
    refused(integer("smallint", false), integer("tinyint", false));
    assertFalse(TypeCompatibility.needsNonNegativeCheck(integer("int", false), integer("int", false)));
  }

  @Test
  void unsignedIntoSignedNeedsMoreBytes() {
    refused(integer("int", true), integer("int", false));
    accepted(integer("int", true), integer("bigint", false));
    refused(integer("bigint", true), integer("bigint", false));
  }

  @Test
  void integerIntoOtherFamiliesIsRefused() {
    refused(integer("int", false), decimal(20, 0));
    refused(integer("int", false), floating("double"));
    refused(integer("int", false), chars("varchar", 20, "utf8mb4"));
  }

  @Test
  void decimalNeedsAsManyWholeDigitsAndDecimals() {
    accepted(decimal(10, 2), decimal(10, 2));
    accepted(decimal(10, 2), decimal(12, 4));
    refused(decimal(10, 2), decimal(10, 4));
    refused(decimal(10, 4), decimal(10, 2));
    refused(decimal(10, 2), floating("double"));
  }

  @Test
  void floatingPointMayOnlyGrow() {
    accepted(floating("float"), floating("float"));
    accepted(floating("float"), floating("double"));
    accepted(floating("double"), floating("double"));
    refused(floating("double"), floating("float"));
    refused(floating("double"), decimal(30, 10));
  }

  @Test
  void varcharNeedsAsManyCharacters() {
    accepted(chars("varchar", 100, "utf8mb4"), chars("varchar", 100, "utf8mb4"));
    accepted(chars("varchar", 100, "utf8mb4"), chars("varchar", 255, "utf8mb4"));
    accepted(chars("char", 10, "utf8mb4"), chars("varchar", 10, "utf8mb4"));
    refused(chars("varchar", 100, "utf8mb4"), chars("varchar", 50, "utf8mb4"),
        "source is varchar(100), target is varchar(50)");
  }

  @Test
  void charTargetTakesOnlyChar() {
    accepted(chars("char", 10, "utf8mb4"), chars("char", 12, "utf8mb4"));
    refused(chars("char", 10, "utf8mb4"), chars("char", 8, "utf8mb4"));
    refused(chars("varchar", 10, "utf8mb4"), chars("char", 10, "utf8mb4"),
        "source is varchar(10), target is char(10), which drops trailing spaces");
  }

  @Test
  void textAndVarcharMixWhenTheCapacityHolds() {
    accepted(text("longtext", "utf8mb4"), text("longtext", "utf8mb4"));
    accepted(text("text", "utf8mb4"), text("mediumtext", "utf8mb4"));
    refused(text("mediumtext", "utf8mb4"), text("text", "utf8mb4"));
    accepted(chars("varchar", 255, "utf8mb4"), text("text", "utf8mb4"));
    // 255 four-byte characters are 1020 bytes, more than tinytext's 255.
    refused(chars("varchar", 255, "utf8mb4"), text("tinytext", "utf8mb4"));
    accepted(chars("varchar", 60, "utf8mb4"), text("tinytext", "utf8mb4"));
    accepted(text("tinytext", "utf8mb4"), chars("varchar", 255, "utf8mb4"));
    // text may hold 65535 one-byte characters, four times what varchar(16384) takes.
    refused(text("text", "utf8mb4"), chars("varchar", 16_384, "utf8mb4"));
  }

  @Test
  void charsetMustBeTheSameOrGrowIntoUtf8mb4() {
    accepted(chars("varchar", 50, "latin1"), chars("varchar", 50, "utf8mb4"));
    accepted(chars("varchar", 50, "utf8mb3"), chars("varchar", 50, "utf8mb4"));
    accepted(chars("varchar", 50, "ascii"), chars("varchar", 50, "utf8mb4"));
    accepted(chars("varchar", 50, "latin1"), chars("varchar", 50, "latin1"));
    refused(chars("varchar", 50, "utf8mb4"), chars("varchar", 50, "latin1"),
        "source charset is utf8mb4, target charset is latin1");
    refused(chars("varchar", 50, "utf8mb4"), chars("varchar", 50, "utf8mb3"),
        "source charset is utf8mb4, target charset is utf8mb3");
    refused(chars("varchar", 50, "latin1"), chars("varchar", 50, "ascii"),
        "source charset is latin1, target charset is ascii");
  }

  @Test
  void latin1TextGrowsUpToThreeTimesInUtf8mb4() {
    accepted(text("text", "latin1"), text("mediumtext", "utf8mb4"));
    refused(text("text", "latin1"), text("text", "utf8mb4"));
    accepted(chars("varchar", 85, "latin1"), text("tinytext", "utf8mb4"));
    refused(chars("varchar", 86, "latin1"), text("tinytext", "utf8mb4"));
  }

  @Test
  void binaryFamilyComparesBytes() {
    accepted(bytes("varbinary", 16), bytes("varbinary", 32));
    refused(bytes("varbinary", 32), bytes("varbinary", 16));
    accepted(blob("blob"), blob("longblob"));
    refused(blob("mediumblob"), blob("blob"));
    accepted(bytes("varbinary", 255), blob("tinyblob"));
    accepted(bytes("binary", 16), bytes("varbinary", 16));
    accepted(bytes("binary", 16), bytes("binary", 16));
    // binary pads with zero bytes: a longer binary would change the value.
    refused(bytes("binary", 16), bytes("binary", 20));
    refused(bytes("varbinary", 16), bytes("binary", 16));
    refused(bytes("varbinary", 16), chars("varchar", 16, "utf8mb4"));
    refused(chars("varchar", 16, "utf8mb4"), bytes("varbinary", 64));
  }

  @Test
  void datetimeMayGainPrecisionOnly() {
    accepted(temporal("datetime", 0), temporal("datetime", 6));
    accepted(temporal("datetime", 3), temporal("datetime", 3));
    refused(temporal("datetime", 6), temporal("datetime", 0),
        "source is datetime(6), target is datetime");
    refused(temporal("datetime", 0), temporal("timestamp", 0));
  }

  @Test
  void timestampGoesIntoTimestampOrDatetime() {
    accepted(temporal("timestamp", 0), temporal("timestamp", 3));
    accepted(temporal("timestamp", 3), temporal("datetime", 6));
    refused(temporal("timestamp", 6), temporal("datetime", 0));
    refused(temporal("timestamp", 0), temporal("date", 0));
  }

  @Test
  void dateTimeAndYear() {
    accepted(temporal("date", 0), temporal("date", 0));
    accepted(temporal("date", 0), temporal("datetime", 0));
    refused(temporal("date", 0), temporal("timestamp", 0));
    accepted(temporal("time", 0), temporal("time", 6));
    refused(temporal("time", 6), temporal("time", 0));
    refused(temporal("time", 0), temporal("datetime", 0));
    accepted(temporal("year", 0), temporal("year", 0));
    refused(temporal("year", 0), integer("int", false));
  }

  @Test
  void otherTypesMustBeIdentical() {
    accepted(other("enum", "enum('a','b')"), other("enum", "enum('a','b')"));
    refused(other("enum", "enum('a','b')"), other("enum", "enum('a')"));
    refused(other("enum", "enum('a','b')"), other("enum", "enum('a','b','c')"));
    accepted(other("set", "set('x','y')"), other("set", "set('x','y')"));
    accepted(other("bit", "bit(3)"), other("bit", "bit(3)"));
    refused(other("bit", "bit(3)"), other("bit", "bit(8)"));
    refused(other("enum", "enum('a')"), chars("varchar", 10, "utf8mb4"));
  }

  @Test
  void nullableSourceNeedsNullableTarget() {
    refused(integer("int", false), notNull(integer("int", false)),
        "source allows NULL, target is NOT NULL");
    accepted(notNull(integer("int", false)), integer("int", false));
    accepted(notNull(integer("int", false)), notNull(integer("bigint", true)));
  }

  @Test
  void typeAndNullProblemsAreBothReported() {
    refused(temporal("datetime", 6), notNull(temporal("datetime", 0)),
        "source is datetime(6), target is datetime and source allows NULL, target is NOT NULL");
  }
}
