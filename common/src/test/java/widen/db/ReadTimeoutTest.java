package widen.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import widen.config.DbEndpoint;
import widen.config.WidenConfig;
import widen.testing.TestDatabase;
import widen.testing.TestServices;

/**
 * What {@code retry.read_timeout_seconds} gives a connection: a statement that hears nothing
 * for that long fails as a lost connection, the server ends such sessions after as long idle
 * where asked, and a timed pool pings its idle connections at half of it.
 */
class ReadTimeoutTest {
  private static long query(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static DbEndpoint endpoint(TestDatabase db) {
    return WidenConfig.of(TestServices.config("rt", db, "t", db, "t", db)).target();
  }

  @Test
  void aStatementSilentForLongerFailsAsALostConnection() throws Exception {
    try (TestDatabase db = TestDatabase.create("rt");
        Connection c = Databases.connect(endpoint(db), 1, false)) {
      // SLEEP answers nothing until it ends: to the client, a server gone silent.
      SQLException e = assertThrows(SQLException.class, () -> query(c, "SELECT SLEEP(5)"));
      assertTrue(MysqlErrors.isConnectionLoss(e), "a lost connection, which is retried: " + e);
    }
  }

  @Test
  void theServerEndsIdleSessionsOnlyWhereAsked() throws Exception {
    try (TestDatabase db = TestDatabase.create("rt");
        Connection plain = Databases.connect(endpoint(db));
        Connection tables = Databases.connect(endpoint(db), 42, false);
        Connection lock = Databases.connect(endpoint(db), 42, true);
        HikariDataSource pool = Databases.pool(endpoint(db), 1, "rt-pool", 90)) {
      long serverDefault = query(plain, "SELECT @@session.wait_timeout");
      assertEquals(serverDefault, query(tables, "SELECT @@session.wait_timeout"));
      assertEquals(42, query(lock, "SELECT @@session.wait_timeout"));
      try (Connection pooled = pool.getConnection()) {
        assertEquals(90, query(pooled, "SELECT @@session.wait_timeout"));
      }
      assertEquals(45_000, pool.getKeepaliveTime(), "idle pooled sessions pinged at half of it");
    }
  }
}
