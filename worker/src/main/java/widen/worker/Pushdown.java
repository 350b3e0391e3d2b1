package widen.worker;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.WidenException;
import widen.schema.TablePair;
import widen.sql.Sql;

/**
 * Decides whether ranges are copied by the server itself ({@code copy.pushdown}): possible when
 * the source and target tables live on the same server and the target user may read the source
 * table, since the whole INSERT ... SELECT runs on the target connection.
 */
final class Pushdown {
  private static final Logger log = LoggerFactory.getLogger(Pushdown.class);

  private Pushdown() {}

  /** True to push ranges down; {@code mode} is auto, always or never. */
  static boolean decide(String mode, Connection src, Connection dst, TablePair tables)
      throws SQLException {
    if (mode.equals("never")) {
      return false;
    }
    String why = obstacle(src, dst, tables);
    if (why == null) {
      log.info("copy.pushdown={}: source and target share a server; each range is one"
          + " INSERT ... SELECT there", mode);
      return true;
    }
    if (mode.equals("always")) {
      throw new WidenException("copy.pushdown is always, but " + why
          + ": set copy.pushdown to auto or never, or grant the target user SELECT on the source");
    }
    log.info("copy.pushdown=auto: rows go through the worker ({})", why);
    return false;
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
