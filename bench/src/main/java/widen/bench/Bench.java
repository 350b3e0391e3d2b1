package widen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.demo.WidenProcess;

/**
 * {@code bench/run [--rows N] [--only NAME,...] [--port P] [--repeat N]}: copies one CSMH-shaped
 * table into the extended table on the local MariaDB with widen and with the usual alternatives, one after another in
 * one run, checks every copy is complete and equal, and prints (and writes to
 * bench/results/latest.md) a table with the ratios the issue asks for. A benchmark, not a test:
 * it asserts nothing about time.
 */
public final class Bench {
  /** Contender names for --only, in the order they run. */
  static final List<String> NAMES = List.of("widen-1", "widen-2", "widen-4", "verify", "fixed",
      "upsert", "pushdown",
      "loop", "insert-select", "chunked", "dump", "pt-archiver");
  static final String WIDEN_PREFIX = "widen, ";
  static final String LOOP = "in-process RangeCopier loop";
  /** MariaDB named lock held while a bench runs. */
  static final String LOCK = "widen_bench";

  private final long rows;
  private final Set<String> only;
  /** Rounds: each contender runs once a round and keeps its median attempt (--repeat). */
  private final int repeat;
  private final Path logs;
  private final Path results;
  private final Tables tables = new Tables();
  private final List<Result> table = new ArrayList<>();
  private final StringBuilder header = new StringBuilder();
  private final FailsafeWatcher watcher = new FailsafeWatcher();
  /**
   * The loop's threads: one worker's, so it is held against widen with one worker, one process
   * each with the same threads, and the difference is the queue, the results and the ledger
   * (against two workers' processes it would also count the second JVM's start-up and JIT).
   */
  private static final int LOOP_THREADS = WidenRun.THREADS_PER_WORKER;

  private Bench(long rows, Set<String> only, int repeat, Path home) throws IOException {
    this.rows = rows;
    this.only = only;
    this.repeat = repeat;
    this.logs = Files.createDirectories(
        Path.of(System.getProperty("java.io.tmpdir"), "widen-bench"));
    this.results = home.resolve("bench").resolve("results");
  }

