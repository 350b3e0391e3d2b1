package widen.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import widen.testing.TestDatabase;
import widen.testing.TestServices;

/** A MariaDB server the fault suite uses: the shared test server or one a scenario owns. */
record DbServer(String urlPrefix, String user, String password) {
  /** The test server of {@link TestServices}. */
  static DbServer shared() {
    return new DbServer(TestServices.jdbcUrl(""), TestServices.dbUser(), TestServices.dbPassword());
  }

  /** A server at host:port as root without a password (how the test's own servers start). */
  static DbServer at(String host, int port) {
    return new DbServer("jdbc:mysql://" + host + ":" + port + "/", "root", "");
  }

  String url(String database) {
    return urlPrefix + database;
  }

  /** A connection with widen's session settings, so ids 0 and strict mode behave as in widen. */
  Connection connect(String database) throws SQLException {
    return TestDatabase.connect(url(database), user, password);
  }

  void execute(String sql) throws SQLException {
    try (Connection c = connect(""); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first column of the first row, or 0 when there is no row or it is NULL. */
  long queryLong(String sql) throws SQLException {
    try (Connection c = connect(""); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  String queryString(String sql) throws SQLException {
    try (Connection c = connect(""); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
