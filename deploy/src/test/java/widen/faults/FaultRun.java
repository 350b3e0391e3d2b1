package widen.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import widen.config.WidenConfig;
import widen.demo.AppWriter;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.testing.Queues;

/**
 * One migration of the fault suite: {@value #ROWS} CSMH-shaped rows, an application writing to
 * the old table throughout, a coordinator and workers each in a JVM of its own, and the steps a
 * scenario takes to hurt them. {@link #finish} drives it to COMPLETE and compares the tables.
 */
final class FaultRun implements AutoCloseable {
  static final long ROWS = 100_000;
  /** Every column, as canonical text: the old datetime and the new datetime(6) print alike. */
  static final List<String> COLUMNS = List.of("id", "version",
      "DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s.%f')", "state", "grade", "max_grade",
      "student_module_id");
  private static final int WRITER_ROWS_PER_SECOND = 100;

  final DbServer source;
  final DbServer target;
  final String srcDb;
  final String dstDb;
  final String ctlDb;
  private final Path logs;
  private final List<WidenProcess> processes = new ArrayList<>();
  final List<WidenProcess> workers = new ArrayList<>();
  private List<String> workerLauncher = List.of();
  private WidenConfig config;
  private WidenConfig workerConfig;
  private WidenConfig coordinatorConfig;
  private AppWriter writer;
  WidenProcess coordinator;

  private FaultRun(DbServer source, DbServer target, Path logs, String name) {
    this.source = source;
    this.target = target;
    this.logs = logs;
    String base = "widen_f_" + name + "_" + Long.toString(
        ThreadLocalRandom.current().nextLong(1L << 30), 36);
    this.srcDb = base + "_src";
    this.dstDb = base + "_dst";
    this.ctlDb = base + "_ctl";
  }

  /** Creates the source (filled) and an empty target; {@code settings} override the defaults. */
  static FaultRun create(String name, DbServer source, DbServer target, String brokerUrl,
      Path logs, Map<String, String> settings) throws Exception {
    FaultRun run = new FaultRun(source, target, logs, name);
    source.execute("CREATE DATABASE `" + run.srcDb + "`");
    target.execute("CREATE DATABASE `" + run.dstDb + "`");
    try (Connection s = source.connect(run.srcDb); Connection d = target.connect(run.dstDb)) {
      CsmhFixture.createSource(s, run.srcDb, CsmhFixture.SOURCE_TABLE);
      CsmhFixture.fill(s, run.srcDb, CsmhFixture.SOURCE_TABLE, 1, ROWS);
      CsmhFixture.createTarget(d, run.dstDb, CsmhFixture.TARGET_TABLE);
    }
    Map<String, String> c = new LinkedHashMap<>();
    c.put("migration.id", "fault-" + name + "-" + Math.floorMod(run.srcDb.hashCode(), 10_000));
    c.put("source.url", source.url(run.srcDb));
    c.put("source.user", source.user());
    c.put("source.password", source.password());
    c.put("source.table", CsmhFixture.SOURCE_TABLE);
    c.put("target.url", target.url(run.dstDb));
    c.put("target.user", target.user());
    c.put("target.password", target.password());
    c.put("target.table", CsmhFixture.TARGET_TABLE);
    c.put("control.schema", run.ctlDb);
    c.put("broker.url", brokerUrl);
    c.put("http.port", "0");
    c.put("worker.http_port", "0"); // several workers share this host
    // Ranges small enough that every fault lands in the middle of the backfill, and kept so.
    c.put("plan.range_rows", "1000");
    c.put("plan.target_range_ms", "0");
    c.put("retry.delay_ms", "200");
    c.put("retry.max_delay_ms", "2000");
    c.put("headroom.sample_seconds", "1");
    c.put("flip.quiet_seconds", "1");
    c.put("sweep.interval_seconds", "1");
    c.put("sweep.until_rows", "400");
    c.put("worker.drain_seconds", "30");
    c.putAll(settings);
    run.config = WidenConfig.of(c);
    run.workerConfig = run.config;
    run.coordinatorConfig = run.config;
    return run;
  }

  /**
   * Runs the workers through {@code launcher} (e.g. into a network namespace), with
   * {@code settings} changed for them only (e.g. addresses through a proxy).
   */
  void launchWorkersWith(List<String> launcher, Map<String, String> settings) {
    workerLauncher = launcher;
    workerConfig = config.with(settings);
  }

