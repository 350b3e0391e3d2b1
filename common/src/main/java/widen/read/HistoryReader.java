package widen.read;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import widen.WidenException;
import widen.schema.TableShape;
import widen.sql.Sql;

/**
 * Reads a history (every row with one key value, e.g. {@code student_module_id = 42}) while a
 * table is being migrated, as the application should see it: newest first, each id once.
 *
 * <p>During the copy a row can be in the old table only, in both (already copied), or in the new
 * table only (written there, with an id above every old one). Concatenating the two reads returns
 * copied rows twice; this reader merges them by id instead.
 */
public final class HistoryReader {
  /** Which tables to read; the caller picks by migration phase. */
  public enum Tables {
    /** Both, merged; until the migration is complete. */
    BOTH,
    /** The new table only; once the migration is complete, when it holds every row. */
    TARGET_ONLY
  }

  /**
   * One row of a history.
   *
   * @param table "source" or "target": the table this version was read from
   * @param values column name to value as text, in the reader's column order; NULL stays null,
   *     binary values are lowercase hex
   */
  public record Row(long id, String table, Map<String, String> values) {}

  private final DataSource source;
  private final TableShape sourceShape;
  private final DataSource target;
  private final TableShape targetShape;
  private final List<String> columns;
  private final String keyColumn;

  /**
   * @param columns the mapped column names, present in both tables, including the primary key
   * @param keyColumn the column a history is selected by; it must lead an index in both tables,
   *     or each read would scan the whole table
   * @throws WidenException if a column or the key column is missing, or the key is not indexed
   */
  public HistoryReader(DataSource source, TableShape sourceShape, DataSource target,
      TableShape targetShape, List<String> columns, String keyColumn) {
    this.source = source;
    this.sourceShape = sourceShape;
    this.target = target;
    this.targetShape = targetShape;
    this.columns = List.copyOf(columns);
    this.keyColumn = keyColumn;
    check("source", sourceShape);
    check("target", targetShape);
  }

  private void check(String role, TableShape shape) {
    String where = " on " + role + " " + shape.qualifiedName();
    for (String name : columns) {
      if (shape.column(name) == null) {
        throw new WidenException("read column " + name + " not found" + where
            + ": read only columns present in both tables");
      }
    }
    if (!columns.stream().anyMatch(shape.primaryKey()::equalsIgnoreCase)) {
      throw new WidenException("read columns lack the primary key " + shape.primaryKey() + where
          + ": include it, rows are told apart by it");
    }
    if (shape.column(keyColumn) == null) {
      throw new WidenException("read key column " + keyColumn + " not found" + where
          + ": choose another read.key_column");
    }
    if (!shape.leadsAnIndex(keyColumn)) {
      throw new WidenException("read key column " + keyColumn + " has no index" + where
          + ": add an index on " + keyColumn + " or choose another read.key_column");
    }
  }

  /**
   * The newest {@code limit} rows whose key column equals {@code keyValue}, by id descending.
   * With {@link Tables#BOTH}, an id in both tables comes back once, as the source's version: the
   * old table is authoritative until the migration is complete.
   *
   * @param keyValue bound as a string; the server converts it to the key column's type
   */
  public List<Row> history(String keyValue, Tables tables, int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, not " + limit);
    }
    if (tables == Tables.TARGET_ONLY) {
      return read(target, targetShape, "target", keyValue, limit);
    }
    // Source first, then target: rows only ever flow from the source to the target, by copying
    // (never moving), and the source keeps every row until cleanup, after the copy. So every row
    // in the source when it is read is seen there, and a row the source read misses is newer
    // than that read. The other order could miss a row copied after the target read and gone
    // from the source (cleanup) by the source read. Each side's newest `limit` rows include the
    // newest `limit` of the union, so one LIMIT per side is enough.
    List<Row> fromSource = read(source, sourceShape, "source", keyValue, limit);
    List<Row> fromTarget = read(target, targetShape, "target", keyValue, limit);
    return merge(fromSource, fromTarget, limit);
  }

  /** Merges two id-descending lists, each id once (the source's if in both), at most limit. */
  static List<Row> merge(List<Row> fromSource, List<Row> fromTarget, int limit) {
    List<Row> rows = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (rows.size() < limit && (i < fromSource.size() || j < fromTarget.size())) {
      long s = i < fromSource.size() ? fromSource.get(i).id() : Long.MIN_VALUE;
      long t = j < fromTarget.size() ? fromTarget.get(j).id() : Long.MIN_VALUE;
      if (s >= t) {
        rows.add(fromSource.get(i++));
        if (s == t) {
          j++; // the target's copy of the same row
        }
      } else {
        rows.add(fromTarget.get(j++));
      }
    }
    return rows;
  }

  private List<Row> read(DataSource ds, TableShape shape, String role, String keyValue,
      int limit) throws SQLException {
    String pk = Sql.quote(shape.primaryKey());
    String sql = "SELECT " + Sql.quoteAll(columns) + " FROM "
        + Sql.quote(shape.database(), shape.table()) + " WHERE " + Sql.quote(keyColumn)
        + " = ? ORDER BY " + pk + " DESC LIMIT ?";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, keyValue);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<Row> rows = new ArrayList<>();
        while (rs.next()) {
          Map<String, String> values = new LinkedHashMap<>();
          for (int k = 0; k < columns.size(); k++) {
            String name = columns.get(k);
            values.put(name, shape.column(name).isBinary() ? hex(rs.getBytes(k + 1))
                : rs.getString(k + 1));
          }
          rows.add(new Row(rs.getLong(shape.primaryKey()), role,
              Collections.unmodifiableMap(values)));
        }
        return rows;
      }
    }
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? null : HexFormat.of().formatHex(bytes);
  }
}
