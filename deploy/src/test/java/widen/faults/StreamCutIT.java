package widen.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import widen.config.DbEndpoint;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.db.MysqlErrors;
import widen.demo.CsmhFixture;
import widen.e2e.Csmh;
import widen.range.IdRange;
import widen.schema.TablePair;
import widen.testing.TestServices;
import widen.worker.RangeCopier;

/**
 * A source connection cut while a range streams from it is a lost connection, and the next
 * copy on the same one-connection pool works: the broken connection is not handed out again
 * (before, every later range on it failed with "streaming result set is still active").
 */
class StreamCutIT {
  @Test
  void aCopyCutOffMidStreamIsALostConnectionAndTheNextCopySucceeds() throws Exception {
    try (Csmh tables = Csmh.create("cut", 20_000, false);
        FlakyProxy proxy = new FlakyProxy("127.0.0.1", new InetSocketAddress("127.0.0.1",
            port()), 5, 0, 0)) {
      WidenConfig config = WidenConfig.of(TestServices.config("cut", tables.source,
          CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE, tables.control));
      DbEndpoint viaProxy = config.with(Map.of("source.url", "jdbc:mysql://127.0.0.1:"
          + proxy.port() + "/" + tables.source.name())).source();
      try (HikariDataSource source = Databases.pool(viaProxy, 1, "cut-source");
          HikariDataSource target = Databases.pool(config.target(), 1, "cut-target")) {
        TablePair pair;
        try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
          pair = TablePair.inspect(s, t, viaProxy, config.target());
        }
        RangeCopier copier = new RangeCopier(source, target, pair, 500);
        IdRange all = new IdRange(-1, Integer.MAX_VALUE);
        CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> {
          try {
            return copier.copy(all);
          } catch (SQLException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
        Thread.sleep(300); // about 9 MB stream through 5 ms per 16 KiB chunk: still reading
        proxy.cut(0);
        Throwable cut = assertThrows(Exception.class, first::join).getCause();
        assertTrue(cut instanceof SQLException s && MysqlErrors.isConnectionLoss(s),
            "a cut stream is a lost connection, which a worker waits out: " + cut);

        assertEquals(20_000, copier.copy(all), "the pool's one connection was replaced");
        assertEquals(tables.sourceSum(), tables.targetSum());
      }
    }
  }

  private static int port() {
    String url = TestServices.jdbcUrl("");
    return Integer.parseInt(url.replaceAll(".*:(\\d+)/.*", "$1"));
  }
}
