package widen.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import widen.WidenException;
import widen.config.DbEndpoint;
import widen.config.Secret;
import widen.db.Databases;
import widen.read.HistoryReader.Row;
import widen.read.HistoryReader.Tables;
import widen.schema.TableShape;
import widen.testing.TestDatabase;
import widen.testing.TestServices;

/**
 * A CSMH-like old table and its widened copy, mid-migration, for key 42: ids 1-5 in the source,
 * 1-3 already copied (id 2 changed in the source since), 100-101 written to the target only.
 * Key 7 has rows of its own in both tables.
 */
class HistoryReaderTest {
  private static final List<String> COLUMNS =
      List.of("id", "created", "state", "grade", "student_module_id");

  private TestDatabase sourceDb;
  private TestDatabase targetDb;
  private HikariDataSource source;
  private HikariDataSource target;
  private TableShape sourceShape;
  private TableShape targetShape;
  private HistoryReader reader;

  @BeforeEach
  void createTables() throws SQLException {
    sourceDb = TestDatabase.create("read_src");
    targetDb = TestDatabase.create("read_dst");
    sourceDb.execute("CREATE TABLE csmh (id int NOT NULL AUTO_INCREMENT PRIMARY KEY,"
        + " created datetime NOT NULL, state longtext, grade double,"
        + " student_module_id int NOT NULL, KEY (student_module_id))");
    targetDb.execute("CREATE TABLE csmh (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,"
        + " created datetime(6) NOT NULL, state longtext, grade double,"
        + " student_module_id bigint unsigned NOT NULL, KEY (student_module_id))");
    for (int id = 1; id <= 5; id++) {
      insert(sourceDb, id, "'s" + id + "'", "0.5", 42);
    }
    insert(sourceDb, 6, "'other'", "1", 7);
    for (int id = 1; id <= 3; id++) {
      insert(targetDb, id, "'s" + id + "'", "0.5", 42);
    }
    insert(targetDb, 6, "'other'", "1", 7);
    sourceDb.execute("UPDATE csmh SET state = 's2 updated' WHERE id = 2");
    insert(targetDb, 100, "'t100'", "0.75", 42);
    insert(targetDb, 101, "NULL", "NULL", 42);
    insert(targetDb, 102, "'other new'", "1", 7);
    source = pool(sourceDb, "source");
    target = pool(targetDb, "target");
    sourceShape = shape(source, "source", sourceDb);
    targetShape = shape(target, "target", targetDb);
    reader = reader("student_module_id", targetShape);
  }

  @AfterEach
  void drop() throws SQLException {
    source.close();
    target.close();
    try {
      sourceDb.close();
    } finally {
      targetDb.close();
    }
  }

  @Test
  void bothMergesNewestFirstEachIdOnceSourceVersionWins() throws SQLException {
    List<Row> rows = reader.history("42", Tables.BOTH, 100);

    assertEquals(List.of(101L, 100L, 5L, 4L, 3L, 2L, 1L), ids(rows));
    assertEquals(List.of("target", "target", "source", "source", "source", "source", "source"),
        rows.stream().map(Row::table).toList());
    assertEquals("s2 updated", byId(rows, 2).values().get("state"));
    assertEquals("t100", byId(rows, 100).values().get("state"));
    assertEquals(COLUMNS, List.copyOf(rows.get(0).values().keySet()));
    // The driver decides the text of a datetime (".0" or not): only its start is ours.
    assertTrue(byId(rows, 5).values().get("created").startsWith("2020-01-01 00:00:05"));
  }

  @Test
  void targetOnlyIgnoresTheSource() throws SQLException {
    List<Row> rows = reader.history("42", Tables.TARGET_ONLY, 100);

    assertEquals(List.of(101L, 100L, 3L, 2L, 1L), ids(rows));
    assertTrue(rows.stream().allMatch(r -> r.table().equals("target")));
    assertEquals("s2", byId(rows, 2).values().get("state"));
  }

