package widen.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import widen.WidenException;
import widen.testing.TestDatabase;

/** Introspection and mapping against a real MariaDB, with the Open edX history tables. */
class TableShapeTest {
  private static final String SOURCE_TABLE = "courseware_studentmodulehistory";
  private static final String TARGET_TABLE =
      "coursewarehistoryextended_studentmodulehistoryextended";

  private TestDatabase sourceDb;
  private TestDatabase targetDb;
  private Connection c;
  private String source;
  private String target;

  @BeforeEach
  void createDatabases() throws SQLException {
    sourceDb = TestDatabase.create("schema_src");
    targetDb = TestDatabase.create("schema_tgt");
    source = sourceDb.name();
    target = targetDb.name();
    c = sourceDb.connect();
    sql("CREATE TABLE " + source + "." + SOURCE_TABLE + " ("
        + " id int(11) NOT NULL AUTO_INCREMENT, version varchar(255) DEFAULT NULL,"
        + " created datetime NOT NULL, state longtext, grade double DEFAULT NULL,"
        + " max_grade double DEFAULT NULL, student_module_id int(11) NOT NULL,"
        + " PRIMARY KEY (id), KEY (version), KEY (created), KEY (student_module_id))");
  }

  @AfterEach
  void dropDatabases() throws SQLException {
    try (TestDatabase s = sourceDb; TestDatabase t = targetDb) {
      c.close();
    }
  }

  private void sql(String statement) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** The extended history table as Open edX creates it, with student_module_id's type given. */
  private void createTarget(String studentModuleIdType) throws SQLException {
    sql("CREATE TABLE " + target + "." + TARGET_TABLE + " ("
        + " version varchar(255) DEFAULT NULL, created datetime(6) NOT NULL, state longtext,"
        + " grade double DEFAULT NULL, max_grade double DEFAULT NULL,"
        + " id bigint(20) unsigned NOT NULL AUTO_INCREMENT,"
        + " student_module_id " + studentModuleIdType + " NOT NULL,"
        + " PRIMARY KEY (id), KEY (version), KEY (created), KEY (student_module_id))");
  }

  private TableShape sourceShape() {
    return TableShape.introspect(c, "source", source, SOURCE_TABLE);
  }

  private TableShape targetShape() {
    return TableShape.introspect(c, "target", target, TARGET_TABLE);
  }

  private static String oneLineFailure(Executable executable) {
    String message = assertThrows(WidenException.class, executable).getMessage();
    assertFalse(message.contains("\n"), message);
    return message;
  }

  @Test
  void introspectsTheSourceTable() {
    TableShape shape = sourceShape();
    assertEquals("id", shape.primaryKey());
    assertEquals(List.of("id", "version", "created", "state", "grade", "max_grade",
        "student_module_id"), shape.columns().stream().map(Column::name).toList());
    Column id = shape.column("ID");
    assertTrue(id.autoIncrement() && id.isInteger() && !id.unsigned() && !id.nullable());
    assertEquals(4, id.integerBytes());
    Column version = shape.column("version");
    assertEquals("varchar(255)", version.columnType());
    assertEquals(255L, version.charMaxLength());
    assertEquals("utf8mb4", version.charset());
    assertTrue(version.nullable() && version.hasDefault());
    Column created = shape.column("created");
    assertTrue(created.isTemporal() && !created.nullable() && !created.hasDefault());
    assertEquals(0, created.datetimePrecision());
    assertTrue(shape.column("state").isText());
    assertEquals("double", shape.column("grade").dataType());
    assertNull(shape.column("nope"));
    assertTrue(shape.leadsAnIndex("created"));
    assertTrue(shape.leadsAnIndex("id"));
    assertFalse(shape.leadsAnIndex("state"));
  }

  @Test
  void mapsTheSourceOntoTheExtendedTable() throws SQLException {
    createTarget("int(11)");
    ColumnMapping mapping = ColumnMapping.map(sourceShape(), targetShape());
    assertEquals("id", mapping.primaryKey());
    assertEquals(List.of("id", "version", "created", "state", "grade", "max_grade",
        "student_module_id"), mapping.columns());
    assertEquals(List.of("id"), mapping.nonNegativeChecks());
  }

  @Test
  void unsignedTargetsOfSignedColumnsAreCheckedForNegativeValues() throws SQLException {
    createTarget("bigint(20) unsigned");
    TableShape sourceShape = sourceShape();
    TableShape targetShape = targetShape();
    ColumnMapping mapping = ColumnMapping.map(sourceShape, targetShape);
    assertEquals(List.of("id", "student_module_id"), mapping.nonNegativeChecks());
    String table = mapping.describe(sourceShape, targetShape);
    assertTrue(table.contains("int(11) NOT NULL") && table.contains("bigint(20) unsigned NOT NULL"),
        table);
    assertTrue(table.lines().anyMatch(line -> line.contains("created")
        && line.contains("datetime NOT NULL") && line.contains("-> datetime(6) NOT NULL")), table);
    assertTrue(table.contains("primary key"), table);
  }

  @Test
  void missingDatabaseAndTableNameTheConfigKeys() {
    assertEquals("source table " + source + ".nope not found: check source.table and source.url",
        oneLineFailure(() -> TableShape.introspect(c, "source", source, "nope")));
    assertEquals("target database " + target + "_x not found: check target.url",
        oneLineFailure(() -> TableShape.introspect(c, "target", target + "_x", "t")));
  }

