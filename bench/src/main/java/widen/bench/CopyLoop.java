package widen.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.demo.WidenProcess;
import widen.range.IdRange;
import widen.range.RangePlanner;
import widen.range.RangeSizer;
import widen.schema.TablePair;
import widen.worker.CopyMethod;
import widen.worker.RangeCopier;

/**
 * widen's copy without widen's machinery: the worker's {@link RangeCopier}, built as
 * {@code widen.worker.Worker} builds it, driven over the ranges {@link RangePlanner} cuts (same
 * {@code plan.range_rows}) by a plain thread pool. No broker, no ledger, no coordinator. The
 * planner runs in its own thread and feeds the copiers as it goes, as the coordinator publishes
 * ranges while it plans.
 *
 * <p>It runs in a JVM of its own, started as a worker's is ({@code -Xmx256m}, fresh): in the
 * bench's JVM its code would be compiled already from the rounds before, where a worker's never
 * is, and the first ranges of a fresh JVM copy at about half speed (measured: 25-32 rows/ms per
 * thread for a worker's first four ranges against 58-67 for its last ten). Then what differs
 * from widen is only the broker, the ledger and the coordinator: what the overhead target is
 * about.
 *
 * <p>Timed as the ledger times widen: from the first range's start to the last range's finish.
 */
final class CopyLoop {
  private static final IdRange END = new IdRange(0, 1);
  /** Starts the loop process's one line of result: seconds, ranges, its CPU seconds. */
  private static final String RESULT = "copy-loop result:";

  private CopyLoop() {}

  static Result run(Tables tables, String name, int threads, WidenConfig config, Path logs)
      throws Exception {
    tables.recreateTarget();
    Bench.settle();
    Path log = logs.resolve("copy-loop.log");
    Files.deleteIfExists(log);
    double serverCpu0 = Cpu.server();
    WidenProcess loop = WidenProcess.startMain("copy-loop", config.asEnvironment(), log,
        CopyLoop.class.getName(), String.valueOf(threads));
    int code = loop.waitFor(600 + tables.sourceSum().rows() / 500);
    double serverCpu = Cpu.server() - serverCpu0;
    if (code == -1) {
      loop.kill();
    }
    String line = Files.readAllLines(log).stream().filter(l -> l.startsWith(RESULT))
        .findFirst().orElse(null);
    Tables.Check check = tables.check();
    if (code != 0 || line == null) {
      return new Result(name, check.rows(), Double.NaN, "first start to last finish", false,
          false, "INCOMPLETE: the loop " + (code == -1 ? "did not finish" : "exited " + code)
              + ": " + loop.tail(5).replace('\n', ' '));
    }
    String[] f = line.substring(RESULT.length()).trim().split(" ");
    double seconds = Double.parseDouble(f[0]);
    long rows = tables.sourceSum().rows();
    String note = String.format("%d threads in a JVM of its own (-Xmx256m), %s ranges (the first"
        + " of %,d rows, then sized as the coordinator sizes them), first range started to last"
        + " finished; CPU: the loop %.1f s (%.1f us/row), MariaDB %.1f s (%.1f us/row)", threads,
        f[1], config.getInt(Setting.PLAN_RANGE_ROWS), Double.parseDouble(f[2]),
        1e6 * Double.parseDouble(f[2]) / rows, serverCpu, 1e6 * serverCpu / rows);
    if (!check.complete()) {
      note += "; INCOMPLETE: " + check.detail();
    }
    return new Result(name, check.rows(), seconds, "first start to last finish",
        check.complete(), false, note);
  }

  /**
   * The loop's process: {@code CopyLoop THREADS}, the config in WIDEN_* variables. Prints
   * {@link #RESULT} and the copy's seconds, its ranges and the process's CPU seconds.
   */
  public static void main(String[] args) throws Exception {
    WidenConfig config = WidenConfig.load(null, System.getenv());
    Timing t = copy(Integer.parseInt(args[0]), config);
    double cpu = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()
        / 1e9;
    System.out.printf(java.util.Locale.ROOT, "%s %.3f %d %.2f%n", RESULT,
        (t.lastFinish() - t.firstStart()) / 1e9, t.ranges(), cpu);
  }

