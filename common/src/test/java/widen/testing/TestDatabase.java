package widen.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A database of a test's own, created on the test server with a unique name and dropped on
 * {@link #close()}, so tests never see each other's tables.
 */
public final class TestDatabase implements AutoCloseable {
  private final String name;

  private TestDatabase(String name) {
    this.name = name;
  }

  /** Creates {@code widen_t_<purpose>_<random>}. */
  public static TestDatabase create(String purpose) throws SQLException {
    String name = "widen_t_" + purpose + "_" + Long.toString(
        ThreadLocalRandom.current().nextLong(1L << 40), 36);
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
    }
    return new TestDatabase(name);
  }

  /** A name for a database that is not created (for tests of what happens when it is missing). */
  public static TestDatabase missing(String purpose) {
    return new TestDatabase("widen_t_" + purpose + "_missing");
  }

  public String name() {
    return name;
  }

  public String url() {
    return TestServices.jdbcUrl(name);
  }

  /**
   * A connection to this database with widen's session settings (UTC, strict, id 0 kept).
   */
  public Connection connect() throws SQLException {
    return connect(url(), TestServices.dbUser(), TestServices.dbPassword());
  }

  /** A connection to any server's {@code url} with widen's session settings. */
  public static Connection connect(String url, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sessionVariables", "time_zone='+00:00',sql_mode='STRICT_ALL_TABLES,"
        + "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
    p.setProperty("characterEncoding", "UTF-8");
    return DriverManager.getConnection(url, p);
  }

  public void execute(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  public long queryLong(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public String queryString(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** True if a table of this name exists in this database. */
  public boolean hasTable(String table) throws SQLException {
    try (Connection c = admin(); var ps = c.prepareStatement("SELECT 1 FROM"
        + " information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, name);
      ps.setString(2, table);
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static Connection admin() throws SQLException {
    return DriverManager.getConnection(TestServices.jdbcUrl(""), TestServices.dbUser(),
        TestServices.dbPassword());
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS `" + name + "`");
    }
  }
}
