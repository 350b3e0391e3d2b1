package widen.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import widen.WidenException;
import widen.sql.Sql;

/**
 * Checks at start that a database user may do what widen will ask of it, so a missing privilege
 * is refused in one line naming the GRANT, instead of failing every range later.
 *
 * <p>Each check runs the statement widen needs in a form that cannot change anything (no row
 * matches, and DML is rolled back), and lets the server decide. Reading SHOW GRANTS or
 * information_schema instead would miss what a role grants (MariaDB's information_schema does not
 * show a role's privileges) and would have to re-implement wildcard database grants; the server
 * checks privileges before it looks for rows or even for the table, so the probe's answer is the
 * real statement's.
 */
public final class Privileges {
  private static final Pattern DENIED = Pattern.compile("^(.+?) command denied to user");
  // A table nobody creates: CREATE TABLE ... LIKE it checks CREATE, then fails on the LIKE source.
  private static final String ABSENT = "widen_privilege_probe_absent";
  /**
   * Errors the server raises only after its privilege check has passed: a missing table, schema
   * or column (the table checks name it, or widen creates it), the table that CREATE ... LIKE
   * finds already there, and strict mode refusing the probe's INSERT of the key column alone.
   */
  private static final Set<Integer> AFTER_PRIVILEGES = Set.of(MysqlErrors.NO_SUCH_TABLE,
      MysqlErrors.UNKNOWN_DATABASE, MysqlErrors.TABLE_EXISTS, MysqlErrors.UNKNOWN_COLUMN,
      MysqlErrors.NO_DEFAULT_FOR_FIELD);

  private static final Set<Integer> DENIED_CODES = Set.of(MysqlErrors.TABLE_ACCESS_DENIED,
      MysqlErrors.COLUMN_ACCESS_DENIED, MysqlErrors.DB_ACCESS_DENIED);

  private Privileges() {}

  /** SELECT on {@code database.table}, for the role's user. */
  public static void requireSelect(Connection c, String role, String database, String table)
      throws SQLException {
    String on = Sql.quote(database, table);
    probe(c, role, database + "." + table, "SELECT", on,
        "SELECT * FROM " + on + " WHERE 1 = 0");
  }

  /**
   * SELECT, INSERT and UPDATE on {@code database.table} (the idempotent upsert: INSERT ... ON
   * DUPLICATE KEY UPDATE), and DELETE if {@code delete}. {@code column} is any column of it.
   */
  public static void requireUpsert(Connection c, String role, String database, String table,
      String column, boolean delete) throws SQLException {
    String on = Sql.quote(database, table);
    String col = Sql.quote(column);
    String grant = delete ? "SELECT, INSERT, UPDATE, DELETE" : "SELECT, INSERT, UPDATE";
    String what = database + "." + table;
    rolledBack(c, () -> {
      probe(c, role, what, grant, on, zeroRowUpsert(on, col));
      if (delete) {
        probe(c, role, what, grant, on, "DELETE FROM " + on + " WHERE 1 = 0");
      }
    });
  }

  /**
   * Whether the user may DELETE from {@code database.table}, which LOAD DATA ... REPLACE needs
   * even where it overwrites rows in place. Asked of the server with a DELETE of no row, rolled
   * back; false only for a privilege error.
   */
  public static boolean mayDelete(Connection c, String database, String table)
      throws SQLException {
    String on = Sql.quote(database, table);
    try {
      rolledBack(c, () -> probe(c, "target", database + "." + table, "DELETE", on,
          "DELETE FROM " + on + " WHERE 1 = 0"));
      return true;
    } catch (WidenException e) {
      if (e.getCause() instanceof SQLException cause && DENIED_CODES.contains(
          cause.getErrorCode())) {
        return false;
      }
      throw e;
    }
  }