  /** The copy's span in System.nanoTime() and how many ranges it had. */
  private record Timing(long firstStart, long lastFinish, long ranges) {}

  private static Timing copy(int threads, WidenConfig config) throws Exception {
    TablePair pair;
    try (Connection src = Databases.connect(config.source());
        Connection dst = Databases.connect(config.target())) {
      pair = TablePair.inspect(src, dst, config.source(), config.target());
    }
    int rangeRows = config.getInt(Setting.PLAN_RANGE_ROWS);
    AtomicLong first = new AtomicLong(Long.MAX_VALUE);
    AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    long ranges = 0;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    // The worker's pools, read timeout included (it costs each socket read a little).
    int readTimeout = config.getInt(Setting.RETRY_READ_TIMEOUT_SECONDS);
    try (HikariDataSource source = Databases.pool(config.source(), threads, "bench-source",
            readTimeout);
        HikariDataSource target = Databases.pool(config.target(), threads, "bench-target",
            readTimeout);
        Connection planning = Databases.connect(config.source())) {
      CopyMethod method;
      try (Connection dst = target.getConnection()) {
        method = CopyMethod.throughWorker(config.get(Setting.COPY_LOAD_DATA), dst, pair);
      }
      RangeCopier copier = new RangeCopier(source, target, pair,
          config.getInt(Setting.COPY_BATCH_ROWS), method);
      // As the coordinator does: ranges sized from the speed so far, about four per thread ahead.
      RangeSizer sizer = new RangeSizer(rangeRows, config.getLong(Setting.PLAN_TARGET_RANGE_MS),
          config.getInt(Setting.PLAN_MIN_RANGE_ROWS), config.getInt(Setting.PLAN_MAX_RANGE_ROWS));
      BlockingQueue<IdRange> queue = new ArrayBlockingQueue<>(4 * threads);
      List<Future<?>> copiers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        copiers.add(pool.submit(() -> {
          for (IdRange r = queue.take(); r != END; r = queue.take()) {
            long t0 = System.nanoTime();
            first.accumulateAndGet(t0, Math::min);
            long rows = copier.copy(r);
            long t1 = System.nanoTime();
            last.accumulateAndGet(t1, Math::max);
            sizer.observe(rows, (t1 - t0) / 1_000_000);
          }
          return null;
        }));
      }
      try {
        var s = pair.source();
        RangePlanner planner = new RangePlanner(s.database(), s.table(), s.primaryKey(),
            rangeRows);
        RangePlanner.Bounds bounds = RangePlanner.bounds(planning, s.database(), s.table(),
            s.primaryKey());
        long after = bounds.empty() ? 0 : bounds.before();
        Optional<RangePlanner.Planned> next;
        while (!bounds.empty()
            && (next = planner.next(planning, after, bounds.max(), sizer.nextRows()))
                .isPresent()) {
          hand(queue, next.get().range(), copiers);
          after = next.get().range().hi();
          ranges++;
        }
      } finally {
        for (int i = 0; i < threads; i++) {
          hand(queue, END, copiers);
        }
      }
      for (Future<?> f : copiers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Timing(first.get(), last.get(), ranges);
  }

  /**
   * Puts {@code range} on the bounded queue; if every copier has died (a copy failed), their
   * error instead of waiting for ever for room they will never make.
   */
  private static void hand(BlockingQueue<IdRange> queue, IdRange range, List<Future<?>> copiers)
      throws Exception {
    while (!queue.offer(range, 1, java.util.concurrent.TimeUnit.SECONDS)) {
      if (copiers.stream().allMatch(Future::isDone)) {
        for (Future<?> f : copiers) {
          f.get(); // throws the copier's failure
        }
        throw new IllegalStateException("every copier stopped with ranges left");
      }
    }
  }
}
