package widen.sql;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The two statements of a range copy, built once per process.
 *
 * <p>Read, on the source, one consistent snapshot of the range in id order:
 * <pre>
 * SELECT `id`, `version`, ... FROM `edxapp`.`csmh` WHERE `id` > ? AND `id` <= ? ORDER BY `id`
 * </pre>
 * Write, on the target, a multi-row upsert (the driver rewrites a JDBC batch into one statement):
 * <pre>
 * INSERT INTO `smh`.`csmhe` (`id`, `version`, ...) VALUES (?, ?, ...), (?, ?, ...)
 *   ON DUPLICATE KEY UPDATE `version` = VALUES(`version`), ...
 * </pre>
 * The upsert is what makes a copy idempotent: copying a range again, after a crash or by two
 * workers at once, leaves each target row equal to its source row, never a duplicate and never a
 * stale value. Not REPLACE, which deletes and re-inserts (firing deletes and breaking any row that
 * collides on another unique key); not INSERT IGNORE, which would keep a stale target row.
 *
 * <p>Pushed down, when both tables live on one server, the range is one statement there:
 * <pre>
 * INSERT INTO `smh`.`csmhe` (`id`, ...) SELECT `id`, ... FROM `edxapp`.`csmh`
 *   WHERE `id` > ? AND `id` <= ? ORDER BY `id` ON DUPLICATE KEY UPDATE `version` = VALUES(...)
 * </pre>
 */
public record CopySql(String select, String upsert, String pushdown) {

  public static CopySql of(String sourceDb, String sourceTable, String targetDb, String targetTable,
      String primaryKey, List<String> columns) {
    String pk = Sql.quote(primaryKey);
    String select = "SELECT " + Sql.quoteAll(columns) + " FROM " + Sql.quote(sourceDb, sourceTable)
        + " WHERE " + pk + " > ? AND " + pk + " <= ? ORDER BY " + pk;
    String placeholders = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
    List<String> updates = columns.stream().filter(c -> !c.equalsIgnoreCase(primaryKey))
        .map(c -> Sql.quote(c) + " = VALUES(" + Sql.quote(c) + ")").toList();
    String onDuplicate = updates.isEmpty() ? pk + " = " + pk : String.join(", ", updates);
    String upsert = "INSERT INTO " + Sql.quote(targetDb, targetTable) + " (" + Sql.quoteAll(columns)
        + ") VALUES (" + placeholders + ") ON DUPLICATE KEY UPDATE " + onDuplicate;
    String pushdown = "INSERT INTO " + Sql.quote(targetDb, targetTable) + " ("
        + Sql.quoteAll(columns) + ") " + select + " ON DUPLICATE KEY UPDATE " + onDuplicate;
    return new CopySql(select, upsert, pushdown);
  }
}
