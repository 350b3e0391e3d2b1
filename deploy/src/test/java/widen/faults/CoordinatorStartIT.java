package widen.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.testing.TestServices;

/**
 * A coordinator whose database connections drop in the middle of its start (each reset right
 * after the server's greeting) starts again and runs the migration to its end. Before, it
 * exited on the first such reset and waited for systemd or Kubernetes to start it again.
 */
class CoordinatorStartIT {
  @TempDir
  Path logs;

  @Test
  void aCoordinatorWhoseConnectionsDropWhileStartingStartsAgainAndFinishes() throws Exception {
    try (FlakyProxy db = new FlakyProxy("127.0.0.1", TestServices.dbAddress(), 0,
            0, 0);
        FaultRun run = FaultRun.create("cstart", DbServer.shared(), DbServer.shared(),
            TestServices.amqpUrl(), logs, Map.of("copy.pushdown", "never"))) {
      db.dropAfterGreeting(2);
      run.launchCoordinatorWith(run.databasesAt("127.0.0.1", db.port()));
      run.begin(1);
      TableDiff.Outcome o = run.finish();
      assertTrue(o.clean() && o.rows() > FaultRun.ROWS, "every row copied: " + o);
      String log = run.coordinator.tail(400);
      assertTrue(log.contains("a connection dropped while starting"), log);
      assertTrue(db.resets() >= 2, "the proxy dropped the connections");
    }
  }
}
