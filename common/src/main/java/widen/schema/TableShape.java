package widen.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import widen.WidenException;
import widen.db.Privileges;
import widen.sql.Sql;

/**
 * The columns and keys of one table, read from information_schema.
 *
 * @param columns in ordinal order
 * @param primaryKey the name of the single integer primary-key column
 * @param indexedColumns columns that lead some index (whole column, not a prefix), in no
 *     particular order: MIN/MAX on them is an index dive rather than a table scan
 */
public record TableShape(
    String database,
    String table,
    List<Column> columns,
    String primaryKey,
    List<String> indexedColumns) {

  // MySQL 8 also says DEFAULT_GENERATED for expression defaults, which are ordinary columns.
  private static final Pattern GENERATED =
      Pattern.compile("\\b(VIRTUAL|STORED|PERSISTENT) GENERATED\\b", Pattern.CASE_INSENSITIVE);

  public TableShape {
    columns = List.copyOf(columns);
    indexedColumns = List.copyOf(indexedColumns);
  }

  /** A shape whose only known index is the primary key. */
  public TableShape(String database, String table, List<Column> columns, String primaryKey) {
    this(database, table, columns, primaryKey, List.of(primaryKey));
  }

  /** The column with this name (case-insensitive, as MySQL compares column names), or null. */
  public Column column(String name) {
    for (Column column : columns) {
      if (column.name().equalsIgnoreCase(name)) {
        return column;
      }
    }
    return null;
  }

  public Column primaryKeyColumn() {
    return column(primaryKey);
  }

  /** Whether an index starts with this column, so MIN(column) needs no table scan. */
  public boolean leadsAnIndex(String name) {
    return indexedColumns.stream().anyMatch(name::equalsIgnoreCase);
  }

  /** "db.table", unquoted, for messages. */
  public String qualifiedName() {
    return database + "." + table;
  }

  /**
   * Reads a table's shape and checks that widen can copy it.
   *
   * @param role "source" or "target": names the config keys the operator should check
   * @throws WidenException if the database or table is missing, or the table lacks a single
   *     integer primary key
   */
  public static TableShape introspect(
      Connection c, String role, String database, String table) {
    String name = database + "." + table;
    try {
      if (!databaseExists(c, database)) {
        throw new WidenException(
            role + " database " + database + " not found: check " + role + ".url");
      }
      List<Column> columns = readColumns(c, database, table);
      if (columns.isEmpty()) {
        // information_schema hides a table the user has no privilege on: tell that apart.
        Privileges.requireSelect(c, role, database, table);
        throw new WidenException(role + " table " + name + " not found: check "
            + role + ".table and " + role + ".url");
      }
      Indexes indexes = readIndexes(c, database, table);
      String primaryKey = singleIntegerKey(role, name, columns, indexes.primaryKey());
      return new TableShape(database, table, columns, primaryKey, indexes.leading());
    } catch (SQLException e) {
      throw new WidenException("could not read the definition of " + role + " table " + name
          + ": " + oneLine(e) + ": check " + role + ".url and the user's privileges", e);
    }
  }

  /** The server's own CREATE TABLE statement for the table. */
  public static String showCreate(Connection c, String database, String table) {
    String sql = "SHOW CREATE TABLE " + Sql.quote(database, table);
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new WidenException("SHOW CREATE TABLE " + database + "." + table
            + " returned nothing: check that it is a table, not a view");
      }
      return rs.getString(2);
    } catch (SQLException e) {
      throw new WidenException("could not run SHOW CREATE TABLE " + database + "." + table
          + ": " + oneLine(e) + ": check that the table exists and the user may read it", e);
    }
  }

  /** True if {@code database.table} exists (read from information_schema; creates nothing). */
  public static boolean exists(Connection c, String database, String table) throws SQLException {
    String sql = "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean databaseExists(Connection c, String database) throws SQLException {
    String sql = "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static List<Column> readColumns(Connection c, String database, String table)
      throws SQLException {
    String sql = "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT,"
        + " CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE,"
        + " DATETIME_PRECISION, CHARACTER_SET_NAME, EXTRA"
        + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
        + " ORDER BY ORDINAL_POSITION";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        List<Column> columns = new ArrayList<>();
        while (rs.next()) {
          columns.add(column(rs));
        }
        return columns;
      }
    }
  }

  private static Column column(ResultSet rs) throws SQLException {
    String columnType = rs.getString("COLUMN_TYPE").toLowerCase(Locale.ROOT);
    String extra = rs.getString("EXTRA");
    boolean nullable = "YES".equals(rs.getString("IS_NULLABLE"));
    boolean autoIncrement = extra.toLowerCase(Locale.ROOT).contains("auto_increment");
    boolean generated = GENERATED.matcher(extra).find();
    // MariaDB reports "no default" on a nullable column as the string 'NULL' (string defaults
    // come quoted), MySQL as SQL NULL. Either way a nullable column may be left out of an INSERT,
    // and a NOT NULL column can never carry a DEFAULT NULL, so only SQL NULL means "no default".
    boolean hasDefault =
        rs.getString("COLUMN_DEFAULT") != null || nullable || autoIncrement || generated;
    return new Column(
        rs.getString("COLUMN_NAME"),
        rs.getString("DATA_TYPE").toLowerCase(Locale.ROOT),
        columnType,
        columnType.contains("unsigned"),
        nullable,
        longOrNull(rs, "CHARACTER_MAXIMUM_LENGTH"),
        longOrNull(rs, "CHARACTER_OCTET_LENGTH"),
        intOrNull(rs, "NUMERIC_PRECISION"),
        intOrNull(rs, "NUMERIC_SCALE"),
        intOrNull(rs, "DATETIME_PRECISION"),
        rs.getString("CHARACTER_SET_NAME"),
        hasDefault,
        autoIncrement,
        generated);
  }

  private record Indexes(List<String> primaryKey, List<String> leading) {}

  private static Indexes readIndexes(Connection c, String database, String table)
      throws SQLException {
    String sql = "SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART"
        + " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
        + " ORDER BY INDEX_NAME, SEQ_IN_INDEX";
    List<String> primaryKey = new ArrayList<>();
    Set<String> leading = new LinkedHashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String column = rs.getString("COLUMN_NAME");
          if ("PRIMARY".equals(rs.getString("INDEX_NAME"))) {
            primaryKey.add(column);
          }
          // A prefix index (SUB_PART set) cannot answer MIN(column) on its own.
          if (rs.getInt("SEQ_IN_INDEX") == 1 && rs.getObject("SUB_PART") == null) {
            leading.add(column);
          }
        }
      }
    }
    return new Indexes(primaryKey, List.copyOf(leading));
  }

  private static String singleIntegerKey(
      String role, String name, List<Column> columns, List<String> primaryKey) {
    String why = ": widen copies tables with a single integer primary key";
    if (primaryKey.isEmpty()) {
      throw new WidenException(role + " table " + name + " has no primary key" + why);
    }
    if (primaryKey.size() > 1) {
      throw new WidenException(role + " table " + name + " has a composite primary key ("
          + String.join(", ", primaryKey) + ")" + why);
    }
    String key = primaryKey.get(0);
    Column column =
        columns.stream().filter(col -> col.name().equals(key)).findFirst().orElseThrow();
    if (!column.isInteger()) {
      throw new WidenException(role + " table " + name + " has primary key " + key + " of type "
          + column.columnType() + why);
    }
    return key;
  }

  private static Long longOrNull(ResultSet rs, String label) throws SQLException {
    long value = rs.getLong(label);
    return rs.wasNull() ? null : value;
  }

  private static Integer intOrNull(ResultSet rs, String label) throws SQLException {
    int value = rs.getInt(label);
    return rs.wasNull() ? null : value;
  }

  private static String oneLine(SQLException e) {
    return String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
  }
}