  @Test
  void limitKeepsTheNewest() throws SQLException {
    assertEquals(List.of(101L, 100L, 5L), ids(reader.history("42", Tables.BOTH, 3)));
    // 6 of 7: the copies of 3, 2 and 1 must not take places in the window.
    assertEquals(List.of(101L, 100L, 5L, 4L, 3L, 2L), ids(reader.history("42", Tables.BOTH, 6)));
    assertEquals(List.of(101L), ids(reader.history("42", Tables.TARGET_ONLY, 1)));
  }

  @Test
  void otherKeysRowsAreLeftOut() throws SQLException {
    assertEquals(List.of(102L, 6L), ids(reader.history("7", Tables.BOTH, 100)));
    assertEquals(List.of("target", "source"),
        reader.history("7", Tables.BOTH, 100).stream().map(Row::table).toList());
    assertEquals(List.of(), reader.history("43", Tables.BOTH, 100));
  }

  @Test
  void nullStaysNull() throws SQLException {
    Row row = byId(reader.history("42", Tables.BOTH, 100), 101);

    assertTrue(row.values().containsKey("state"));
    assertNull(row.values().get("state"));
    assertNull(row.values().get("grade"));
  }

  @Test
  void keyColumnWithoutAnIndexIsRefused() {
    WidenException e = assertThrows(WidenException.class, () -> reader("grade", targetShape));
    assertEquals("read key column grade has no index on source " + sourceDb.name()
        + ".csmh: add an index on grade or choose another read.key_column", e.getMessage());

    // Indexed in the source only: the target must have its own index too.
    TableShape unindexed = new TableShape(targetShape.database(), targetShape.table(),
        targetShape.columns(), targetShape.primaryKey());
    e = assertThrows(WidenException.class, () -> reader("student_module_id", unindexed));
    assertTrue(e.getMessage().contains("has no index on target " + targetDb.name() + ".csmh"),
        e.getMessage());
  }

  @Test
  void missingKeyColumnIsRefused() {
    WidenException e = assertThrows(WidenException.class, () -> reader("user_id", targetShape));
    assertEquals("read key column user_id not found on source " + sourceDb.name()
        + ".csmh: choose another read.key_column", e.getMessage());
  }

  @Test
  void binaryValuesAreLowercaseHex() throws SQLException {
    sourceDb.execute("CREATE TABLE b (id int PRIMARY KEY, k int, data varbinary(4), KEY (k))");
    targetDb.execute("CREATE TABLE b (id bigint PRIMARY KEY, k bigint, data blob, KEY (k))");
    sourceDb.execute("INSERT INTO b VALUES (1, 9, x'00ABff'), (2, 9, NULL)");
    targetDb.execute("INSERT INTO b VALUES (3, 9, x'C0')");
    HistoryReader binary = new HistoryReader(source, shape(source, "source", sourceDb, "b"),
        target, shape(target, "target", targetDb, "b"), List.of("id", "data"), "k");

    List<Row> rows = binary.history("9", Tables.BOTH, 10);

    assertEquals(Arrays.asList("c0", null, "00abff"),
        rows.stream().map(r -> r.values().get("data")).toList());
  }

  private HistoryReader reader(String keyColumn, TableShape targetShape) {
    return new HistoryReader(source, sourceShape, target, targetShape, COLUMNS, keyColumn);
  }

  private static void insert(TestDatabase db, long id, String state, String grade, long key)
      throws SQLException {
    db.execute("INSERT INTO csmh VALUES (" + id + ", '2020-01-01 00:00:0" + (id % 10) + "', "
        + state + ", " + grade + ", " + key + ")");
  }

  private static HikariDataSource pool(TestDatabase db, String role) {
    return Databases.pool(new DbEndpoint(role, db.url(), TestServices.dbUser(),
        new Secret(TestServices.dbPassword()), "csmh"), 2, "read-" + role);
  }

  private static TableShape shape(HikariDataSource ds, String role, TestDatabase db)
      throws SQLException {
    return shape(ds, role, db, "csmh");
  }

  private static TableShape shape(HikariDataSource ds, String role, TestDatabase db, String table)
      throws SQLException {
    try (Connection c = ds.getConnection()) {
      return TableShape.introspect(c, role, db.name(), table);
    }
  }

  private static List<Long> ids(List<Row> rows) {
    return rows.stream().map(Row::id).toList();
  }

  private static Row byId(List<Row> rows, long id) {
    return rows.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }
}