  /** The source and target URLs of this run's databases as reached at {@code host:port}. */
  Map<String, String> databasesAt(String host, int port) {
    String server = "jdbc:mysql://" + host + ":" + port + "/";
    return Map.of("source.url", server + srcDb, "target.url", server + dstDb);
  }

  /** As {@link #databasesAt}, with the broker too at {@code host:brokerPort}. */
  Map<String, String> servicesAt(String host, int port, int brokerPort) {
    Map<String, String> urls = new LinkedHashMap<>(databasesAt(host, port));
    urls.put("broker.url", "amqp://" + host + ":" + brokerPort + "/");
    return urls;
  }

  /** Runs the coordinator with {@code settings} changed for it only (addresses through a proxy). */
  void launchCoordinatorWith(Map<String, String> settings) {
    coordinatorConfig = config.with(settings);
  }

  /** Prepares the target, starts the application's writes, the coordinator and the workers. */
  void begin(int workerCount) throws Exception {
    WidenProcess prepare = start("prepare", List.of());
    assertEquals(0, prepare.waitFor(120), prepare.tail(20));
    writer = new AppWriter(config.source(), config.target(), WRITER_ROWS_PER_SECOND,
        AppWriter.Table.OLD).start();
    coordinator = start(coordinatorConfig, "coordinator", List.of());
    for (int i = 0; i < workerCount; i++) {
      startWorker();
    }
  }

  WidenProcess startWorker() throws Exception {
    WidenProcess w = start(workerConfig, "worker", workerLauncher);
    workers.add(w);
    return w;
  }

  /** Waits until {@code p}'s log shows {@code text} (e.g. a worker's "started:"). */
  void awaitLog(WidenProcess p, String text) throws Exception {
    await(p.name() + " logs '" + text + "'", () -> p.tail(200).contains(text));
  }

  /** kill -9 of the coordinator, then a new one that must resume from the ledger. */
  void killAndRestartCoordinator() throws Exception {
    coordinator.kill();
    coordinator.waitFor(30);
    coordinator = start(coordinatorConfig, "coordinator", List.of());
  }

  /** Runs a widen command to its end; returns its exit code and keeps its output in the logs. */
  WidenProcess run(String... command) throws Exception {
    WidenProcess p = start(command[0], List.of(), command);
    p.waitFor(120);
    return p;
  }

  private WidenProcess start(String name, List<String> launcher, String... command)
      throws Exception {
    return start(config, name, launcher, command);
  }

  private WidenProcess start(WidenConfig with, String name, List<String> launcher,
      String... command) throws Exception {
    String[] args = command.length == 0 ? new String[] {name} : command;
    String file = name + "-" + processes.size();
    WidenProcess p = WidenProcess.start(file, with.asEnvironment(), logs.resolve(file + ".log"),
        launcher, args);
    processes.add(p);
    return p;
  }

  /** The running coordinator's HTTP port, from its log (http.port is 0: a free one). */
  int httpPort() throws Exception {
    await("the coordinator's HTTP port", () -> coordinator.tail(400).contains("HTTP on port "));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP on port (\\d+)")
        .matcher(coordinator.tail(400));
    m.find();
    return Integer.parseInt(m.group(1));
  }

