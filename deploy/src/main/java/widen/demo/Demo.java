package widen.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import widen.WidenException;
import widen.config.DbEndpoint;
import widen.config.Setting;
import widen.config.WidenConfig;
import com.zaxxer.hikari.HikariDataSource;
import widen.coordinator.Ledger;
import widen.coordinator.Phase;
import widen.coordinator.Prepare;
import widen.coordinator.StatusReport;
import widen.range.IdRange;
import widen.range.RangePlanner;
import widen.db.Databases;
import widen.queue.Broker;
import widen.queue.Topology;
import widen.schema.TableShape;
import widen.sql.Sql;
import widen.verify.TableChecksum;

/**
 * {@code widen demo}: a whole migration on this machine, as the seed's procedure runs it. Creates
 * a CSMH-shaped table, raises the new table's AUTO_INCREMENT (prepare), starts a simulated
 * application writing to the old table, and migrates into the extended table in the separate
 * student_module_history database with one coordinator and N workers, each a process of its own:
 * backfill, delta sweeps, verification, the flip advice; then it switches the application to the
 * new table, confirms the flip, and ends with both tables' row counts and checksums.
 */
public final class Demo {
  /** The demo's own defaults: the local MariaDB and RabbitMQ, as the README's set-up leaves them. */
  public static final Map<String, String> DEFAULTS = Map.of(
      "migration.id", "demo",
      "source.url", "jdbc:mysql://127.0.0.1:3306/widen_demo_edxapp",
      "source.user", "root",
      "target.url", "jdbc:mysql://127.0.0.1:3306/student_module_history",
      "target.user", "root",
      "headroom.sample_seconds", "2",
      "flip.quiet_seconds", "3",
      "sweep.interval_seconds", "2",
      "worker.http_port", "0"); // the workers share this host: each picks a free port
  /** The simulated application's write rate into the old table, then the new one. */
  private static final int APP_ROWS_PER_SECOND = 50;

  private final WidenConfig config;
  private final long rows;
  private final int workers;
  private final String coordinatorNetns;
  private final List<String> workerNetns;

  public Demo(WidenConfig config, long rows, int workers) {
    this(config, rows, workers, null, List.of());
  }

  /**
   * A demo whose coordinator runs in network namespace {@code coordinatorNetns} (null: this one)
   * and whose worker i runs in {@code workerNetns[i % size]} (empty: this one), each started with
   * {@code ip netns exec}: as on hosts of their own, the multi-host rehearsal
   * (deploy/rehearsal/run).
   */
  public Demo(WidenConfig config, long rows, int workers, String coordinatorNetns,
      List<String> workerNetns) {
    this.config = config;
    this.rows = rows;
    this.workers = workers;
    this.coordinatorNetns = coordinatorNetns;
    this.workerNetns = List.copyOf(workerNetns);
  }

