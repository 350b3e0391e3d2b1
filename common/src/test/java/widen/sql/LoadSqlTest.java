package widen.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import widen.sql.LoadSql.Encoding;
import widen.sql.LoadSql.Field;

class LoadSqlTest {
  @Test
  void directColumnsLoadByNameAndOthersThroughAVariableAndTheirDecoding() {
    String sql = LoadSql.of("s`mh", "csmhe", List.of(new Field("id", Encoding.DIRECT, null),
        new Field("st`ate", Encoding.DIRECT, "utf8mb4"), new Field("raw", Encoding.HEX, null),
        new Field("name", Encoding.CONVERT, "latin1")));
    assertEquals("LOAD DATA LOCAL INFILE 'widen-range' REPLACE INTO TABLE `s``mh`.`csmhe`"
        + " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\'"
        + " LINES TERMINATED BY '\\n' (`id`, `st``ate`, @c2, @c3)"
        + " SET `raw` = UNHEX(@c2), `name` = CONVERT(@c3 USING latin1)", sql);
  }

  @Test
  void withNothingToDecodeThereIsNoSetClause() {
    assertEquals("LOAD DATA LOCAL INFILE 'widen-range' REPLACE INTO TABLE `a`.`b`"
        + " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\'"
        + " LINES TERMINATED BY '\\n' (`id`)",
        LoadSql.of("a", "b", List.of(new Field("id", Encoding.DIRECT, null))));
  }

  @Test
  void aCharsetNameThatIsNotAWordIsRefusedNotSpliced() {
    assertThrows(IllegalArgumentException.class, () -> LoadSql.of("a", "b",
        List.of(new Field("x", Encoding.CONVERT, "latin1) ; DROP TABLE t; --"))));
  }
}
