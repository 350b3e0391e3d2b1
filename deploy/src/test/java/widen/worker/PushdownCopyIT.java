package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import widen.WidenException;
import widen.demo.CsmhFixture;
import widen.range.IdRange;

/**
 * Every copy test of {@link CopyIdempotencyIT} again with the range pushed down to the server as
 * one INSERT ... SELECT (the test databases share a server), taking turns by the named lock as
 * a worker does on a server whose AUTO-INC lock serializes them; and the decisions themselves.
 */
class PushdownCopyIT extends CopyIdempotencyIT {
  private PushdownTurn turn;

  @Override
  CopyMethod method() {
    return CopyMethod.PUSHDOWN;
  }

  @BeforeEach
  void takeTurns() {
    turn = PushdownTurn.into(pair.target(), 0);
    copier = new RangeCopier(source, target, pair, 500, CopyMethod.PUSHDOWN, turn);
  }

  @Test
  void aRangeWaitsForItsTurnAndGivesItBack() throws Exception {
    try (Connection other = target.getConnection()) {
      turn.take(other);
      assertFalse(turnIsFree(), "the test holds the turn");
      long asked = System.currentTimeMillis();
      CompletableFuture<RangeCopier.Copied> copy = CompletableFuture.supplyAsync(() -> {
        try {
          return copier.copyTimed(new IdRange(-1, 3_000));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      awaitSessionWaitingForTheTurn();
      assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM "
          + CsmhFixture.TARGET_TABLE), "nothing written while another holds the turn");
      Thread.sleep(300);
      long held = System.currentTimeMillis() - asked;
      assertTrue(turn.give(other));
      RangeCopier.Copied copied = copy.join();
      assertTrue(copied.rows() > 0);
      // The wait is reported apart, so the range's own duration (which sizes the next ranges)
      // leaves it out.
      assertTrue(copied.turnWaitMillis() >= held - 50, "waited " + copied.turnWaitMillis()
          + " ms of the " + held + " ms the turn was held");
    }
    assertTrue(turnIsFree(), "the copier gave the turn back");
    assertEquals(tables.sourceSum(new IdRange(-1, 3_000)),
        tables.targetSum(new IdRange(-1, 3_000)));
  }

  /**
   * With a read timeout of 2 s each GET_LOCK waits at most 1 s, so a turn held for longer is
   * waited for in several slices, and the range still gets it.
   */
  @Test
  void aTurnHeldLongerThanOneSliceIsWaitedForInSlices() throws Exception {
    PushdownTurn sliced = PushdownTurn.into(pair.target(), 2);
    assertEquals(1, sliced.sliceSeconds());
    RangeCopier slicing = new RangeCopier(source, target, pair, 500, CopyMethod.PUSHDOWN, sliced);
    try (Connection other = target.getConnection()) {
      sliced.take(other);
      CompletableFuture<Long> copy = CompletableFuture.supplyAsync(() -> {
        try {
          return slicing.copy(new IdRange(-1, 3_000));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      awaitSessionWaitingForTheTurn();
      Thread.sleep(2_500);
      assertFalse(copy.isDone(), "still waiting after two slices: " + copy);
      assertTrue(sliced.give(other));
      assertTrue(copy.join() > 0);
    }
  }

  @Test
  void aFailedRangeGivesTheTurnBack() throws Exception {
    tables.target.execute("CREATE TRIGGER refuse BEFORE INSERT ON " + CsmhFixture.TARGET_TABLE
        + " FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'");
    Exception e = assertThrows(Exception.class, () -> copier.copy(new IdRange(-1, 3_000)));
    assertTrue(e.getMessage().contains("refused by the test"), e.getMessage());
    // The failed session is evicted from the pool; the server frees its lock as it closes.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!turnIsFree() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(turnIsFree(), "no pooled session keeps the turn of a failed range");
    tables.target.execute("DROP TRIGGER refuse");
    assertTrue(copier.copy(new IdRange(-1, 3_000)) > 0, "the next range gets the turn");
  }

  private boolean turnIsFree() throws Exception {
    return tables.target.queryLong("SELECT IS_FREE_LOCK('" + turn.name() + "')") == 1;
  }

  /** Until the server shows a session waiting in GET_LOCK (state "User lock"). */
  private void awaitSessionWaitingForTheTurn() throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (tables.target.queryLong("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
        + " WHERE STATE = 'User lock' AND INFO LIKE 'SELECT GET_LOCK(%'") == 0) {
      assertTrue(System.nanoTime() < deadline, "no range waited for its turn");
      Thread.sleep(50);
    }
  }

  @Test
  void sharedServerIsPushedDownUnlessNever() throws Exception {
    try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
      assertTrue(Pushdown.decide("auto", s, t, pair));
      assertTrue(Pushdown.decide("always", s, t, pair));
      assertFalse(Pushdown.decide("never", s, t, pair));
    }
  }

  @Test
  void aTargetUserThatCannotReadTheSourceIsNotPushedDown() throws Exception {
    String user = "widen_pd_" + System.nanoTime() % 100_000;
    tables.target.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pd'");
    try {
      tables.target.execute("GRANT SELECT, INSERT, UPDATE ON `" + tables.target.name() + "`.* TO '"
          + user + "'@'%'");
      try (Connection s = source.getConnection(); Connection t = java.sql.DriverManager
          .getConnection(tables.target.url(), user, "pd")) {
        assertFalse(Pushdown.decide("auto", s, t, pair));
        WidenException e = assertThrows(WidenException.class,
            () -> Pushdown.decide("always", s, t, pair));
        assertTrue(e.getMessage().contains("cannot read the source table"), e.getMessage());
      }
    } finally {
      tables.target.execute("DROP USER '" + user + "'@'%'");
    }
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.TARGET_TABLE));
  }
}
