package widen.coordinator;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.config.DbEndpoint;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.queue.ControlState;

/**
 * Decides, each second, what the fleet may do: paused by the operator ({@code widen pause}),
 * held back by a probe (the target's Threads_running, a replica's lag, a custom query on the
 * source, as gh-ost and pt-online-schema-change offer), or running at the fleet's rows per
 * second ({@code widen throttle}, else {@code throttle.rows_per_second}) shared among the
 * consumers on the task queue.
 */
final class Throttle {
  private static final Logger log = LoggerFactory.getLogger(Throttle.class);

  private final WidenConfig config;
  private final Ledger ledger;
  private final long maxThreadsRunning;
  private final String probeSql;
  private final long probeMax;
  private final String replicaUrl;
  private final long maxLagSeconds;
  private Connection replica;
  private String lastState;

  Throttle(WidenConfig config, Ledger ledger) {
    this.config = config;
    this.ledger = ledger;
    this.maxThreadsRunning = config.getLong(Setting.THROTTLE_MAX_THREADS_RUNNING);
    this.probeSql = config.get(Setting.THROTTLE_PROBE_SQL);
    this.probeMax = config.getLong(Setting.THROTTLE_PROBE_MAX);
    this.replicaUrl = config.get(Setting.THROTTLE_REPLICA_URL);
    this.maxLagSeconds = config.getLong(Setting.THROTTLE_MAX_REPLICA_LAG_SECONDS);
    if (!replicaUrl.isEmpty() && !replicaUrl.startsWith("jdbc:mysql://")
        && !replicaUrl.startsWith("jdbc:mariadb://")) {
      throw new widen.WidenException("config key throttle.replica_url is not of the form"
          + " jdbc:mysql://host:port/: correct it or leave it empty");
    }
  }

  /** The state to broadcast now, for {@code consumers} consumers on the task queue. */
  ControlState decide(Connection src, Connection dst, int consumers) throws SQLException {
    Ledger.Control c = ledger.control();
    Optional<String> held = c.paused() ? Optional.of("paused by the operator (widen resume)")
        : probe(src, dst);
    long fleetRate = c.rowsPerSecond() != null ? c.rowsPerSecond()
        : config.getLong(Setting.THROTTLE_ROWS_PER_SECOND);
    ControlState state = held.isPresent() ? new ControlState(true, held.get(), 0)
        : new ControlState(false, null, fleetRate == 0 ? 0
            : Math.max(1, fleetRate / Math.max(1, consumers)));
    String text = held.orElse(fleetRate == 0 ? "running" : "running at most " + fleetRate
        + " rows/s (" + consumers + " consumers)");
    if (!text.equals(lastState)) {
      log.warn("migration={} fleet {}", config.migrationId(), text);
      ledger.recordControlState(text);
      lastState = text;
    }
    return state;
  }

  /** Why a probe holds the fleet back, if one does. */
  private Optional<String> probe(Connection src, Connection dst) throws SQLException {
    if (maxThreadsRunning > 0) {
      long running = number(dst, "SHOW GLOBAL STATUS LIKE 'Threads_running'", 2);
      if (running > maxThreadsRunning) {
        return Optional.of("target Threads_running " + running + " > "
            + Setting.THROTTLE_MAX_THREADS_RUNNING.key() + " " + maxThreadsRunning);
      }
    }
    if (!probeSql.isEmpty()) {
      long value = number(src, probeSql, 1);
      if (value > probeMax) {
        return Optional.of("throttle.probe_sql gave " + value + " > throttle.probe_max "
            + probeMax);
      }
    }
    if (!replicaUrl.isEmpty()) {
      return replicaLag();
    }
    return Optional.empty();
  }

  /** A lagging, stopped or unreachable replica holds the fleet back. */
  private Optional<String> replicaLag() {
    try {
      if (replica == null || !replica.isValid(2)) {
        DbEndpoint s = config.source();
        // A silent replica connection times out like the coordinator's others, and then holds
        // the fleet back as an unreachable replica does.
        replica = Databases.connect(new DbEndpoint("replica", replicaUrl, s.user(), s.password(),
            s.table()), config.getInt(Setting.RETRY_READ_TIMEOUT_SECONDS), false);
      }
      try (Statement st = replica.createStatement();
          ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
        if (!rs.next()) {
          return Optional.of("throttle.replica_url is not a replica (SHOW SLAVE STATUS is empty)");
        }
        long lag = rs.getLong("Seconds_Behind_Master");
        if (rs.wasNull()) {
          return Optional.of("the replica is not replicating (Seconds_Behind_Master is NULL)");
        }
        return lag > maxLagSeconds ? Optional.of("replica lag " + lag + " s > "
            + Setting.THROTTLE_MAX_REPLICA_LAG_SECONDS.key() + " " + maxLagSeconds) : Optional.empty();
      }
    } catch (SQLException | RuntimeException e) {
      replica = null;
      return Optional.of("the replica cannot be read: " + Databases.oneLine(e.getMessage()));
    }
  }

  private static long number(Connection c, String sql, int column) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(column) : 0;
    }
  }
}