  /** POSTs to the coordinator with {@code token} (null for none); returns status and body. */
  String post(String path, String token) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + httpPort() + path))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    var response = java.net.http.HttpClient.newHttpClient().send(request.build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  String ledger(String table) {
    return "`" + ctlDb + "`." + table;
  }

  /** COPY ranges of the backfill that are DONE (0 before the ledger exists). */
  long backfillDone() throws Exception {
    return ledgerLong("SELECT COUNT(*) FROM " + ledger("range_task")
        + " WHERE kind = 'COPY' AND sweep = 0 AND state = 'DONE'");
  }

  /** The ledger's value of {@code sql}, or 0 before the coordinator created the ledger. */
  long ledgerLong(String sql) throws Exception {
    return ledgerExists() ? target.queryLong(sql) : 0;
  }

  String phase() throws Exception {
    String p = ledgerExists() ? target.queryString("SELECT phase FROM " + ledger("migration"))
        : null;
    return p == null ? "" : p;
  }

  private boolean ledgerExists() throws Exception {
    return target.queryLong("SELECT COUNT(*) FROM information_schema.TABLES"
        + " WHERE TABLE_SCHEMA = '" + ctlDb + "' AND TABLE_NAME = 'range_task'") > 0;
  }

  /** Waits until {@code n} backfill ranges are DONE (about {@code n} thousand rows copied). */
  void awaitBackfillDone(long n) throws Exception {
    await("backfill ranges done >= " + n, () -> backfillDone() >= n);
  }

  void awaitPhase(String phase) throws Exception {
    await("phase " + phase, () -> phase().equals(phase));
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  /** Waits up to 5 minutes for {@code c}; a dead coordinator fails the wait with its log. */
  void await(String what, Condition c) throws Exception {
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (!safely(c)) {
      if (System.nanoTime() > deadline || !coordinator.alive()) {
        throw new AssertionError(what + " not reached (phase " + safePhase() + "); "
            + coordinator.tail(40) + workersTails());
      }
      Thread.sleep(100);
    }
  }

  /** The end of each worker's log, so a failed wait shows what the fleet was doing. */
  private String workersTails() {
    StringBuilder b = new StringBuilder();
    for (WidenProcess w : workers) {
      b.append("\n--- ").append(w.name()).append(w.alive() ? " (running)" : " (exited)")
          .append(":\n").append(w.tail(15));
    }
    return b.toString();
  }

  /** A condition that cannot be read right now (a server is down) does not hold yet. */
  private static boolean safely(Condition c) throws Exception {
    try {
      return c.holds();
    } catch (java.sql.SQLException e) {
      if (widen.db.MysqlErrors.isConnectionLoss(e)) {
        return false;
      }
      throw e;
    }
  }

  private String safePhase() {
    try {
      return phase();
    } catch (Exception e) {
      return "unreadable: " + e.getMessage();
    }
  }

  /**
   * The application stops writing to the old table at the advice, the operator flips, the
   * coordinator completes; then both tables are compared row by row.
   */
  TableDiff.Outcome finish() throws Exception {
    awaitPhase("READY_TO_FLIP");
    writer.close();
    if (writer.failure() != null) {
      throw new AssertionError("the application's writer failed", writer.failure());
    }
    WidenProcess flip = run("flip", "--confirm");
    assertEquals(0, flip.waitFor(10), flip.tail(10));
    assertEquals(0, coordinator.waitFor(300), coordinator.tail(40));
    for (WidenProcess w : workers) {
      w.terminate();
    }
    for (WidenProcess w : workers) {
      w.waitFor(60);
    }
    assertEquals(0, ledgerLong("SELECT COUNT(*) FROM " + ledger("range_task")
        + " WHERE state <> 'DONE'"), "every range DONE in the ledger");
    assertEquals("COMPLETE", phase());
    return TableDiff.compare(source, "`" + srcDb + "`." + CsmhFixture.SOURCE_TABLE, target,
        "`" + dstDb + "`." + CsmhFixture.TARGET_TABLE, COLUMNS);
  }

  /** How many lines of the coordinator logs so far contain {@code text}. */
  long coordinatorLogLines(String text) throws Exception {
    long n = 0;
    try (var found = Files.newDirectoryStream(logs, "coordinator-*.log")) {
      for (Path log : found) {
        n += Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
      }
    }
    return n;
  }

  /** Tasks the broker handed out again because their worker died (from the workers' logs). */
  long redeliveries() throws Exception {
    long n = 0;
    try (var logsFound = Files.newDirectoryStream(logs, "worker-*.log")) {
      for (Path log : logsFound) {
        n += Files.readAllLines(log).stream().filter(l -> l.contains(" redelivered")).count();
      }
    }
    return n;
  }

  @Override
  public void close() throws Exception {
    if (writer != null) {
      writer.close();
    }
    processes.forEach(WidenProcess::kill);
    for (WidenProcess p : processes) {
      p.waitFor(30);
    }
    try {
      Queues.delete(config);
    } catch (Exception brokerGone) {
      // The scenario's own broker may be gone already, and its queues with it.
    }
    source.execute("DROP DATABASE IF EXISTS `" + srcDb + "`");
    target.execute("DROP DATABASE IF EXISTS `" + dstDb + "`");
    target.execute("DROP DATABASE IF EXISTS `" + ctlDb + "`");
  }
}
