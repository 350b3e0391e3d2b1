package widen.sql;

import java.util.List;

/**
 * The two statements of a range copy, built once per process.
 *
 * <p>Read, on the source, one consistent snapshot of the range in id order:
 * <pre>
 * SELECT `id`, `version`, ... FROM `edxapp`.`csmh` WHERE `id` > ? AND `id` <= ? ORDER BY `id`
 * </pre>
 * (a FLOAT column read as {@code CAST(`f` AS DOUBLE)}: see {@code Column.exactText}).
 * Write, on the target, a multi-row upsert of {@code rows} rows ({@link #upsert(int)}), each row's
 * values one group of placeholders (a column whose text must change character set converts on
 * the server: {@code CONVERT(? USING latin1)}):
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
public record CopySql(String select, String insertInto, String rowValues, String onDuplicate,
    String pushdown) {
  /** The most placeholders one prepared statement may hold (the protocol counts them in 16 bits). */
  static final int MAX_PLACEHOLDERS = 65_535;

  /** Reading every column as it is, with a plain {@code ?} for every column's value. */
  public static CopySql of(String sourceDb, String sourceTable, String targetDb, String targetTable,
      String primaryKey, List<String> columns) {
    return of(sourceDb, sourceTable, targetDb, targetTable, primaryKey, columns,
        columns.stream().map(Sql::quote).toList(), columns.stream().map(c -> "?").toList());
  }

  /**
   * With {@code reads}, one expression per column that the SELECT reads it by, and {@code
   * values}, one expression per column holding its one {@code ?}, in the upsert.
   */
  public static CopySql of(String sourceDb, String sourceTable, String targetDb, String targetTable,
      String primaryKey, List<String> columns, List<String> reads, List<String> values) {
    if (reads.size() != columns.size() || values.size() != columns.size()) {
      throw new IllegalArgumentException("one read and one value per column: " + columns.size()
          + " columns, " + reads.size() + " reads, " + values.size() + " values");
    }
    String pk = Sql.quote(primaryKey);
    String select = "SELECT " + String.join(", ", reads) + " FROM "
        + Sql.quote(sourceDb, sourceTable)
        + " WHERE " + pk + " > ? AND " + pk + " <= ? ORDER BY " + pk;
    List<String> updates = columns.stream().filter(c -> !c.equalsIgnoreCase(primaryKey))
        .map(c -> Sql.quote(c) + " = VALUES(" + Sql.quote(c) + ")").toList();
    String onDuplicate = updates.isEmpty() ? pk + " = " + pk : String.join(", ", updates);
    String insertInto = "INSERT INTO " + Sql.quote(targetDb, targetTable) + " ("
        + Sql.quoteAll(columns) + ")";
    String pushdown = insertInto + " " + select + " ON DUPLICATE KEY UPDATE " + onDuplicate;
    return new CopySql(select, insertInto, "(" + String.join(", ", values) + ")",
        " ON DUPLICATE KEY UPDATE " + onDuplicate, pushdown);
  }

  /** The upsert of {@code rows} rows, at most {@link #maxRows}. */
  public String upsert(int rows) {
    StringBuilder sql = new StringBuilder(insertInto.length() + onDuplicate.length()
        + rows * (rowValues.length() + 2)).append(insertInto).append(" VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ", ").append(rowValues);
    }
    return sql.append(onDuplicate).toString();
  }

  /** The most rows one upsert can carry: one placeholder per column and row. */
  public int maxRows() {
    long placeholders = rowValues.chars().filter(ch -> ch == '?').count();
    return (int) (MAX_PLACEHOLDERS / placeholders);
  }
}
