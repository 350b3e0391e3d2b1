package widen.coordinator;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import widen.Backoff;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.db.Jdbc;
import widen.queue.Broker;
import widen.queue.RangeResult;
import widen.queue.RangeTask;
import widen.queue.Topology;
import widen.range.IdRange;
import widen.range.RangePlanner;
import widen.range.RangeSizer;

/**
 * The coordinator at the scale of a 2^31 id space, measured on this machine (issue 6, "scale on
 * paper and in simulation"): {@code bench/scale}. It lives in the coordinator's package (in the
 * bench jar) to drive the coordinator's own {@link Backfill}, {@link TaskBoard} and
 * {@link Ledger}, not copies of them.
 *
 * <ol>
 *   <li>Planning: the real {@link RangePlanner} over two id-only tables of 2,000,000 ids each,
 *       one spread at random over 1..2^31-1 (sparse) and one packed below 2^31 (dense), cut into
 *       10-row ranges: 200,000 ranges each. And one boundary seek of a 10,000-row range on the
 *       dense table, timed, which is what planning a dense 2^31 table costs per range.
 *   <li>Tracking: the coordinator's loop (Backfill, TaskBoard, Ledger, the real queues) over the
 *       sparse table's 200,000 ranges, answered by no-op workers that report each task done at
 *       once: the most ranges per second the coordinator, the broker and the ledger can record.
 *   <li>Holding: 200,000 tasks published to the task queue at once and the broker's memory for
 *       them, then the ledger's size with 200,000 ranges and the status queries' time over it.
 * </ol>
 * Heap in use (after a GC) is printed after each step; run with -Xmx512m, as a coordinator.
 */
public final class ScaleSimulation {
  static final long TOP = Integer.MAX_VALUE; // 2^31 - 1, the largest signed int id
  static final String SRC_DB = "widen_scale_src";
  static final String CTL_DB = "widen_scale_ctl";
  static final String SERVER = "jdbc:mysql://127.0.0.1:3306/";

  private final int ids;
  private final int rangeRows;
  private final int fleet;

  ScaleSimulation(int ids, int rangeRows, int fleet) {
    this.ids = ids;
    this.rangeRows = rangeRows;
    this.fleet = fleet;
  }

  public static void main(String[] args) throws Exception {
    int ids = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int rangeRows = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int fleet = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    new ScaleSimulation(ids, rangeRows, fleet).run();
  }

  private void run() throws Exception {
    say("scale simulation: %,d ids per table in 1..2^31-1, ranges of %d rows, %d no-op consumers;"
        + " max heap %d MiB", ids, rangeRows, fleet, Runtime.getRuntime().maxMemory() >> 20);
    WidenConfig config = config();
    try (Connection root = Databases.connect(config.source())) {
      try {
        fill(root);
        plan(root, "sparse");
        plan(root, "dense");
        seekCost(root);
        track(config);
        heap("at the end");
      } finally {
        try (Statement st = root.createStatement()) {
          st.execute("DROP DATABASE IF EXISTS " + SRC_DB);
          st.execute("DROP DATABASE IF EXISTS " + CTL_DB);
        }
      }
    }
  }

