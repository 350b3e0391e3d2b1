package widen.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import widen.config.WidenConfig;
import widen.testing.TestServices;

/**
 * The throttle's probes, answered on their own thread against the local server: what they hold
 * the fleet back for before their first answer, after it, and once their answer goes stale.
 */
class ThrottleProbesTest {
  private static WidenConfig config(Map<String, String> throttle) {
    Map<String, String> c = new HashMap<>();
    c.put("migration.id", "probes");
    c.put("source.url", TestServices.jdbcUrl("mysql"));
    c.put("source.user", TestServices.dbUser());
    c.put("source.password", TestServices.dbPassword());
    c.put("source.table", "user");
    c.put("target.url", TestServices.jdbcUrl("mysql"));
    c.put("target.user", TestServices.dbUser());
    c.put("target.password", TestServices.dbPassword());
    c.put("target.table", "db");
    c.put("broker.url", TestServices.amqpUrl());
    c.putAll(throttle);
    return WidenConfig.of(c);
  }

  /** The first answer of {@code probes}, waited for up to 10 s. */
  private static Optional<String> firstAnswer(ThrottleProbes probes) throws Exception {
    String waiting = "waiting for the throttle probes' first answer";
    for (int i = 0; i < 100; i++) {
      Optional<String> hold = probes.hold(System.currentTimeMillis());
      if (hold.isEmpty() || !hold.get().equals(waiting)) {
        return hold;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no answer in 10 s");
  }

  @Test
  void withoutProbesNothingHolds() {
    try (ThrottleProbes probes = new ThrottleProbes(config(Map.of()))) {
      probes.start();
      assertEquals(Optional.empty(), probes.hold(System.currentTimeMillis() + 3_600_000));
    }
  }

  @Test
  void aProbeAboveItsMaximumHoldsAndOneBelowLetsRunUntilItsAnswerGoesStale() throws Exception {
    try (ThrottleProbes high = new ThrottleProbes(config(Map.of(
            "throttle.probe_sql", "SELECT 5", "throttle.probe_max", "3")));
        ThrottleProbes low = new ThrottleProbes(config(Map.of(
            "throttle.probe_sql", "SELECT 2", "throttle.probe_max", "3",
            "throttle.probe_timeout_seconds", "7")))) {
      assertEquals(Optional.of("waiting for the throttle probes' first answer"),
          high.hold(System.currentTimeMillis()), "nothing is known before the first answer");
      high.start();
      low.start();
      assertEquals(Optional.of("throttle.probe_sql gave 5 > throttle.probe_max 3"),
          firstAnswer(high));
      assertEquals(Optional.empty(), firstAnswer(low));
      Optional<String> later = low.hold(System.currentTimeMillis() + 30_000);
      assertTrue(later.isPresent() && later.get().startsWith(
          "the throttle probes have not answered for ") && later.get().endsWith(
          "(throttle.probe_timeout_seconds 7)"), later.toString());
      // A reason to hold stays the reason however old: it is still the last thing known.
      assertEquals(Optional.of("throttle.probe_sql gave 5 > throttle.probe_max 3"),
          high.hold(System.currentTimeMillis() + 30_000));
    }
  }

  @Test
  void aProbeThatFailsHoldsTheFleetNamingWhy() throws Exception {
    try (ThrottleProbes probes = new ThrottleProbes(config(Map.of(
        "throttle.probe_sql", "SELECT no_such_column FROM mysql.user")))) {
      probes.start();
      Optional<String> hold = firstAnswer(probes);
      assertTrue(hold.isPresent() && hold.get().startsWith("throttle.probe_sql cannot be read: ")
          && hold.get().contains("no_such_column"), hold.toString());
    }
  }

  /**
   * A probe whose statement blocks on a live server (a row lock here; on a replica in trouble,
   * SHOW SLAVE STATUS waiting on the server's own locks) times out and holds the fleet, and its
   * next turn ends the session it gave up on. The server does not end it when the client hangs
   * up (it does for a table lock's wait, not for a row lock's, measured with the mariadb client),
   * so otherwise every turn would leave one more blocked session on a server that is struggling
   * already.
   */
  @Test
  void aBlockedProbeHoldsTheFleetAndLeavesNoSessionsBehind() throws Exception {
    String db = "widen_t_probes";
    String probeSql = "SELECT COUNT(*) FROM " + db + ".blocker WHERE id = 1 LOCK IN SHARE MODE";
    try (Connection c = DriverManager.getConnection(TestServices.jdbcUrl(""),
            TestServices.dbUser(), TestServices.dbPassword());
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + db);
      st.execute("CREATE DATABASE " + db);
      st.execute("CREATE TABLE " + db + ".blocker (id INT PRIMARY KEY)");
      st.execute("INSERT INTO " + db + ".blocker VALUES (1)");
      try {
        c.setAutoCommit(false);
        st.execute("SELECT id FROM " + db + ".blocker WHERE id = 1 FOR UPDATE");
        try (ThrottleProbes probes = new ThrottleProbes(config(Map.of(
            "throttle.probe_sql", probeSql, "throttle.probe_max", "1",
            "throttle.probe_timeout_seconds", "1")))) {
          probes.start();
          Optional<String> hold = firstAnswer(probes);
          assertTrue(hold.isPresent() && hold.get().startsWith(
              "throttle.probe_sql cannot be read: "), hold.toString());
          Thread.sleep(7_000); // three or more turns of 1 s waiting and 1 s between
          assertTrue(blocked(st, probeSql) <= 1, blocked(st, probeSql)
              + " sessions still run the probe: each turn must end the one before");
          c.commit();
          assertEquals(Optional.empty(), awaitRun(probes), "the probe answers again");
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
        st.execute("DROP DATABASE IF EXISTS " + db);
      }
    }
  }

  /** Sessions on the server running {@code sql} now. */
  private static int blocked(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
        + " WHERE INFO = '" + sql + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** What the probes say once they stop holding the fleet, waited for up to 10 s. */
  private static Optional<String> awaitRun(ThrottleProbes probes) throws Exception {
    Optional<String> hold = probes.hold(System.currentTimeMillis());
    for (int i = 0; i < 100 && hold.isPresent(); i++) {
      Thread.sleep(100);
      hold = probes.hold(System.currentTimeMillis());
    }
    return hold;
  }
}
