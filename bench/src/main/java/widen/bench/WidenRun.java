package widen.bench;

import com.rabbitmq.client.Channel;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import widen.config.WidenConfig;
import widen.coordinator.Ledger;
import widen.coordinator.Migration;
import widen.coordinator.Phase;
import widen.coordinator.Prepare;
import widen.db.Databases;
import widen.demo.WidenProcess;
import widen.queue.Broker;
import widen.queue.Topology;
import widen.schema.TableShape;
import widen.sql.Sql;

/**
 * One widen migration as an operator runs it: a coordinator and N workers, each its own JVM
 * (started through {@link WidenProcess}, config as WIDEN_* variables), through the local
 * RabbitMQ, the ledger in a control schema of its own. Measures the backfill: wall time from the
 * coordinator's start (JVM start-up included) until the ledger's phase is past BACKFILLING, and
 * the copy time the ledger recorded (first range started to last range finished). Optionally
 * lets the migration go on to READY_TO_FLIP and reads the verification's span from the ledger.
 */
final class WidenRun {
  static final String MIGRATION = "bench";
  static final int THREADS_PER_WORKER = 2;
  private static final String RANGES = Sql.quote(Tables.CONTROL_DB, "range_task");

  /** The config every widen contender shares; {@code extra} adds keys (copy.pushdown ...). */
  static WidenConfig config() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("migration.id", MIGRATION);
    c.put("source.url", Tables.url(Tables.SOURCE_DB));
    c.put("source.user", Tables.USER);
    c.put("source.table", Tables.SOURCE);
    c.put("target.url", Tables.url(Tables.TARGET_DB));
    c.put("target.user", Tables.USER);
    c.put("target.table", Tables.TARGET);
    c.put("control.schema", Tables.CONTROL_DB);
    c.put("broker.queue_prefix", "widen-bench");
    c.put("worker.threads", String.valueOf(THREADS_PER_WORKER));
    // A free port: never collide with a coordinator someone else runs on this machine.
    c.put("http.port", "0");
    c.put("worker.http_port", "0"); // several workers share this host
    c.put("headroom.sample_seconds", "1");
    c.put("sweep.interval_seconds", "1");
    return WidenConfig.of(c);
  }

  /** What a run measured. */
  record Outcome(Result copy, Result verification, int threads, double copySeconds) {}

  private final Tables tables;
  private final Path logs;
  private final WidenConfig config = config();

  WidenRun(Tables tables, Path logs) {
    this.tables = tables;
    this.logs = logs;
  }

  /**
   * Runs a migration with {@code workers} worker processes. {@code env} is added to every
   * process's environment (keys this build may not know, such as WIDEN_COPY_PUSHDOWN).
   * With {@code untilReady} the migration goes on past the backfill to READY_TO_FLIP.
   */
  Outcome run(String name, int workers, Map<String, String> env, boolean untilReady)
      throws Exception {
    Path dir = Files.createDirectories(logs.resolve(name.replaceAll("[^A-Za-z0-9]+", "-")));
    forget();
    tables.recreateTarget();
    try (Connection c = Tables.server()) {
      Tables.exec(c, "CREATE DATABASE " + Sql.quote(Tables.CONTROL_DB));
    }
    // The headroom the coordinator insists on; not timed, as an operator does it beforehand.
    Prepare.run(config);
    Bench.settle();
    Map<String, String> processEnv = new LinkedHashMap<>(config.asEnvironment());
    processEnv.putAll(env);
    long timeout = 600 + tables.sourceSum().rows() / 500;
    List<WidenProcess> fleet = new ArrayList<>();
    long t0 = System.nanoTime();
    WidenProcess coordinator = WidenProcess.start("coordinator", processEnv,
        dir.resolve("coordinator.log"), "coordinator");
    fleet.add(coordinator);
    try (HikariDataSource db = Databases.pool(config.target(), 1, "widen-bench-ledger")) {
      for (int i = 1; i <= workers; i++) {
        fleet.add(WidenProcess.start("worker-" + i, processEnv,
            dir.resolve("worker-" + i + ".log"), "worker"));
      }
      Ledger ledger = new Ledger(db, Tables.CONTROL_DB, MIGRATION);
      String failure = awaitPast(ledger, Phase.BACKFILLING, coordinator, timeout);
      double wall = (System.nanoTime() - t0) / 1e9;
      Result verification = null;
      if (untilReady && failure == null) {
        String why = awaitPast(ledger, Phase.VERIFYING, coordinator, timeout);
        verification = verification(name, why);
      }
      stop(fleet);
      Copy copy = copy();
      Tables.Check check = tables.check();
      String note = String.format("%d worker%s x %d threads; wall %.1f s from coordinator start"
          + " to backfill done (JVM start-up included); %d ranges", workers,
          workers == 1 ? "" : "s", THREADS_PER_WORKER, wall, copy.ranges);
      if (failure != null) {
        Bench.say("  FAILED: %s", failure);
      }
      boolean complete = check.complete() && failure == null && copy.notDone == 0;
      if (!complete) {
        note += "; INCOMPLETE: " + (failure != null ? failure : copy.notDone > 0
            ? copy.notDone + " ranges not DONE" : check.detail()) + " (logs in " + dir + ")";
      }
      Result result = new Result(name, check.rows(), copy.seconds, "ledger copy time",
          complete, false, note);
      return new Outcome(result, verification, workers * THREADS_PER_WORKER, copy.seconds);
    } finally {
      fleet.forEach(WidenProcess::kill);
      forget();
    }
  }

  /** Waits until the ledger's phase is past {@code phase}; returns null, or what went wrong. */
  private static String awaitPast(Ledger ledger, Phase phase, WidenProcess coordinator,
      long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (true) {
      Phase now = ledger.migration().map(Migration::phase).orElse(null);
      if (now != null && now.ordinal() > phase.ordinal()) {
        return null;
      }
      if (!coordinator.alive()) {
        return "the coordinator exited (code " + coordinator.waitFor(1) + ") during " + now
            + ": " + coordinator.tail(5).replace('\n', ' ');
      }
      if (System.nanoTime() > deadline) {
        return "still " + now + " after " + timeoutSeconds + " s";
      }
      Thread.sleep(100);
    }
  }

  /** SIGTERM to every process (workers drain), then SIGKILL to any still alive after 60 s. */
  private static void stop(List<WidenProcess> fleet) throws InterruptedException {
    for (int i = fleet.size() - 1; i >= 0; i--) {
      fleet.get(i).terminate();
    }
    for (WidenProcess p : fleet) {
      if (p.waitFor(60) == -1) {
        p.kill();
        p.waitFor(10);
      }
    }
  }

  private record Copy(double seconds, long ranges, long notDone) {}

  /**
   * The backfill's copy time as the ledger recorded it (workers' start and finish times); none
   * when the ledger was never created.
   */
  private static Copy copy() throws SQLException {
    try (Connection c = Tables.server()) {
      if (!TableShape.exists(c, Tables.CONTROL_DB, "range_task")) {
        return new Copy(Double.NaN, 0, 1);
      }
    }
    try (Connection c = Tables.server(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT TIMESTAMPDIFF(MICROSECOND, MIN(started_at),"
            + " MAX(finished_at)), COUNT(*), SUM(state <> 'DONE') FROM " + RANGES
            + " WHERE migration_id = '" + MIGRATION + "' AND kind = 'COPY' AND sweep = 0")) {
      rs.next();
      return new Copy(rs.getLong(1) / 1e6, rs.getLong(2), rs.getLong(3));
    }
  }

  /** The VERIFY tasks' span from the ledger: first started to last finished. */
  private static Result verification(String run, String failure) throws SQLException {
    try (Connection c = Tables.server()) {
      if (!TableShape.exists(c, Tables.CONTROL_DB, "range_task")) {
        return new Result("widen verification (whole table)", 0, Double.NaN,
            "ledger VERIFY span", false, true, "no ledger: " + failure);
      }
    }
    try (Connection c = Tables.server(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT TIMESTAMPDIFF(MICROSECOND, MIN(started_at),"
            + " MAX(finished_at)), COALESCE(SUM(src_rows), 0), COUNT(*),"
            + " COALESCE(SUM(state = 'DONE' AND verdict = 'MATCH'), 0) FROM " + RANGES
            + " WHERE migration_id = '" + MIGRATION + "' AND kind = 'VERIFY'")) {
      rs.next();
      long tasks = rs.getLong(3);
      long matched = rs.getLong(4);
      boolean complete = failure == null && tasks > 0 && matched == tasks;
      String note = String.format("%d VERIFY ranges, %d MATCH, in the run \"%s\"", tasks,
          matched, run);
      if (failure != null) {
        note += "; READY_TO_FLIP not reached: " + failure;
      }
      return new Result("widen verification (whole table)", rs.getLong(2), rs.getLong(1) / 1e6,
          "ledger VERIFY span", complete, true, note);
    }
  }

  /** Drops the control schema and deletes the migration's queues: the next run starts afresh. */
  void forget() throws Exception {
    try (Connection c = Tables.server()) {
      Tables.exec(c, "DROP DATABASE IF EXISTS " + Sql.quote(Tables.CONTROL_DB));
    }
    try (var broker = Broker.connect(config.broker(), "widen-bench", null);
        Channel ch = broker.createChannel()) {
      Topology.of(config).delete(ch);
    }
  }
}
