package widen.coordinator;

import com.mysql.cj.jdbc.JdbcConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import widen.config.DbEndpoint;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;

/**
 * The throttle's probes (the target's Threads_running, {@code throttle.probe_sql} on the source,
 * a replica's lag), asked each second on a thread and connections of their own, never on the
 * coordinator's loop: a replica that stops answering (overloaded, failed over, its connection
 * left half-open by the network) would otherwise stall the loop for the whole read timeout, with
 * no results recorded, no ranges planned and the migration lock's session left idle.
 *
 * <p>What cannot be seen holds the fleet back: a probe that fails, or that has not answered for
 * {@code throttle.probe_timeout_seconds}, is a reason to hold, as a lagging replica is, until it
 * answers again. Each probe's statements time out after as long, and a failed probe opens its
 * connection again on its next turn.
 */
final class ThrottleProbes implements AutoCloseable {
  private static final long EVERY_MS = 1_000;

  /** What the probes said last, and when they said it. */
  private record Answer(Optional<String> hold, long atMillis) {}

  /** A check of one answer: why it holds the fleet back, if it does. */
  private interface Check {
    Optional<String> judge(Connection c) throws SQLException;
  }

  /**
   * One probe: a connection of its own, opened on first use and again after a failure. A
   * statement given up on may still run on the server: one waiting for a row lock goes on after
   * the client hangs up, and so may a SHOW SLAVE STATUS stuck behind a replica's own locks. So
   * the next connection ends the session given up on first; otherwise every turn would leave one
   * more blocked session on a server that is struggling already.
   */
  private static final class Probe {
    private final String what;
    private final DbEndpoint endpoint;
    private final Check check;
    private Connection connection;
    /** The server's id of {@link #connection}'s session. */
    private long session;
    /** The session of a connection given up on, to end on the next connect; 0 if none. */
    private long abandoned;

    Probe(String what, DbEndpoint endpoint, Check check) {
      this.what = what;
      this.endpoint = endpoint;
      this.check = check;
    }

    Optional<String> ask(int timeoutSeconds) {
      try {
        if (connection == null) {
          connection = Databases.connect(endpoint, timeoutSeconds, false);
          // The server's id for the session, which the driver learnt in the handshake.
          session = connection.unwrap(JdbcConnection.class).getId();
          endAbandoned();
        }
        return check.judge(connection);
      } catch (SQLException | RuntimeException e) {
        abandoned = session != 0 ? session : abandoned;
        close();
        return Optional.of(what + " cannot be read: " + Databases.oneLine(
            String.valueOf(e.getMessage())));
      }
    }

    /** Ends the session given up on, if the server still has it; the user may end its own. */
    private void endAbandoned() {
      if (abandoned == 0) {
        return;
      }
      try (Statement st = connection.createStatement()) {
        st.execute("KILL " + abandoned);
      } catch (SQLException alreadyEnded) {
        // "Unknown thread id": the server ended it when the client hung up, or it finished
      }
      abandoned = 0;
    }

    void close() {
      try {
        if (connection != null) {
          connection.close();
        }
      } catch (SQLException alreadyGone) {
        // nothing left to close
      }
      connection = null;
      session = 0;
    }
  }

  private final List<Probe> probes = new ArrayList<>();
  private final int timeoutSeconds;
  private final ScheduledExecutorService thread;
  private volatile Answer last;

