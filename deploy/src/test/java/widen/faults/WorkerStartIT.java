package widen.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.demo.WidenProcess;
import widen.testing.TestServices;

/**
 * A worker whose connections drop in the middle of its start-up checks (the database's and the
 * broker's, each reset right after the server's greeting) starts again and copies its share.
 * Before, it exited on the first such reset, saying it could not reach the database, and a fleet
 * on a flaky network lost workers one by one. (An unreachable address still fails at once:
 * BadInputIT.)
 */
class WorkerStartIT {
  @TempDir
  Path logs;

  @Test
  void aWorkerWhoseConnectionsDropWhileStartingStartsAgainAndCopiesEveryRow() throws Exception {
    try (FlakyProxy db = new FlakyProxy("127.0.0.1", TestServices.dbAddress(), 0,
            0, 0);
        FlakyProxy mq = new FlakyProxy("127.0.0.1", TestServices.amqpAddress(), 0,
            0, 0);
        FaultRun run = FaultRun.create("start", DbServer.shared(), DbServer.shared(),
            TestServices.amqpUrl(), logs, Map.of("copy.pushdown", "never"))) {
      db.dropAfterGreeting(2);
      mq.dropAfterGreeting(1);
      run.launchWorkersWith(List.of(), run.servicesAt("127.0.0.1", db.port(), mq.port()));
      run.begin(1);
      TableDiff.Outcome o = run.finish();
      assertTrue(o.clean() && o.rows() > FaultRun.ROWS, "every row copied: " + o);
      WidenProcess worker = run.workers.get(0);
      String log = worker.tail(400);
      assertTrue(log.contains("database at 127.0.0.1:" + db.port() + " dropped the connection"
          + " while connecting"), log);
      assertTrue(log.contains("broker at 127.0.0.1:" + mq.port() + " dropped the connection"),
          log);
      assertTrue(db.resets() >= 2 && mq.resets() >= 1, "the proxies dropped the connections");
    }
  }
}
