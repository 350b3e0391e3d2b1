package widen.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import widen.WidenException;

class TargetTableDdlTest {

  // SHOW CREATE TABLE text exactly as MariaDB 10.11 prints it.
  private static final String CSMH = """
      CREATE TABLE `courseware_studentmodulehistory` (
        `id` int(11) NOT NULL AUTO_INCREMENT,
        `version` varchar(255) DEFAULT NULL,
        `created` datetime NOT NULL,
        `state` longtext DEFAULT NULL,
        `grade` double DEFAULT NULL,
        `max_grade` double DEFAULT NULL,
        `student_module_id` int(11) NOT NULL,
        PRIMARY KEY (`id`),
        KEY `version` (`version`),
        KEY `created` (`created`),
        KEY `student_module_id` (`student_module_id`)
      ) ENGINE=InnoDB AUTO_INCREMENT=1235 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""";

  private static final String WITH_FOREIGN_KEY = """
      CREATE TABLE `child` (
        `id` int(11) NOT NULL AUTO_INCREMENT,
        `parent_id` int(11) NOT NULL,
        `note` varchar(20) DEFAULT NULL COMMENT 'a `tick`',
        PRIMARY KEY (`id`),
        KEY `note` (`note`),
        KEY `child_parent_fk` (`parent_id`),
        CONSTRAINT `child_parent_fk` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`) ON DELETE CASCADE
      ) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci""";

  @Test
  void csmhGetsAnUnsignedBigintKeyAndLosesItsAutoIncrementOption() {
    String sql = TargetTableDdl.createTableSql(
        CSMH, "student_module_history", "courseware_studentmodulehistory", "id");
    assertEquals("""
        CREATE TABLE `student_module_history`.`courseware_studentmodulehistory` (
          `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
          `version` varchar(255) DEFAULT NULL,
          `created` datetime NOT NULL,
          `state` longtext DEFAULT NULL,
          `grade` double DEFAULT NULL,
          `max_grade` double DEFAULT NULL,
          `student_module_id` int(11) NOT NULL,
          PRIMARY KEY (`id`),
          KEY `version` (`version`),
          KEY `created` (`created`),
          KEY `student_module_id` (`student_module_id`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""", sql);
  }

  @Test
  void foreignKeysAreDroppedAndTheLastCommaWithThem() {
    String sql = TargetTableDdl.createTableSql(WITH_FOREIGN_KEY, "new`db", "child_wide", "id");
    assertEquals("""
        CREATE TABLE `new``db`.`child_wide` (
          `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
          `parent_id` int(11) NOT NULL,
          `note` varchar(20) DEFAULT NULL COMMENT 'a `tick`',
          PRIMARY KEY (`id`),
          KEY `note` (`note`),
          KEY `child_parent_fk` (`parent_id`)
        ) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci""", sql);
  }

  @Test
  void aForeignKeyInTheMiddleKeepsTheOtherCommas() {
    String source = """
        CREATE TABLE `t` (
          `id` int(11) NOT NULL,
          `p` int(11) NOT NULL,
          PRIMARY KEY (`id`),
          CONSTRAINT `fk``1` FOREIGN KEY (`p`) REFERENCES `parent` (`id`),
          CONSTRAINT `positive` CHECK (`p` > 0)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""";
    assertEquals("""
        CREATE TABLE `d`.`t` (
          `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
          `p` int(11) NOT NULL,
          PRIMARY KEY (`id`),
          CONSTRAINT `positive` CHECK (`p` > 0)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""",
        TargetTableDdl.createTableSql(source, "d", "t", "id"));
  }

  @Test
  void aMissingKeyColumnIsAnOperatorError() {
    WidenException e = assertThrows(WidenException.class,
        () -> TargetTableDdl.createTableSql(CSMH, "d", "t", "nope"));
    assertTrue(e.getMessage().contains("primary key column nope not found"), e.getMessage());
  }

  @Test
  void quoteDoublesBackquotes() {
    assertEquals("`a``b`", widen.sql.Sql.quote("a`b"));
    assertEquals("`db`.`t`", widen.sql.Sql.quote("db", "t"));
  }
}