  private static WidenConfig config() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("migration.id", "scale");
    c.put("source.url", SERVER + "mysql");
    c.put("source.user", "root");
    c.put("source.table", "sparse");
    c.put("target.url", SERVER + "mysql");
    c.put("target.user", "root");
    c.put("control.schema", CTL_DB);
    c.put("broker.queue_prefix", "widen-scale");
    return WidenConfig.of(c);
  }

  /** Two id-only tables, made by the server from its sequence engine (seconds, not minutes). */
  private void fill(Connection c) throws SQLException {
    long t0 = System.nanoTime();
    try (Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + SRC_DB);
      st.execute("CREATE DATABASE " + SRC_DB);
      st.execute("CREATE TABLE " + SRC_DB + ".sparse (id INT NOT NULL PRIMARY KEY)");
      st.execute("CREATE TABLE " + SRC_DB + ".dense (id INT NOT NULL PRIMARY KEY)");
      // Random ids over the whole signed range; duplicates are dropped, so fill until enough.
      for (int seed = 1; count(st, "sparse") < ids; seed++) {
        st.execute("INSERT IGNORE INTO " + SRC_DB + ".sparse SELECT 1 + FLOOR(RAND(" + seed
            + ") * " + (TOP - 1) + ") FROM seq_1_to_" + (ids - count(st, "sparse")));
      }
      st.execute("INSERT INTO " + SRC_DB + ".dense SELECT " + TOP + " - seq FROM seq_0_to_"
          + (ids - 1));
    }
    say("tables: %,d sparse ids and %,d dense ids (%d to 2^31-1) made in %.1f s", ids, ids,
        TOP - ids + 1, secondsSince(t0));
  }

  private static long count(Statement st, String table) throws SQLException {
    try (var rs = st.executeQuery("SELECT COUNT(*) FROM " + SRC_DB + "." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Cuts the whole table into ranges with the coordinator's planner, as the backfill does. */
  private void plan(Connection c, String table) throws SQLException {
    RangePlanner planner = new RangePlanner(SRC_DB, table, "id", rangeRows);
    RangePlanner.Bounds b = RangePlanner.bounds(c, SRC_DB, table, "id");
    long t0 = System.nanoTime();
    long ranges = 0;
    long rows = 0;
    long after = b.before();
    for (Optional<RangePlanner.Planned> p; (p = planner.next(c, after, b.max())).isPresent(); ) {
      after = p.get().range().hi();
      rows += p.get().rows();
      ranges++;
    }
    double s = secondsSince(t0);
    say("plan %s: ids %,d..%,d cut into %,d ranges (%,d rows) in %.1f s = %,.0f ranges/s", table,
        b.min(), b.max(), ranges, rows, s, ranges / s);
    heap("after planning " + table);
  }

  /**
   * A dense 2^31 table cut into ranges of 10,000 rows is 214,749 boundary seeks of 10,000 index
   * entries each; their time, measured here on the dense table, is what planning it costs.
   */
  private void seekCost(Connection c) throws SQLException {
    int seekRows = 10_000;
    RangePlanner planner = new RangePlanner(SRC_DB, "dense", "id", seekRows);
    long after = TOP - ids;
    int seeks = 0;
    long t0 = System.nanoTime();
    for (Optional<RangePlanner.Planned> p; seeks < 190
        && (p = planner.next(c, after, TOP)).isPresent(); seeks++) {
      after = p.get().range().hi();
    }
    double perSeek = secondsSince(t0) / seeks;
    long denseRanges = (TOP + seekRows - 1) / seekRows;
    say("seek: %.2f ms per boundary of a %,d-row range (%d seeks); a dense 2^31 table is %,d such"
        + " ranges: %.0f s of planning, spread over the backfill", perSeek * 1000, seekRows,
        seeks, denseRanges, perSeek * denseRanges);
  }

  /** The coordinator's loop over every sparse range, answered by no-op workers. */
  private void track(WidenConfig config) throws Exception {
    try (HikariDataSource control = Databases.pool(config.target(), 4, "scale-ledger");
        Connection src = Databases.connect(config.source());
        com.rabbitmq.client.Connection broker = Broker.connect(config.broker(), "scale", null)) {
      new Jdbc(control).update("DROP DATABASE IF EXISTS " + CTL_DB);
      new Jdbc(control).update("CREATE DATABASE " + CTL_DB);
      Ledger ledger = new Ledger(control, CTL_DB, "scale");
      ledger.ensureSchema();
      Topology topology = Topology.of(config);
      Channel ch = broker.createChannel();
      topology.declare(ch);
      try {
        RangePlanner.Bounds b = RangePlanner.bounds(src, SRC_DB, "sparse", "id");
        Migration m = Migration.start("scale", SRC_DB + ".sparse", "x.y", "id", b.max(),
            b.before(), false, "sim");
        ledger.create(m, new Sweep(0, b.before(), b.max(), b.before(), 0, false));
        TaskBoard board = new TaskBoard(ledger, new TaskPublisher(ch, topology),
            new ResultInbox(broker.createChannel(), topology), 5, new Backoff(100, 100),
            RangeSizer.fixed(rangeRows));
        List<Channel> workers = new ArrayList<>();
        for (int i = 0; i < fleet; i++) {
          workers.add(noOpWorker(broker, topology, "sim-" + i));
        }
        Backfill backfill = new Backfill(ledger, board, new RangePlanner(SRC_DB, "sparse", "id",
            rangeRows), RangeSizer.fixed(rangeRows), ledger.migration().orElseThrow(), 1);
        long t0 = System.nanoTime();
        long maxDepth = 0;
        long nextLook = 0;
        while (!backfill.planningDone() || ledger.open(RangeTask.Kind.COPY) > 0) {
          board.drain(backfill.hungry() ? 0 : 200);
          if (!backfill.planningDone()) {
            backfill.step(src);
          }
          if (System.nanoTime() > nextLook) {
            maxDepth = Math.max(maxDepth, ch.messageCount(topology.tasks()));
            nextLook = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
          }
        }
        double s = secondsSince(t0);
        long ranges = ledger.reports().totals(RangeTask.Kind.COPY).get(RangeState.DONE)[0];
        say("track: %,d ranges planned, published, answered and recorded DONE in %.1f s ="
            + " %,.0f ranges/s (one ledger write and two broker messages each); task queue"
            + " depth at most %,d (planning stays ahead of %d consumers only)", ranges, s,
            ranges / s, maxDepth, fleet);
        heap("after tracking");
        for (Channel w : workers) {
          w.close();
        }
        statusQueries(ledger);
        ledgerSize(control);
        hold(ch, topology, ranges);
      } finally {
        topology.delete(ch);
      }
    }
  }

  /** A worker that copies nothing: it answers each task at once, as a real one would. */
  private static Channel noOpWorker(com.rabbitmq.client.Connection broker, Topology topology,
      String id) throws IOException, InterruptedException, java.util.concurrent.TimeoutException {
    Channel ch = broker.createChannel();
    ch.basicQos(1);
    ch.confirmSelect();
    ch.basicConsume(topology.tasks(), false, id, new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props,
          byte[] body) throws IOException {
        RangeTask task = RangeTask.fromBytes(body);
        RangeResult r = RangeResult.success(task, 0, id, System.currentTimeMillis());
        getChannel().basicPublish("", topology.results(), Topology.PERSISTENT, r.toBytes());
        try {
          getChannel().waitForConfirmsOrDie(30_000);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
          throw new IOException(e);
        }
        getChannel().basicAck(envelope.getDeliveryTag(), false);
      }
    });
    return ch;
  }

  /** What widen status and the HTTP status read on every poll, over the full ledger. */
  private static void statusQueries(Ledger ledger) throws SQLException {
    long t0 = System.nanoTime();
    ledger.reports().totals(RangeTask.Kind.COPY);
    double totals = secondsSince(t0);
    t0 = System.nanoTime();
    ledger.open(RangeTask.Kind.COPY);
    double open = secondsSince(t0);
    t0 = System.nanoTime();
    ledger.reports().recentThroughput(60);
    double recent = secondsSince(t0);
    say("status queries over the ledger: totals %.0f ms, open ranges %.0f ms, recent"
        + " throughput %.0f ms", totals * 1000, open * 1000, recent * 1000);
  }

  private static void ledgerSize(HikariDataSource control) throws SQLException {
    long bytes = new Jdbc(control).queryLong("SELECT DATA_LENGTH + INDEX_LENGTH FROM"
        + " information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'range_task'",
        CTL_DB);
    say("ledger: range_task holds the ranges in %,.1f MiB (data and indexes)", bytes / 1048576.0);
  }

  /** Every range published at once, as if none had been taken yet: the broker's worst case. */
  private void hold(Channel ch, Topology topology, long ranges)
      throws Exception {
    TaskPublisher publisher = new TaskPublisher(ch, topology);
    List<RangeTask> batch = new ArrayList<>();
    long t0 = System.nanoTime();
    long lo = 0;
    for (int i = 0; i < ranges; i++) {
      batch.add(new RangeTask("scale", i + 1, RangeTask.Kind.COPY, 0, new IdRange(lo, lo + 10),
          1));
      lo += 10;
      if (batch.size() == 1000) {
        publisher.publish(batch);
        batch.clear();
      }
    }
    publisher.publish(batch);
    double s = secondsSince(t0);
    long depth = ch.messageCount(topology.tasks());
    say("queue: %,d tasks published with confirms in %.1f s = %,.0f tasks/s; %,d waiting on %s;"
        + " broker memory for it: %s", ranges, s, ranges / s, depth, topology.tasks(),
        queueMemory(topology.tasks()));
    ch.queuePurge(topology.tasks());
  }

  /** The queue's memory as rabbitmqctl reports it, or why it could not be read. */
  private static String queueMemory(String queue) {
    try {
      Process p = new ProcessBuilder("rabbitmqctl", "-q", "list_queues", "name", "memory")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(60, TimeUnit.SECONDS);
      for (String line : out.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 2 && f[0].equals(queue)) {
          return String.format("%,.1f MiB (rabbitmqctl list_queues memory)",
              Long.parseLong(f[1]) / 1048576.0);
        }
      }
      return "not listed by rabbitmqctl";
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return "unknown (rabbitmqctl: " + e.getMessage() + ")";
    }
  }

  private static void heap(String when) {
    System.gc();
    Runtime r = Runtime.getRuntime();
    long used = r.totalMemory() - r.freeMemory();
    say("heap %s: %,.0f MiB in use after GC (of at most %,d MiB)", when, used / 1048576.0,
        r.maxMemory() >> 20);
  }

  private static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(format, args));
  }
}