  @Test
  void everyColumnProblemIsReportedInOneLine() throws SQLException {
    sql("CREATE TABLE " + target + ".narrow (id bigint unsigned NOT NULL AUTO_INCREMENT,"
        + " version varchar(100), created datetime(6) NOT NULL, state longtext,"
        + " grade double, student_module_id int NOT NULL, extra int NOT NULL,"
        + " PRIMARY KEY (id))");
    TableShape narrow = TableShape.introspect(c, "target", target, "narrow");
    String message = oneLineFailure(() -> ColumnMapping.map(sourceShape(), narrow));
    assertEquals("target " + target + ".narrow cannot hold " + source + "." + SOURCE_TABLE
        + ": column version: source is varchar(255), target is varchar(100)"
        + "; column max_grade missing in target"
        + "; target column extra is not in source and has no default"
        + ": widen the target columns (ALTER TABLE ... MODIFY)"
        + " or use --create-target on an empty target database", message);
  }

  @Test
  void extraTargetColumnsWithADefaultAreFine() throws SQLException {
    createTarget("int(11)");
    sql("ALTER TABLE " + target + "." + TARGET_TABLE
        + " ADD COLUMN note varchar(10), ADD COLUMN n int NOT NULL DEFAULT 0");
    assertEquals(7, ColumnMapping.map(sourceShape(), targetShape()).columns().size());
  }

  @Test
  void aTargetIdThatIsNot64BitIsRefusedThoughIntHoldsInt() throws SQLException {
    createTarget("int(11)");
    sql("ALTER TABLE " + target + "." + TARGET_TABLE
        + " MODIFY id int(11) NOT NULL AUTO_INCREMENT");
    String message = oneLineFailure(() -> ColumnMapping.map(sourceShape(), targetShape()));
    assertEquals("target " + target + "." + TARGET_TABLE + " cannot hold " + source + "."
        + SOURCE_TABLE + ": primary key id is int(11) in target, not a 64-bit bigint"
        + ": widen the target columns (ALTER TABLE ... MODIFY)"
        + " or use --create-target on an empty target database", message);
    sql("ALTER TABLE " + target + "." + TARGET_TABLE + " MODIFY id bigint NOT NULL AUTO_INCREMENT");
    assertEquals("id", ColumnMapping.map(sourceShape(), targetShape()).primaryKey(),
        "a signed bigint is 64-bit too");
  }

  @Test
  void differentPrimaryKeysAreRefused() throws SQLException {
    sql("CREATE TABLE " + target + ".other (row_id bigint unsigned NOT NULL, id int,"
        + " version varchar(255), created datetime, state longtext, grade double,"
        + " max_grade double, student_module_id int, PRIMARY KEY (row_id))");
    TableShape other = TableShape.introspect(c, "target", target, "other");
    String message = oneLineFailure(() -> ColumnMapping.map(sourceShape(), other));
    assertTrue(message.contains("primary key is id in source but row_id in target"), message);
  }

  @Test
  void tablesWithoutASingleIntegerKeyAreRefused() throws SQLException {
    sql("CREATE TABLE " + source + ".composite (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b))");
    sql("CREATE TABLE " + source + ".keyless (a int)");
    sql("CREATE TABLE " + source + ".named (code varchar(10) NOT NULL PRIMARY KEY)");
    String why = ": widen copies tables with a single integer primary key";
    assertEquals("source table " + source + ".composite has a composite primary key (a, b)" + why,
        oneLineFailure(() -> TableShape.introspect(c, "source", source, "composite")));
    assertEquals("source table " + source + ".keyless has no primary key" + why,
        oneLineFailure(() -> TableShape.introspect(c, "source", source, "keyless")));
    assertEquals("source table " + source + ".named has primary key code of type varchar(10)"
        + why, oneLineFailure(() -> TableShape.introspect(c, "source", source, "named")));
  }

  @Test
  void generatedTargetDdlRunsAndMapsBack() throws SQLException {
    String showCreate = TableShape.showCreate(c, source, SOURCE_TABLE);
    sql(TargetTableDdl.createTableSql(showCreate, target, "widened", "id"));
    TableShape widened = TableShape.introspect(c, "target", target, "widened");
    Column id = widened.primaryKeyColumn();
    assertEquals("bigint(20) unsigned", id.columnType());
    assertTrue(id.autoIncrement());
    ColumnMapping mapping = ColumnMapping.map(sourceShape(), widened);
    assertEquals(7, mapping.columns().size());
    assertEquals(List.of("id"), mapping.nonNegativeChecks());
  }

  @Test
  void generatedColumnsAreLeftToTheTarget() throws SQLException {
    sql("CREATE TABLE " + source + ".g (id int NOT NULL PRIMARY KEY, a int,"
        + " b int GENERATED ALWAYS AS (a + 1) VIRTUAL)");
    sql(TargetTableDdl.createTableSql(TableShape.showCreate(c, source, "g"), target, "g", "id"));
    TableShape sourceShape = TableShape.introspect(c, "source", source, "g");
    assertTrue(sourceShape.column("b").generated() && sourceShape.column("b").hasDefault());
    ColumnMapping mapping =
        ColumnMapping.map(sourceShape, TableShape.introspect(c, "target", target, "g"));
    assertEquals(List.of("id", "a"), mapping.columns());
    assertEquals(List.of("id", "a", "b"), mapping.verified(), "b is computed on each side, and"
        + " compared");
  }
}
