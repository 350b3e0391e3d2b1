package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import org.junit.jupiter.api.Test;
import widen.WidenException;
import widen.demo.CsmhFixture;

/**
 * Every copy test of {@link CopyIdempotencyIT} again with the range pushed down to the server as
 * one INSERT ... SELECT (the test databases share a server), and the decision itself.
 */
class PushdownCopyIT extends CopyIdempotencyIT {
  @Override
  CopyMethod method() {
    return CopyMethod.PUSHDOWN;
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
