package widen.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import widen.WidenException;
import widen.schema.TablePair;
import widen.verify.TableChecksum;

/**
 * Runs, before any range, the statements every range's copy and verification will run, over an
 * id range no row can be in ({@code id > 0 AND id <= 0}), so a statement the server cannot run
 * stops the plan or the worker's start with one line, instead of failing every range later and
 * parking it.
 *
 * <p>{@link Privileges} asks whether the user may; this asks whether the server can: a function
 * or cast its version lacks ({@code CAST(... AS DOUBLE)}, by which a FLOAT is read and hashed,
 * came with MySQL 8.0.17), a column whose canonical form its version does not take, a proxy in
 * between that rewrites or refuses the statement. Nothing is written: the reads and the sums are
 * SELECTs, and the pushed-down INSERT ... SELECT selects no row and is rolled back.
 */
public final class DryRun {
  /** Binds both bounds of a range statement ({@code pk > ? AND pk <= ?}): no row is in it. */
  private static final long NOWHERE = 0;

  private DryRun() {}

  /**
   * The copy's read on the source and the verification's sums on both sides, with {@code hash}.
   * Throws a {@link WidenException} naming the statement and the server's answer.
   */
  public static void copyAndVerify(Connection src, Connection dst, TablePair tables,
      TableChecksum.Hash hash) {
    TableChecksum.Sides sums = TableChecksum.ranged(tables, hash);
    select(src, "source", "the copy's read", tables.copySql().select());
    select(src, "source", "the verification's checksum", sums.source().sql());
    select(dst, "target", "the verification's checksum", sums.target().sql());
  }

  /** The pushed-down copy, on the target's connection {@code dst}, rolled back. */
  public static void pushdown(Connection dst, TablePair tables) {
    String sql = tables.copySql().pushdown();
    try {
      boolean autoCommit = dst.getAutoCommit();
      dst.setAutoCommit(false);
      try (PreparedStatement ps = dst.prepareStatement(sql)) {
        bindNowhere(ps);
        ps.executeUpdate();
      } finally {
        dst.rollback();
        dst.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw refused("target", "the pushed-down copy (INSERT ... SELECT)", e);
    }
  }

  private static void select(Connection c, String role, String what, String sql) {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bindNowhere(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // the sums' one row of zeros, or no row of the read: only the server's yes matters
        }
      }
    } catch (SQLException e) {
      throw refused(role, what, e);
    }
  }

  private static void bindNowhere(PreparedStatement ps) throws SQLException {
    ps.setLong(1, NOWHERE);
    ps.setLong(2, NOWHERE);
  }

  private static WidenException refused(String role, String what, SQLException e) {
    return new WidenException("the " + role + " server cannot run " + what + ", tried on no rows"
        + " before any range: " + Databases.oneLine(e.getMessage()) + " (widen is tested with"
        + " MariaDB 10.11, and a FLOAT column needs MySQL 8.0.17 or later: see Servers in the"
        + " README)", e);
  }
}