  /**
   * The probes {@code config} asks for, none running until {@link #start}; a replica URL that is
   * not a JDBC one is refused here, before anything is written.
   */
  ThrottleProbes(WidenConfig config) {
    this.timeoutSeconds = config.getInt(Setting.THROTTLE_PROBE_TIMEOUT_SECONDS);
    long maxRunning = config.getLong(Setting.THROTTLE_MAX_THREADS_RUNNING);
    if (maxRunning > 0) {
      probes.add(new Probe("the target's Threads_running", config.target(),
          c -> threadsRunning(c, maxRunning)));
    }
    String probeSql = config.get(Setting.THROTTLE_PROBE_SQL);
    if (!probeSql.isEmpty()) {
      long probeMax = config.getLong(Setting.THROTTLE_PROBE_MAX);
      probes.add(new Probe(Setting.THROTTLE_PROBE_SQL.key(), config.source(),
          c -> probeSql(c, probeSql, probeMax)));
    }
    String replicaUrl = config.get(Setting.THROTTLE_REPLICA_URL);
    if (!replicaUrl.isEmpty() && !replicaUrl.startsWith("jdbc:mysql://")
        && !replicaUrl.startsWith("jdbc:mariadb://")) {
      throw new widen.WidenException("config key throttle.replica_url is not of the form"
          + " jdbc:mysql://host:port/: correct it or leave it empty");
    }
    if (!replicaUrl.isEmpty()) {
      DbEndpoint s = config.source();
      long maxLag = config.getLong(Setting.THROTTLE_MAX_REPLICA_LAG_SECONDS);
      probes.add(new Probe("the replica", new DbEndpoint("replica", replicaUrl, s.user(),
          s.password(), s.table()), c -> replicaLag(c, maxLag)));
    }
    String migration = config.migrationId();
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(() -> {
        org.slf4j.MDC.put("migration", migration);
        r.run();
      }, "widen-throttle-probes");
      t.setDaemon(true);
      return t;
    });
  }

  /** Asks every probe each second from now on. */
  void start() {
    if (!probes.isEmpty()) {
      thread.scheduleWithFixedDelay(this::askAll, 0, EVERY_MS, TimeUnit.MILLISECONDS);
    }
  }

  private void askAll() {
    Optional<String> hold = Optional.empty();
    for (Probe p : probes) {
      Optional<String> why = p.ask(timeoutSeconds);
      if (why.isPresent() && hold.isEmpty()) {
        hold = why;
      }
    }
    last = new Answer(hold, System.currentTimeMillis());
  }

  /** Why the probes hold the fleet back at {@code nowMillis}, if they do. */
  Optional<String> hold(long nowMillis) {
    if (probes.isEmpty()) {
      return Optional.empty();
    }
    Answer a = last;
    if (a == null) {
      return Optional.of("waiting for the throttle probes' first answer");
    }
    long silentSeconds = (nowMillis - a.atMillis()) / 1000;
    // Already held, the last reason stands (a replica that cannot be read still cannot); only
    // a "run" goes stale.
    if (silentSeconds >= timeoutSeconds && a.hold().isEmpty()) {
      return Optional.of("the throttle probes have not answered for " + silentSeconds + " s ("
          + Setting.THROTTLE_PROBE_TIMEOUT_SECONDS.key() + " " + timeoutSeconds + ")");
    }
    return a.hold();
  }

  private static Optional<String> threadsRunning(Connection c, long max) throws SQLException {
    long running = number(c, "SHOW GLOBAL STATUS LIKE 'Threads_running'", 2);
    return running > max ? Optional.of("target Threads_running " + running + " > "
        + Setting.THROTTLE_MAX_THREADS_RUNNING.key() + " " + max) : Optional.empty();
  }

  private static Optional<String> probeSql(Connection c, String sql, long max)
      throws SQLException {
    long value = number(c, sql, 1);
    return value > max ? Optional.of(Setting.THROTTLE_PROBE_SQL.key() + " gave " + value + " > "
        + Setting.THROTTLE_PROBE_MAX.key() + " " + max) : Optional.empty();
  }

  /** A lagging or stopped replica holds the fleet back. */
  private static Optional<String> replicaLag(Connection c, long maxLag) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
      if (!rs.next()) {
        return Optional.of("throttle.replica_url is not a replica (SHOW SLAVE STATUS is empty)");
      }
      long lag = rs.getLong("Seconds_Behind_Master");
      if (rs.wasNull()) {
        return Optional.of("the replica is not replicating (Seconds_Behind_Master is NULL)");
      }
      return lag > maxLag ? Optional.of("replica lag " + lag + " s > "
          + Setting.THROTTLE_MAX_REPLICA_LAG_SECONDS.key() + " " + maxLag) : Optional.empty();
    }
  }

  private static long number(Connection c, String sql, int column) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(column) : 0;
    }
  }

  /** Stops asking; a probe waiting on its server is abandoned (the thread is a daemon). */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (thread.awaitTermination(1, TimeUnit.SECONDS)) {
        probes.forEach(Probe::close);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
