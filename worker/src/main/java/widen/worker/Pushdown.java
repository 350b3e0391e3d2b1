package widen.worker;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import widen.schema.TablePair;
import widen.sql.Sql;

/**
 * Decides whether ranges are copied by the server itself ({@code copy.pushdown}): possible when
 * the source and target tables live on the same server and the target user may read the source
 * table, since the whole INSERT ... SELECT runs on the target connection.
 */
final class Pushdown {
  private Pushdown() {}

  /** True to push ranges down; {@code mode} is auto, always or never. */
  static boolean decide(String mode, Connection src, Connection dst, TablePair tables)
      throws SQLException {
    return CopyMethod.chosen("copy.pushdown", mode, () -> obstacle(src, dst, tables),
        "source and target share a server; each range is one INSERT ... SELECT there",
        "rows go through the worker", ", or grant the target user SELECT on the source");
  }

  /** Why the copy cannot be pushed down, or null if it can. */
  private static String obstacle(Connection src, Connection dst, TablePair tables)
      throws SQLException {
    String here = identity(src);
    if (!here.equals(identity(dst))) {
      return "source and target are on different servers";
    }
    try (Statement st = dst.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM "
        + Sql.quote(tables.source().database(), tables.source().table()) + " WHERE 1 = 0")) {
      return null;
    } catch (SQLException e) {
      return "the target user cannot read the source table (" + e.getMessage() + ")";
    }
  }

  /** Host name, port and data directory: the same three values mean the same server. */
  private static String identity(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@hostname, @@port, @@datadir")) {
      rs.next();
      return rs.getString(1) + ":" + rs.getInt(2) + ":" + rs.getString(3);
    }
  }
}
