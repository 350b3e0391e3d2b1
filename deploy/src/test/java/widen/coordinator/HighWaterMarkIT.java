package widen.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import widen.testing.TestDatabase;

/**
 * A sweep's high-water mark is only used once every transaction open when it was read has ended:
 * a transaction holding id 11 uncommitted while id 12 commits must not be skipped.
 */
class HighWaterMarkIT {
  private TestDatabase db;
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabase.create("hwm");
    db.execute("CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT)");
    db.execute("INSERT INTO t (id, v) SELECT seq, seq FROM seq_1_to_10");
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    db.close();
  }

  @Test
  void theMarkWaitsForATransactionHoldingAnIdBelowIt() throws Exception {
    HighWaterMark marks = new HighWaterMark(db.name(), "t", "id", 1);
    try (Connection holder = db.connect(); Connection reader = db.connect()) {
      holder.setAutoCommit(false);
      holder.createStatement().execute("INSERT INTO t (v) VALUES (11)");
      db.execute("INSERT INTO t (v) VALUES (12)");
      assertEquals(11, marks.count(reader, 0, 12), "id 11 is not visible yet");

      Future<OptionalLong> mark = pool.submit(() -> marks.read(reader));
      Thread.sleep(1_500);
      assertFalse(mark.isDone(), "the mark waits while the transaction holding id 11 is open");

      holder.commit();
      assertEquals(12, mark.get(30, TimeUnit.SECONDS).getAsLong());
      assertEquals(12, marks.count(reader, 0, 12), "every id up to the mark is final");
    }
  }

  @Test
  void withNoOpenTransactionTheMarkIsImmediate() throws Exception {
    HighWaterMark marks = new HighWaterMark(db.name(), "t", "id", 1);
    try (Connection reader = db.connect()) {
      assertEquals(10, pool.submit(() -> marks.read(reader)).get(30, TimeUnit.SECONDS)
          .getAsLong());
    }
  }
}
