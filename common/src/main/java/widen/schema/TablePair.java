package widen.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import widen.WidenException;
import widen.config.DbEndpoint;
import widen.db.Privileges;
import widen.sql.CopySql;
import widen.sql.LoadSql;
import widen.sql.Sql;

/**
 * The source and target tables of a migration, inspected and checked: what the coordinator
 * plans against and every worker copies with. Both run {@link #inspect} at start, so a worker
 * with a wrong config fails before it takes a task.
 */
public record TablePair(TableShape source, TableShape target, ColumnMapping mapping,
    List<String> unchecked) {

  /**
   * Introspects both tables, maps their columns and checks the data where types alone cannot
   * tell: a signed source column into an unsigned target must hold no negative value.
   *
   * @throws WidenException naming the first problem and its fix
   */
  public static TablePair inspect(Connection src, Connection dst, DbEndpoint source,
      DbEndpoint target) throws SQLException {
    TableShape s = TableShape.introspect(src, "source", source.database(), source.table());
    TableShape t = TableShape.introspect(dst, "target", target.database(), target.table());
    // A user with only some other privilege on the source table still sees its columns.
    Privileges.requireSelect(src, "source", s.database(), s.table());
    ColumnMapping mapping = ColumnMapping.map(s, t);
    refuseUniqueKeys(dst, t);
    List<String> unchecked = new ArrayList<>();
    for (String column : mapping.nonNegativeChecks()) {
      if (!s.leadsAnIndex(column)) {
        // MIN() without an index reads the whole table; strict sql_mode still refuses a
        // negative value at copy time, so the range fails loudly instead of losing it.
        unchecked.add(column);
        continue;
      }
      long min = minimum(src, s, column);
      if (min < 0) {
        throw new WidenException("source column " + column + " holds negative values (min " + min
            + ") but target column " + t.table() + "." + column
            + " is unsigned: make the target column signed (e.g. BIGINT)");
      }
    }
    return new TablePair(s, t, mapping, unchecked);
  }

  /**
   * The copy's statements. The upsert's values arrive as the source's bytes, typed as binary
   * (RangeCopier), so as in {@link #loadSql} a text column whose character set differs between
   * the tables is read in the source's and converted by the server:
   * {@code CONVERT(? USING latin1)}. Each column is read by an expression whose text is its
   * exact value ({@link Column#exactText}), since the rows travel as text.
   */
  public CopySql copySql() {
    List<String> reads = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (String column : mapping.columns()) {
      reads.add(source.column(column).exactText());
      String from = convertedFrom(column);
      values.add(from == null ? "?" : "CONVERT(? USING " + Sql.charsetName(from) + ")");
    }
    return CopySql.of(source.database(), source.table(), target.database(), target.table(),
        mapping.primaryKey(), mapping.columns(), reads, values);
  }

  /** The source column's character set if its text must be converted into the target's. */
  private String convertedFrom(String column) {
    Column from = source.column(column);
    Column to = target.column(column);
    boolean convert = from.charset() != null && to.charset() != null
        && !from.charset().equalsIgnoreCase(to.charset());
    return convert ? from.charset() : null;
  }

  /** The LOAD DATA statement of a range streamed through a worker ({@link LoadSql}). */
  public String loadSql() {
    List<String> cols = mapping.columns();
    boolean[] binary = binaryColumns();
    List<LoadSql.Field> fields = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      String from = convertedFrom(cols.get(i));
      fields.add(new LoadSql.Field(cols.get(i), binary[i] ? LoadSql.Encoding.HEX
          : from != null ? LoadSql.Encoding.CONVERT : LoadSql.Encoding.DIRECT, from));
    }
    return LoadSql.of(target.database(), target.table(), fields);
  }

  /** For each copied column, whether it travels as bytes (binary types) instead of text. */
  public boolean[] binaryColumns() {
    List<String> cols = mapping.columns();
    boolean[] out = new boolean[cols.size()];
    for (int i = 0; i < out.length; i++) {
      Column c = source.column(cols.get(i));
      out[i] = c.isBinary() || c.dataType().equals("bit");
    }
    return out;
  }

  /**
   * A UNIQUE key besides the primary key would let ON DUPLICATE KEY UPDATE overwrite a different
   * target row (one the application wrote) that collides on it: a silent corruption, so refused.
   */
  private static void refuseUniqueKeys(Connection dst, TableShape t) throws SQLException {
    try (PreparedStatement ps = dst.prepareStatement("SELECT DISTINCT INDEX_NAME FROM"
        + " information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
        + " AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME")) {
      ps.setString(1, t.database());
      ps.setString(2, t.table());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          throw new WidenException("target " + t.qualifiedName() + " has unique key "
              + rs.getString(1) + " besides the primary key, which the idempotent upsert could"
              + " apply to the wrong row: make it a plain KEY during the copy");
        }
      }
    }
  }

  private static long minimum(Connection c, TableShape s, String column) throws SQLException {
    String sql = "SELECT COALESCE(MIN(" + Sql.quote(column) + "), 0) FROM "
        + Sql.quote(s.database(), s.table());
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
