package widen.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A database user of a test's own, with only the privileges the test grants, dropped on
 * {@link #close()}: how tests give widen a user that may not do everything.
 */
public final class TestUser implements AutoCloseable {
  private final String name;
  private final String password;

  private TestUser(String name, String password) {
    this.name = name;
    this.password = password;
  }

  /**
   * Creates {@code wu_<purpose>_<random>}@'%' identified by {@code password} and runs
   * {@code GRANT <grant> TO} it for each grant, e.g. {@code "SELECT ON `db`.*"}.
   */
  public static TestUser create(String purpose, String password, String... grants)
      throws SQLException {
    String name = "wu_" + purpose + "_" + Long.toString(
        ThreadLocalRandom.current().nextLong(1L << 30), 36);
    TestUser user = new TestUser(name, password);
    try (Connection c = TestDatabase.admin(); Statement s = c.createStatement()) {
      s.execute("CREATE USER " + user.account() + " IDENTIFIED BY '" + password + "'");
      for (String grant : grants) {
        s.execute("GRANT " + grant + " TO " + user.account());
      }
    }
    return user;
  }

  public String name() {
    return name;
  }

  public String password() {
    return password;
  }

  /** 'name'@'%', as the server names the account in GRANTs and in CURRENT_USER(). */
  public String account() {
    return "'" + name + "'@'%'";
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = TestDatabase.admin(); Statement s = c.createStatement()) {
      s.execute("DROP USER IF EXISTS " + account());
    }
  }
}
