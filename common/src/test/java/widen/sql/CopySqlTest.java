package widen.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import widen.testing.TestDatabase;

class CopySqlTest {
  private static final List<String> COLUMNS = List.of("id", "na`me", "grade");

  @Test
  void selectReadsTheRangeInIdOrderWithEveryNameQuoted() {
    CopySql sql = CopySql.of("edx`app", "cs`mh", "smh", "csmhe", "id", COLUMNS);
    assertEquals("SELECT `id`, `na``me`, `grade` FROM `edx``app`.`cs``mh`"
        + " WHERE `id` > ? AND `id` <= ? ORDER BY `id`", sql.select());
  }

  @Test
  void upsertUpdatesEveryColumnButThePrimaryKey() {
    CopySql sql = CopySql.of("edxapp", "csmh", "s`mh", "csm`he", "id", COLUMNS);
    assertEquals("INSERT INTO `s``mh`.`csm``he` (`id`, `na``me`, `grade`) VALUES (?, ?, ?)"
        + " ON DUPLICATE KEY UPDATE `na``me` = VALUES(`na``me`), `grade` = VALUES(`grade`)",
        sql.upsert(1));
  }

  @Test
  void aMultiRowUpsertRepeatsEachRowsValuesAndConvertsWhereTold() {
    CopySql sql = CopySql.of("a", "b", "c", "d", "id", List.of("id", "t"),
        List.of("`id`", "`t`"), List.of("?", "CONVERT(? USING latin1)"));
    assertEquals("INSERT INTO `c`.`d` (`id`, `t`) VALUES (?, CONVERT(? USING latin1)),"
        + " (?, CONVERT(? USING latin1)), (?, CONVERT(? USING latin1))"
        + " ON DUPLICATE KEY UPDATE `t` = VALUES(`t`)", sql.upsert(3));
    assertEquals(65_535 / 2, sql.maxRows(), "one placeholder per column and row, at most 65,535");
  }

  @Test
  void thePrimaryKeyIsRecognisedWhateverItsCase() {
    CopySql sql = CopySql.of("a", "b", "c", "d", "id", List.of("ID", "v"));
    assertEquals("INSERT INTO `c`.`d` (`ID`, `v`) VALUES (?, ?)"
        + " ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)", sql.upsert(1));
  }

  @Test
  void aTableOfOnlyThePrimaryKeyUpdatesTheKeyToItself() {
    CopySql sql = CopySql.of("a", "b", "c", "d", "id", List.of("id"));
    assertEquals("SELECT `id` FROM `a`.`b` WHERE `id` > ? AND `id` <= ? ORDER BY `id`",
        sql.select());
    assertEquals("INSERT INTO `c`.`d` (`id`) VALUES (?) ON DUPLICATE KEY UPDATE `id` = `id`",
        sql.upsert(1));
  }

  @Test
  void theStatementsRunAndCopyingARangeTwiceLeavesTheSourceValues() throws SQLException {
    try (TestDatabase db = TestDatabase.create("copysql"); Connection c = db.connect()) {
      db.execute("CREATE TABLE `s``rc` (id INT PRIMARY KEY, `na``me` VARCHAR(10), grade DOUBLE)");
      db.execute("CREATE TABLE `d``st` (id BIGINT UNSIGNED PRIMARY KEY, `na``me` VARCHAR(10),"
          + " grade DOUBLE)");
      db.execute("INSERT INTO `s``rc` VALUES (1, 'a', 0.5), (2, NULL, 1), (3, 'c', NULL),"
          + " (4, 'out', 2)");
      db.execute("INSERT INTO `d``st` VALUES (2, 'stale', 9)");
      CopySql sql = CopySql.of(db.name(), "s`rc", db.name(), "d`st", "id", COLUMNS);
      copy(c, sql, 0, 3);
      copy(c, sql, 0, 3);
      assertEquals(List.of("1|a|0.5", "2|null|1.0", "3|c|null"), rows(c, db.name()));
    }
  }

  private static void copy(Connection c, CopySql sql, long lo, long hi) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(sql.select());
        PreparedStatement upsert = c.prepareStatement(sql.upsert(1))) {
      select.setLong(1, lo);
      select.setLong(2, hi);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          for (int i = 1; i <= COLUMNS.size(); i++) {
            upsert.setObject(i, rs.getObject(i));
          }
          upsert.addBatch();
        }
      }
      upsert.executeBatch();
    }
  }

  private static List<String> rows(Connection c, String db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT id, `na``me`, grade FROM " + Sql.quote(db, "d`st") + " ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getObject(3));
      }
    }
    return out;
  }
}