  public static void main(String[] args) throws Exception {
    long rows = 2_000_000;
    long repeat = 1;
    Set<String> only = new LinkedHashSet<>(NAMES);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = number("--rows", args, ++i);
        case "--only" -> {
          only = new LinkedHashSet<>(Arrays.asList(value("--only", args, ++i).split(",")));
          for (String n : only) {
            if (!NAMES.contains(n)) {
              usage("unknown contender " + n);
            }
          }
        }
        case "--port" -> System.setProperty(Tables.PORT_PROPERTY, value("--port", args, ++i));
        case "--repeat" -> repeat = number("--repeat", args, ++i);
        case "-h", "--help" -> usage(null);
        default -> usage("unknown argument " + args[i]);
      }
    }
    if (rows < 1) {
      usage("--rows must be at least 1");
    }
    if (repeat < 1 || repeat > 100) {
      usage("--repeat must be 1 to 100");
    }
    Path home = Path.of(System.getProperty("widen.home", "."));
    // The databases and queues have fixed names: a second bench on the same server would drop
    // this one's target mid-copy. A named lock, held by this connection, keeps one at a time.
    try (Connection lock = Tables.server()) {
      if (Tables.queryLong(lock, "SELECT GET_LOCK('" + LOCK + "', 0)") != 1) {
        System.err.println("bench: another bench/run is using " + Tables.SOURCE_DB + " and "
            + Tables.TARGET_DB + " on this server (it holds the lock " + LOCK + "): wait for it");
        System.exit(3);
      }
      new Bench(rows, only, (int) repeat, home).run();
    }
  }

  /** args[i], the value of {@code flag}, or a one-line usage error when it is missing. */
  private static String value(String flag, String[] args, int i) {
    if (i >= args.length) {
      usage(flag + " needs a value");
    }
    return args[i];
  }

  /** args[i] as a number (1_000 and 1,000 allowed), or a one-line usage error. */
  private static long number(String flag, String[] args, int i) {
    String v = value(flag, args, i);
    try {
      return Long.parseLong(v.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      usage(flag + " needs a whole number, got '" + v + "'");
      return 0;
    }
  }

  private static void usage(String problem) {
    if (problem != null) {
      System.err.println("bench: " + problem);
    }
    System.err.println("usage: bench/run [--rows N] [--only NAME,...] [--port P] [--repeat N]"
        + "   (default 2,000,000 rows, MariaDB on port 3306 (bench/own-server starts another),"
        + " each contender once; --repeat N runs them all in N rounds and keeps each one's median)");
    System.err.println("contenders: " + String.join(",", NAMES));
    System.exit(problem == null ? 0 : 2);
  }

  private void run() throws Exception {
    machine();
    watcher.start();
    note("source: %s", tables.prepareSource(rows));
    long t0 = System.nanoTime();
    note("source checksum: %s (%.1f s); size %,.0f MiB (data and indexes)", tables.sourceSum(),
        (System.nanoTime() - t0) / 1e9, tables.sourceBytes() / 1048576.0);
    WidenConfig config = WidenRun.config();
    // Through the workers (the cross-server case): never pushed down, LOAD DATA where allowed.
    Map<String, String> never = Map.of("WIDEN_COPY_PUSHDOWN", "never");
    note("widen settings: worker.threads=%d per worker process (%s); plan.range_rows=%s;"
        + " copy.batch_rows=%s; copy.pushdown=never and copy.load_data=auto for the widen runs"
        + " and the loop; plan.target_range_ms=0 for \"fixed\", copy.load_data=never for"
        + " \"upsert\", copy.pushdown=always for \"pushdown\"", WidenRun.THREADS_PER_WORKER,
        "one coordinator process, each worker a JVM of its own, -Xmx256m each",
        config.get(Setting.PLAN_RANGE_ROWS), config.get(Setting.COPY_BATCH_ROWS));
    note("logs: %s", logs);

    WidenRun widen = new WidenRun(tables, logs);
    Rounds rounds = new Rounds(repeat);
    List<Rounds.Entry<WidenRun.Outcome>> widenRuns = new ArrayList<>();
    for (int workers : new int[] {1, 2, 4}) {
      boolean verify = workers == 2 && only.contains("verify");
      if (only.contains("widen-" + workers) || verify) {
        String name = WIDEN_PREFIX + workers + " worker" + (workers == 1 ? "" : "s");
        widenRuns.add(rounds.add(name, () -> widen.run(name, workers, never, verify)));
      }
    }
    if (only.contains("fixed")) {
      rounds.add(Report.FIXED_RUN, () -> widen.run(Report.FIXED_RUN, 1, Map.of(
          "WIDEN_COPY_PUSHDOWN", "never", "WIDEN_PLAN_TARGET_RANGE_MS", "0"), false));
    }
    if (only.contains("upsert")) {
      rounds.add(Report.UPSERT_RUN, () -> widen.run(Report.UPSERT_RUN, 1, Map.of(
          "WIDEN_COPY_PUSHDOWN", "never", "WIDEN_COPY_LOAD_DATA", "never"), false));
    }
    if (only.contains("pushdown")) {
      rounds.add(Report.PUSHDOWN_RUN, () -> widen.run(Report.PUSHDOWN_RUN, 2,
          Map.of("WIDEN_COPY_PUSHDOWN", "always"), false));
    }
    if (only.contains("loop")) {
      rounds.add(LOOP, () -> CopyLoop.run(tables, LOOP, LOOP_THREADS, config, logs));
    }
    if (only.contains("insert-select")) {
      String name = "INSERT ... SELECT (one statement)";
      rounds.add(name, () -> Baselines.insertSelect(tables, name));
    }
    if (only.contains("chunked")) {
      String name = "INSERT ... SELECT in 10,000-id chunks";
      rounds.add(name, () -> Baselines.chunked(tables, name));
    }
    if (only.contains("dump")) {
      String name = "mariadb-dump | mariadb";
      rounds.add(name, () -> Baselines.dump(tables, name, logs));
    }
    if (only.contains("pt-archiver")) {
      rounds.add("pt-archiver", () -> Baselines.ptArchiver(tables, "pt-archiver", logs));
    }
    rounds.run();

    WidenRun.Outcome best = null;
    WidenRun.Outcome loopBase = null;
    Result verification = null;
    for (Rounds.Entry<?> e : rounds.entries()) {
      table.add(e.line());
      if (!(e.kept() instanceof WidenRun.Outcome o) || !widenRuns.contains(e)) {
        continue;
      }
      if (o.verification() != null) {
        verification = o.verification();
        table.add(verification);
      }
      if (o.copy().complete()) {
        best = best == null || o.copy().rowsPerSecond() > best.copy().rowsPerSecond() ? o : best;
        loopBase = o.threads() == LOOP_THREADS ? o : loopBase;
      }
    }
    if (only.contains("loop") && loopBase == null) {
      say("  (no complete widen run with the loop's %d threads: no overhead figure)",
          LOOP_THREADS);
    }
    Tables.dropScratch();
    note("at end: load average %s; %s", loadAverage(), otherJobs());
    note("during the run: %s", watcher.report());
    Report report = new Report(table, loopBase == null ? null : loopBase.copy(), verification,
        rounds.secondsByRound());
    String out = report.render();
    System.out.println();
    System.out.print(out);
    Files.createDirectories(results);
    Files.writeString(results.resolve("latest.md"), "# widen benchmark: latest run\n\n"
        + "Written by `bench/run " + argsLine() + "`; see docs/performance.md.\n\n```\n" + header
        + "```\n\n" + out);
    say("written to %s", results.resolve("latest.md"));
  }

  private String argsLine() {
    String a = "--rows " + rows;
    if (!only.containsAll(NAMES)) {
      a += " --only " + String.join(",", only);
    }
    if (repeat > 1) {
      a += " --repeat " + repeat;
    }
    return a;
  }

  /** Before each contender: waits for the server to write out the previous one's pages. */
  static void settle() throws Exception {
    double waited = Tables.settle(30);
    if (waited > 1) {
      say("  (waited %.0f s for InnoDB to flush the previous contender's pages)", waited);
    }
  }

  private void machine() throws Exception {
    String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
        "yyyy-MM-dd HH:mm 'UTC'"));
    note("widen benchmark, %s: %,d CSMH-shaped rows, source and target on one server", when,
        rows);
    String mariadb;
    try (Connection c = Tables.server()) {
      mariadb = String.format("MariaDB %s on port %d (innodb_buffer_pool_size %s MiB,"
          + " innodb_flush_log_at_trx_commit %s, log_bin %s, innodb_autoinc_lock_mode %s)",
          Tables.variable(c, "version"), Tables.port(),
          Long.parseLong(Tables.variable(c, "innodb_buffer_pool_size")) >> 20,
          Tables.variable(c, "innodb_flush_log_at_trx_commit"), Tables.variable(c, "log_bin"),
          Tables.variable(c, "innodb_autoinc_lock_mode"));
    }
    note("machine: %d cores (nproc), %.1f GiB RAM; %s; JVM %s %s", nproc(), memGib(), mariadb,
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
    note("at start: load average %s; %s", loadAverage(), otherJobs());
  }

  private static int nproc() {
    try {
      Process p = new ProcessBuilder("nproc").redirectErrorStream(true).start();
      return Integer.parseInt(new String(p.getInputStream().readAllBytes()).strip());
    } catch (IOException | NumberFormatException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  private static double memGib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1048576.0;
      }
    }
    return Double.NaN;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  /** The pids of a Maven failsafe run (integration tests) going on now, or "" for none. */
  static String failsafePids() {
    try {
      Process p = new ProcessBuilder("pgrep", "-f", "failsafe").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip().replace('\n', ' ');
      p.waitFor();
      return out;
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

  /**
   * Looks for failsafe runs every 10 s while the bench runs (the load average says nothing then:
   * the bench makes it).
   */
  private static final class FailsafeWatcher {
    private final List<String> seen = new ArrayList<>();
    private int samples;

    void start() {
      Thread t = new Thread(() -> {
        while (true) {
          String pids = failsafePids();
          synchronized (this) {
            samples++;
            if (!pids.isEmpty()) {
              seen.add(ZonedDateTime.now(ZoneOffset.UTC).format(
                  DateTimeFormatter.ofPattern("HH:mm:ss")) + " (" + pids + ")");
            }
          }
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "failsafe-watcher");
      t.setDaemon(true);
      t.start();
    }

    synchronized String report() {
      return seen.isEmpty() ? "no failsafe run seen in " + samples + " looks, 10 s apart"
          : "a failsafe run (other tests) was going on in " + seen.size() + " of " + samples
              + " looks, 10 s apart, first at " + seen.get(0);
    }
  }

  /**
   * Whether the machine is quiet: no Maven failsafe run (integration tests) going on, and a
   * one-minute load average under 1.5.
   */
  static String otherJobs() {
    String failsafe = failsafePids();
    double load;
    try {
      load = Double.parseDouble(loadAverage().split(" ")[0]);
    } catch (NumberFormatException e) {
      load = Double.NaN;
    }
    String seen = "pgrep -f failsafe: " + (failsafe.isEmpty() ? "nothing" : failsafe);
    return failsafe.isEmpty() && load < 1.5 ? "machine quiet (" + seen + ")"
        : "machine NOT quiet: other jobs were running (" + seen + ")";
  }

  /** Prints a line and keeps it for the header of results/latest.md. */
  private void note(String format, Object... args) {
    String line = String.format(format, args);
    System.out.println(line);
    header.append(line).append('\n');
  }

  static void say(String format, Object... args) {
    System.out.println(String.format(format, args));
  }
}