  /**
   * What widen's ledger needs in {@code schema}: CREATE (the schema and its tables are created if
   * missing) and SELECT, INSERT, UPDATE on {@code table}, which may not exist yet.
   * {@code column} is any column of the table.
   */
  public static void requireLedger(Connection c, String role, String schema, String table,
      String column) throws SQLException {
    String grant = "CREATE, SELECT, INSERT, UPDATE";
    String on = Sql.quote(schema) + ".*";
    String what = "control schema " + schema;
    String t = Sql.quote(schema, table);
    // DDL commits implicitly, so this one runs outside the rolled-back transaction. It can only
    // fail: either the table exists, or its LIKE source does not (nor does the schema, maybe).
    probe(c, role, what, grant, on,
        "CREATE TABLE " + t + " LIKE " + Sql.quote(schema, ABSENT));
    String col = Sql.quote(column);
    rolledBack(c, () -> probe(c, role, what, grant, on, zeroRowUpsert(t, col)));
  }

  /**
   * An upsert of no rows from the table into itself: the server checks INSERT and UPDATE on it.
   * The source is aliased and the update names VALUES(), else a table whose other columns all
   * have defaults makes the column ambiguous (error 1052) before any privilege is checked.
   */
  private static String zeroRowUpsert(String table, String col) {
    return "INSERT INTO " + table + " (" + col + ") SELECT s." + col + " FROM " + table
        + " AS s WHERE 1 = 0 ON DUPLICATE KEY UPDATE " + col + " = VALUES(" + col + ")";
  }

  private interface Probes {
    void run() throws SQLException;
  }

  /**
   * PROCESS, by which the source user sees the server's open transactions
   * (information_schema.INNODB_TRX). A sweep waits out every transaction open when it read its
   * high-water mark, since one may hold an id below the mark uncommitted; unable to see them, the
   * final sweep would miss a row committed late below its mark, and nothing looks there after it.
   */
  public static void requireProcess(Connection c, String role) throws SQLException {
    // No WHERE 1 = 0 here: the server answers an impossible condition without filling the
    // table, and so without checking the privilege. The list is short: its open transactions.
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT COUNT(*) FROM information_schema.INNODB_TRX")) {
      rs.next();
    } catch (SQLException e) {
      if (e.getErrorCode() != MysqlErrors.SPECIFIC_ACCESS_DENIED) {
        throw e;
      }
      String account = account(c);
      throw new WidenException(role + " user " + account + " lacks PROCESS, without which sweeps"
          + " cannot wait for open transactions and could miss a row committed late: run GRANT"
          + " PROCESS ON *.* TO " + account + " (or check " + role + ".user)", e);
    }
  }

  /**
   * Runs the probes in a transaction that is rolled back: they touch no row anyway, and the
   * rollback keeps even an empty statement out of the binary log.
   */
  private static void rolledBack(Connection c, Probes probes) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      probes.run();
    } finally {
      c.rollback();
      c.setAutoCommit(auto);
    }
  }

  /**
   * Runs {@code sql}; a privilege error becomes the one-line refusal. The errors in
   * {@link #AFTER_PRIVILEGES} mean the privileges passed and something else stopped the probe.
   */
  private static void probe(Connection c, String role, String what, String grant, String on,
      String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      int code = e.getErrorCode();
      if (AFTER_PRIVILEGES.contains(code)) {
        return;
      }
      if (code == MysqlErrors.READ_ONLY || code == MysqlErrors.READ_ONLY_TRANSACTION) {
        throw new WidenException(role + " database is read-only (" + Databases.oneLine(
            e.getMessage()) + "): point " + role + ".url at the writable primary", e);
      }
      if (DENIED_CODES.contains(code)) {
        String account = account(c);
        throw new WidenException(role + " user " + account + " lacks " + missing(e, grant)
            + " on " + what + ": run GRANT " + grant + " ON " + on + " TO " + account
            + " (or check " + role + ".user)", e);
      }
      throw e;
    }
  }

  /** The privilege the server named ("INSERT, UPDATE command denied ..."), else all we need. */
  private static String missing(SQLException e, String grant) {
    Matcher m = DENIED.matcher(String.valueOf(e.getMessage()));
    return m.find() ? m.group(1) : grant;
  }

  /** The account the server matched ('user'@'host' pattern), as a GRANT needs it. */
  private static String account(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
      rs.next();
      String u = rs.getString(1);
      int at = u.lastIndexOf('@');
      return "'" + u.substring(0, at) + "'@'" + u.substring(at + 1) + "'";
    }
  }
}
