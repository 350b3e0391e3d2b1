package widen.coordinator;

import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.queue.ControlState;

/**
 * Decides, each second, what the fleet may do: paused by the operator ({@code widen pause}),
 * held back by a probe (the target's Threads_running, a replica's lag, a custom query on the
 * source, as gh-ost and pt-online-schema-change offer), or running at the fleet's rows per
 * second ({@code widen throttle}, else {@code throttle.rows_per_second}) shared among the
 * consumers on the task queue. The probes are asked on a thread of their own ({@link
 * ThrottleProbes}), so a silent replica never stalls the coordinator's loop.
 */
final class Throttle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Throttle.class);
  private final WidenConfig config;
  private final Ledger ledger;
  private final ThrottleProbes probes;
  private static final long LOG_EVERY_MS = 60_000;
  private String lastState;
  private String lastLoggedKind;
  private long lastLoggedAt;

  Throttle(WidenConfig config, Ledger ledger) {
    this.config = config;
    this.ledger = ledger;
    this.probes = new ThrottleProbes(config);
  }

  /** Starts asking the probes, each second, off the coordinator's loop. */
  void start() {
    probes.start();
  }

  /** The state to broadcast now, for {@code consumers} consumers on the task queue. */
  ControlState decide(int consumers) throws SQLException {
    Ledger.Control c = ledger.control();
    Optional<String> held = c.paused() ? Optional.of("paused by the operator (widen resume)")
        : probes.hold(System.currentTimeMillis());
    long fleetRate = c.rowsPerSecond() != null ? c.rowsPerSecond()
        : config.getLong(Setting.THROTTLE_ROWS_PER_SECOND);
    ControlState state = held.isPresent() ? new ControlState(true, held.get(), 0)
        : new ControlState(false, null, fleetRate == 0 ? 0
            : Math.max(1, fleetRate / Math.max(1, consumers)));
    String text = held.orElse(fleetRate == 0 ? "running" : "running at most " + fleetRate
        + " rows/s (" + consumers + " consumers)");
    if (!text.equals(lastState)) {
      ledger.recordControlState(text); // status shows the latest, a replica's lag included
      lastState = text;
      // Logged when the kind of state changes, and at most each minute while only its numbers
      // do: a replica lagging for an hour is one line a minute, not one a second.
      String kind = text.replaceAll("[0-9]+", "#");
      long now = System.currentTimeMillis();
      if (!kind.equals(lastLoggedKind) || now - lastLoggedAt >= LOG_EVERY_MS) {
        log.warn("migration={} fleet {}", config.migrationId(), text);
        lastLoggedKind = kind;
        lastLoggedAt = now;
      }
    }
    return state;
  }

  /** Stops the probes. */
  @Override
  public void close() {
    probes.close();
  }
}
