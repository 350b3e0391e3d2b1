package widen.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * where asked, a timed pool pings its idle connections at half of it, and the server gives up a
 * row-lock wait before the client would.
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

  @Test
  void theServerGivesUpARowLockWaitBeforeTheClientDoes() throws Exception {
    try (TestDatabase db = TestDatabase.create("rt");
        Connection holder = Databases.connect(endpoint(db));
        HikariDataSource pool = Databases.pool(endpoint(db), 1, "rt-lock", 3)) {
      long serverWait = query(holder, "SELECT @@global.innodb_lock_wait_timeout");
      assumeTrue(serverWait > 2, "the server's own lock wait is shorter than the test's");
      db.execute("CREATE TABLE t (id int PRIMARY KEY, v int)");
      db.execute("INSERT INTO t VALUES (1, 0)");
      holder.setAutoCommit(false);
      query(holder, "SELECT v FROM t WHERE id = 1 FOR UPDATE");
      try (Connection copier = pool.getConnection(); var st = copier.createStatement()) {
        SQLException e = assertThrows(SQLException.class,
            () -> st.executeUpdate("UPDATE t SET v = 1 WHERE id = 1"));
        // Without the cut, the wait outlives the client's 3 s and the socket times out instead,
        // leaving the statement waiting on the server.
        assertEquals(MysqlErrors.LOCK_WAIT_TIMEOUT, e.getErrorCode(), e.toString());
        assertEquals(2, query(copier, "SELECT @@session.innodb_lock_wait_timeout"),
            "the session lives on for the retry, with its wait a second short of the client's");
      } finally {
        holder.rollback();
      }
    }
  }

  @Test
  void theLockWaitIsNeverRaised() throws Exception {
    try (TestDatabase db = TestDatabase.create("rt");
        Connection plain = Databases.connect(endpoint(db));
        Connection timed = Databases.connect(endpoint(db), 86_400, false)) {
      long serverWait = query(plain, "SELECT @@global.innodb_lock_wait_timeout");
      assertEquals(serverWait, query(plain, "SELECT @@session.innodb_lock_wait_timeout"));
      assertEquals(Math.min(serverWait, 86_399),
          query(timed, "SELECT @@session.innodb_lock_wait_timeout"));
    }
  }
}