  /** Runs the demo; true when both tables hold the same rows. */
  public boolean run() throws Exception {
    Path logs = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "widen-demo"));
    DbEndpoint source = config.source();
    DbEndpoint target = config.target();
    say("preparing %,d CSMH-shaped rows in %s ...", rows, source.qualifiedTable());
    long t0 = System.nanoTime();
    try (Connection src = Databases.connect(withoutDatabase(source));
        Connection dst = Databases.connect(withoutDatabase(target))) {
      recreate(src, source, true);
      recreate(dst, target, false);
      forgetEarlierRun(dst);
    }
    say("  done in %.1f s", (System.nanoTime() - t0) / 1e9);
    say("widen prepare: measuring the write rate and raising the new table's AUTO_INCREMENT ...");
    System.out.print(Prepare.run(config));
    AppWriter app = new AppWriter(source, target, APP_ROWS_PER_SECOND, AppWriter.Table.OLD).start();
    say("the application writes about %d rows/s to the old table", APP_ROWS_PER_SECOND);
    say("starting 1 coordinator and %d workers (logs in %s)", workers, logs);
    Map<String, String> env = config.asEnvironment();
    WidenProcess coordinator = WidenProcess.start("coordinator", env,
        fresh(logs.resolve("coordinator.log")), inNetns(coordinatorNetns), "coordinator");
    if (coordinatorNetns != null) {
      say("  the coordinator runs in network namespace %s", coordinatorNetns);
    }
    List<WidenProcess> fleet = new ArrayList<>();
    for (int i = 1; i <= workers; i++) {
      String netns = workerNetns.isEmpty() ? null : workerNetns.get((i - 1) % workerNetns.size());
      fleet.add(WidenProcess.start("worker-" + i, env, fresh(logs.resolve("worker-" + i + ".log")),
          inNetns(netns), "worker"));
      if (netns != null) {
        say("  worker-%d runs in network namespace %s", i, netns);
      }
    }
    long copyStart = System.nanoTime();
    boolean flipped = false;
    try (HikariDataSource db = Databases.pool(config.target(), 1, "widen-demo")) {
      Ledger ledger = new Ledger(db, config.get(Setting.CONTROL_SCHEMA), config.migrationId());
      while (coordinator.alive()) {
        Thread.sleep(2_000);
        showProgress();
        if (!flipped && ledger.migration().map(m -> m.phase() == Phase.READY_TO_FLIP)
            .orElse(false)) {
          say("flip advised: the application now writes to the new table only, and the demo"
              + " runs `widen flip --confirm`");
          app.writeTo(AppWriter.Table.NEW);
          flipped = ledger.confirmFlip();
        }
      }
    }
    double seconds = (System.nanoTime() - copyStart) / 1e9;
    app.close();
    int code = coordinator.waitFor(5);
    fleet.forEach(WidenProcess::terminate);
    for (WidenProcess w : fleet) {
      say("%s exited with %d after SIGTERM", w.name(), w.waitFor(120));
    }
    if (code != 0) {
      say("the coordinator failed (exit %d): see %s", code, logs.resolve("coordinator.log"));
      return false;
    }
    System.out.print(StatusReport.render(config));
    return compare(seconds);
  }

  private boolean compare(double seconds) throws SQLException {
    try (Connection src = Databases.connect(config.source());
        Connection dst = Databases.connect(config.target())) {
      TableShape s = TableShape.introspect(src, "source", config.source().database(),
          config.source().table());
      TableShape t = TableShape.introspect(dst, "target", config.target().database(),
          config.target().table());
      List<String> columns = s.columns().stream().map(c -> c.name()).toList();
      // The new table also holds the rows the application wrote after the flip, above the old
      // table's ids: compare the old table's id space only.
      IdRange old = new IdRange(Long.MIN_VALUE,
          RangePlanner.bounds(src, s.database(), s.table(), s.primaryKey()).max());
      TableChecksum.Sum a = TableChecksum.ranged(s, columns).compute(src, old);
      TableChecksum.Sum b = TableChecksum.ranged(t, columns).compute(dst, old);
      say("");
      say("source %s: %s", config.source().qualifiedTable(), a);
      say("target %s: %s", config.target().qualifiedTable(), b);
      say("copy took %.1f s (%,.0f rows/s with %d workers, including JVM start-up)", seconds,
          a.rows() / seconds, workers);
      boolean same = a.equals(b);
      say(same ? "MATCH: every row is in the new table, equal value for value"
          : "MISMATCH: the tables differ");
      return same;
    }
  }

  private void showProgress() {
    try {
      String status = StatusReport.render(config);
      status.lines().filter(l -> l.startsWith("phase") || l.startsWith("progress")
              || l.startsWith("verified") || l.startsWith("FLIP") || l.startsWith("COMPLETE"))
          .forEach(System.out::println);
    } catch (SQLException | WidenException e) {
      say("(progress not readable yet: %s)", e.getMessage());
    }
  }

  /**
   * Drops and creates the demo's table, but only one the demo made itself (its table comment says
   * so): a real table that happens to have this name is never touched.
   */
  private void recreate(Connection c, DbEndpoint db, boolean isSource) throws SQLException {
    String comment = tableComment(c, db);
    if (comment != null && !comment.equals(CsmhFixture.DEMO_COMMENT)) {
      throw new WidenException(db.qualifiedTable() + " exists and was not made by the demo:"
          + " point " + db.role() + ".url at another database to run the demo");
    }
    exec(c, "CREATE DATABASE IF NOT EXISTS " + Sql.quote(db.database()));
    exec(c, "DROP TABLE IF EXISTS " + Sql.quote(db.database(), db.table()));
    if (isSource) {
      CsmhFixture.createSource(c, db.database(), db.table());
      CsmhFixture.fill(c, db.database(), db.table(), 1, rows);
    } else {
      CsmhFixture.createTarget(c, db.database(), db.table());
    }
  }

  /** Removes the previous demo's ledger rows and queues, so the demo starts from scratch. */
  private void forgetEarlierRun(Connection dst) throws Exception {
    String schema = config.get(Setting.CONTROL_SCHEMA);
    for (String table : List.of("range_task", "sweep", "migration")) {
      String key = table.equals("migration") ? "id" : "migration_id";
      if (TableShape.exists(dst, schema, table)) {
        try (PreparedStatement ps = dst.prepareStatement("DELETE FROM " + Sql.quote(schema, table)
            + " WHERE " + key + " = ?")) {
          ps.setString(1, config.migrationId());
          ps.executeUpdate();
        }
      }
    }
    try (var broker = Broker.connect(config.broker(), "widen-demo", null);
        var ch = broker.createChannel()) {
      Topology.of(config).delete(ch);
    }
  }

  private static String tableComment(Connection c, DbEndpoint db) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_COMMENT FROM"
        + " information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, db.database());
      ps.setString(2, db.table());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** The same server, connected without a default database (it may not exist yet). */
  private static DbEndpoint withoutDatabase(DbEndpoint db) {
    String url = db.url().replaceFirst("//([^/]+)/[^/?]+", "//$1/information_schema");
    return new DbEndpoint(db.role(), url, db.user(), db.password(), db.table());
  }

  /** The launcher that starts a process in network namespace {@code netns} (null: none). */
  private static List<String> inNetns(String netns) {
    return netns == null ? List.of() : List.of("ip", "netns", "exec", netns);
  }

  private static Path fresh(Path log) throws java.io.IOException {
    Files.deleteIfExists(log);
    return log;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(format, args));
  }
}
