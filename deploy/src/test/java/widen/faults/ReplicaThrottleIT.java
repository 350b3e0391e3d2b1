package widen.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.demo.CsmhFixture;
import widen.testing.OwnMariaDb;
import widen.testing.TestServices;

/**
 * The replica-lag back-off against a real replica: a primary and a replica of the test's own
 * (the shared server has no binary log), the migration's tables on the primary, the coordinator
 * watching the replica through a proxy. The fleet is held while the replica does not replicate,
 * while it lags (its SQL thread blocked by a table lock on the replica), and while its
 * connection is silent, and runs again each time; every row arrives.
 *
 * <p>The silent replica is the case that stalled the coordinator before its probes ran on a
 * thread of their own: its loop waited on the replica's socket for the whole read timeout, no
 * result recorded and nothing broadcast, and the "cannot be read" hold appeared only after it.
 */
class ReplicaThrottleIT {
  private static final String TABLE = CsmhFixture.SOURCE_TABLE;

  @TempDir
  Path logs;

  @Test
  void theFleetWaitsForAStoppedALaggingAndASilentReplica() throws Exception {
    try (OwnMariaDb primary = OwnMariaDb.start("primary", "127.0.0.1",
            List.of("--log-bin=primary-bin", "--server-id=1", "--binlog-format=ROW"));
        OwnMariaDb replica = OwnMariaDb.start("replica", "127.0.0.1",
            List.of("--server-id=2"));
        Connection r = DriverManager.getConnection(replica.jdbcUrl(""), "root", "")) {
      replicate(r, primary);
      try (FlakyProxy toReplica = new FlakyProxy("127.0.0.1",
              new InetSocketAddress("127.0.0.1", replica.port()), 0, 0, 0);
          FaultRun run = FaultRun.create("replica", DbServer.at("127.0.0.1", primary.port()),
              DbServer.at("127.0.0.1", primary.port()), TestServices.amqpUrl(), logs, Map.of(
                  "throttle.replica_url", "jdbc:mysql://127.0.0.1:" + toReplica.port() + "/",
                  "throttle.max_replica_lag_seconds", "2",
                  "throttle.probe_timeout_seconds", "3",
                  // Slow enough that the backfill outlasts the holds below.
                  "throttle.rows_per_second", "4000",
                  "copy.pushdown", "never"))) {
        sql(r, "STOP SLAVE SQL_THREAD");
        run.begin(1);
        assertHeld(run, "the replica is not replicating");
        assertEquals(0, run.backfillDone(), "no range copied while the replica does not apply");

        sql(r, "START SLAVE SQL_THREAD");
        run.awaitBackfillDone(10);

        awaitTableOnReplica(r, run.srcDb);
        // The replica's SQL thread waits for this lock to apply the application's next row.
        sql(r, "LOCK TABLES `" + run.srcDb + "`.`" + TABLE + "` WRITE");
        assertHeld(run, "replica lag ");
        sql(r, "UNLOCK TABLES");
        long after = run.backfillDone();
        run.awaitBackfillDone(after + 5);

        // The replica stops answering, its address still taking connections: the probe's
        // statement and each new connection's handshake time out and the fleet is held, while
        // the coordinator's loop goes on. Before, the loop itself waited in each connect to the
        // replica (about 30 s a try, measured), and its progress line stopped with it.
        toReplica.blackholeAll();
        assertHeld(run, "the replica cannot be read");
        long progress = run.coordinatorLogLines("BACKFILLING copy");
        Thread.sleep(11_000);
        assertTrue(run.coordinatorLogLines("BACKFILLING copy") >= progress + 2, "the loop logs its"
            + " progress every 5 s while the replica is silent; " + run.coordinator.tail(30));
        toReplica.heal();
        assertEquals(0, run.run("throttle", "0").waitFor(10), "the rate lifted for the rest");
        TableDiff.Outcome o = run.finish();
        assertTrue(o.clean() && o.rows() > FaultRun.ROWS, "every row copied: " + o);
      }
    }
  }

  /**
   * Waits until the coordinator logs the fleet held for {@code why} (again: a line more than
   * before), then checks it stays so: no range finishes for 4 s once the ones in hand are done.
   */
  private static void assertHeld(FaultRun run, String why) throws Exception {
    long seen = run.coordinatorLogLines("fleet " + why);
    run.await("the fleet held: " + why, () -> run.coordinatorLogLines("fleet " + why) > seen);
    Thread.sleep(2_500); // the range in hand finishes
    long before = run.backfillDone();
    Thread.sleep(4_000);
    assertEquals(before, run.backfillDone(), "no range finishes while held for " + why + "; "
        + run.coordinator.tail(60));
  }

  /** Makes {@code r} a replica of {@code primary} from its first binary log. */
  private static void replicate(Connection r, OwnMariaDb primary) throws Exception {
    String firstLog;
    try (Connection p = DriverManager.getConnection(primary.jdbcUrl(""), "root", "");
        Statement st = p.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
      assertTrue(rs.next(), "the primary writes a binary log");
      firstLog = rs.getString(1);
    }
    sql(r, "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + primary.port()
        + ", MASTER_USER = 'root', MASTER_PASSWORD = '', MASTER_LOG_FILE = '" + firstLog
        + "', MASTER_LOG_POS = 4, MASTER_CONNECT_RETRY = 1");
    sql(r, "START SLAVE");
  }

  private static void awaitTableOnReplica(Connection r, String db) throws Exception {
    for (int i = 0; i < 600; i++) {
      try (Statement st = r.createStatement(); ResultSet rs = st.executeQuery(
          "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db
              + "' AND TABLE_NAME = '" + TABLE + "'")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the replica never applied the source table's creation");
  }

  private static void sql(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
