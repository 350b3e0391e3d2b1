package widen.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The few shapes of JDBC call that control-plane code makes (the ledger, status, clean-up), each
 * with its connection and statement closed: one statement with bound arguments, a list of rows,
 * one row, and a group of statements in one transaction. Not for the copy hot path, which streams.
 */
public final class Jdbc {
  private final DataSource db;

  public Jdbc(DataSource db) {
    this.db = db;
  }

  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Work on one connection inside a transaction. */
  @FunctionalInterface
  public interface Work {
    void run(Connection c) throws SQLException;
  }

  public int update(String sql, Object... args) throws SQLException {
    try (Connection c = db.getConnection()) {
      return update(c, sql, args);
    }
  }

  public static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  /** The first column of every row, as longs (ids, say), on a connection the caller holds. */
  public static List<Long> longs(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      List<Long> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
      return out;
    }
  }

  public <T> List<T> list(String sql, Row<T> row, Object... args) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement ps = prepare(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    }
  }

  public <T> Optional<T> one(String sql, Row<T> row, Object... args) throws SQLException {
    List<T> found = list(sql, row, args);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The first column of the first row; 0 when there is no row or it is NULL. */
  public long queryLong(String sql, Object... args) throws SQLException {
    return one(sql, rs -> rs.getLong(1), args).orElse(0L);
  }

  /**
   * Rolls back after {@code failure}. On a lost connection the rollback fails too (the pool has
   * closed it by then: "Connection is closed"); {@code failure} is what tells the caller what
   * happened (a lost connection is waited out or reconnected, "closed" would not be), so the
   * rollback's error is only added to it.
   */
  public static void rollBack(Connection c, Exception failure) {
    try {
      c.rollback();
    } catch (SQLException r) {
      failure.addSuppressed(r);
    }
  }

  /**
   * Back to autocommit, after a transaction. A connection that is gone cannot take it, and the
   * pool drops it anyway, so its error is of no use to anyone and would hide the real one.
   */
  public static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException gone) {
      // nothing: see above
    }
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  public void inTransaction(Work work) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollBack(c, e);
        throw e;
      } finally {
        restoreAutoCommit(c);
      }
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }
}
