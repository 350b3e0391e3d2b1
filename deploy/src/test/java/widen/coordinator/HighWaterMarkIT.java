package widen.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private HighWaterMark marks;
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabase.create("hwm");
    db.execute("CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT)");
    db.execute("INSERT INTO t (id, v) SELECT seq, seq FROM seq_1_to_10");
    marks = new HighWaterMark(db.name(), "t", "id", 1);
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    db.close();
  }

  @Test
  void theMarkWaitsForATransactionHoldingAnIdBelowIt() throws Exception {
    try (Connection holder = db.connect(); Connection reader = db.connect()) {
      insertUncommitted(holder, 11);
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

  /**
   * INNODB_TRX gives trx_started in the server's system time zone, whatever the session's. A
   * reader whose session runs five hours behind it sees as a server east of UTC does with
   * widen's UTC sessions: every open transaction starts "after" NOW(). A wait that compared the
   * two clocks (as it once did) returned at once here and let the sweep skip id 11.
   */
  @Test
  void theWaitDoesNotDependOnTheSessionsTimeZone() throws Exception {
    try (Connection holder = db.connect(); Connection reader = db.connect()) {
      reader.createStatement().execute("SET time_zone = '-05:00'");
      insertUncommitted(holder, 11);
      db.execute("INSERT INTO t (v) VALUES (12)");

      Future<OptionalLong> mark = pool.submit(() -> marks.read(reader));
      Thread.sleep(1_500);
      assertFalse(mark.isDone(), "the mark waits for id 11's transaction in any time zone");
      holder.commit();
      assertEquals(12, mark.get(30, TimeUnit.SECONDS).getAsLong());
    }
  }

  /**
   * InnoDB refreshes INNODB_TRX only after 100 ms without a reader: a client that reads it every
   * 20 ms freezes the list as it was before the holder began. A wait that trusted its first look
   * returned at once here; it now waits for a list that shows its own transaction, begun after
   * the mark, and so knows the list is new enough.
   */
  @Test
  void aListServedFromAnOldCacheIsNotTrusted() throws Exception {
    AtomicBoolean reading = new AtomicBoolean(true);
    ExecutorService monitor = Executors.newSingleThreadExecutor();
    try (Connection holder = db.connect(); Connection reader = db.connect();
        Connection watcher = db.connect()) {
      Future<?> watching = monitor.submit(() -> {
        while (reading.get()) {
          watcher.createStatement().executeQuery("SELECT COUNT(*) FROM"
              + " information_schema.INNODB_TRX").close();
          Thread.sleep(20);
        }
        return null;
      });
      Thread.sleep(300); // the list is frozen from here on
      insertUncommitted(holder, 11);
      db.execute("INSERT INTO t (v) VALUES (12)");

      Future<OptionalLong> mark = pool.submit(() -> marks.read(reader));
      Thread.sleep(1_500);
      assertFalse(mark.isDone(), "no list taken after the mark yet: still waiting");
      reading.set(false);
      watching.get(10, TimeUnit.SECONDS);
      Thread.sleep(1_000);
      assertFalse(mark.isDone(), "a fresh list shows id 11's transaction: waiting for it");
      holder.commit();
      assertEquals(12, mark.get(30, TimeUnit.SECONDS).getAsLong());
    } finally {
      reading.set(false);
      monitor.shutdownNow();
    }
  }

  /**
   * A transaction holding id 11 while 10 is the largest committed: a sweep's mark is 10 and
   * id 11 is the next sweep's. The final sweep has no next one, so its mark is read again after
   * the wait, until two reads agree: 11 (found by timeline A of MigrationLifecycleIT, whose
   * application commits a row in the old table 1.5 s after the flip).
   */
  @Test
  void theFinalMarkTakesInARowCommittedAboveItDuringTheWait() throws Exception {
    try (Connection holder = db.connect(); Connection reader = db.connect()) {
      insertUncommitted(holder, 11);
      Future<OptionalLong> sweep = pool.submit(() -> marks.read(reader));
      Thread.sleep(1_000);
      holder.commit();
      assertEquals(10, sweep.get(30, TimeUnit.SECONDS).getAsLong(), "11 is the next sweep's");

      insertUncommitted(holder, 12);
      Future<OptionalLong> last = pool.submit(() -> marks.readSettled(reader));
      Thread.sleep(1_000);
      assertFalse(last.isDone(), "waiting for the transaction holding id 12");
      holder.commit();
      assertEquals(12, last.get(30, TimeUnit.SECONDS).getAsLong(), "and 12 is in the final mark");
    }
  }

  @Test
  void withNoOpenTransactionTheMarkIsImmediate() throws Exception {
    try (Connection reader = db.connect()) {
      assertEquals(10, pool.submit(() -> marks.read(reader)).get(30, TimeUnit.SECONDS)
          .getAsLong());
    }
  }

  /** Takes the next id for a row of {@code v} in a transaction left open on {@code holder}. */
  private static void insertUncommitted(Connection holder, int v) throws Exception {
    holder.setAutoCommit(false);
    holder.createStatement().execute("INSERT INTO t (v) VALUES (" + v + ")");
  }
}
