package widen.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
