package widen.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import widen.config.WidenConfig;
import widen.testing.TestDatabase;
import widen.testing.TestServices;

class JdbcTest {
  private static void killSelf(TestDatabase db, java.sql.Connection c) throws SQLException {
    try (var st = c.createStatement(); var rs = st.executeQuery("SELECT CONNECTION_ID()")) {
      rs.next();
      db.execute("KILL " + rs.getLong(1));
    }
  }

  @Test
  void aConnectionLostInATransactionFailsWithTheLossNotWithTheFailedRollback() throws Exception {
    try (TestDatabase db = TestDatabase.create("jdbc");
        HikariDataSource pool = Databases.pool(WidenConfig.of(TestServices.config("jdbc", db,
            "t", db, "t", db)).target(), 2, "jdbc-test")) {
      db.execute("CREATE TABLE t (id INT PRIMARY KEY)");
      Jdbc jdbc = new Jdbc(pool);
      SQLException e = assertThrows(SQLException.class, () -> jdbc.inTransaction(c -> {
        Jdbc.update(c, "INSERT INTO t VALUES (1)");
        killSelf(db, c); // as a database restart would, mid-transaction
        Jdbc.update(c, "INSERT INTO t VALUES (2)");
      }));
      assertTrue(MysqlErrors.isTransient(e), "a lost connection, which a reconnect cures: " + e);
      assertTrue(e.getSuppressed().length > 0, "the failed rollback is kept as suppressed");
      assertEquals(0, db.queryLong("SELECT COUNT(*) FROM t"), "nothing committed");
      jdbc.update("INSERT INTO t VALUES (3)");
      assertEquals(1, db.queryLong("SELECT COUNT(*) FROM t"), "the pool goes on with a new one");
    }
  }
}
