package widen.coordinator;

import com.rabbitmq.client.Channel;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.queue.Broker;
import widen.queue.RangeResult;
import widen.queue.RangeTask;
import widen.queue.Topology;
import widen.range.RangePlanner;

/**
 * Runs one migration: plans ranges into the ledger and onto the task queue, reads the workers'
 * results into the ledger, sends failed ranges again or parks them, and ends when every range up
 * to the high-water mark is copied.
 *
 * <p>The ledger is written before the queue: a range is recorded PENDING, then published and
 * confirmed, then marked QUEUED. A restart republishes whatever is not DONE; the copy being
 * idempotent, a range sent twice costs time, never correctness.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
  /** Ranges planned, recorded and published per step of the loop. */
  static final int PLAN_BATCH = 200;
  private static final long PROGRESS_EVERY_MS = 5_000;

  private final WidenConfig config;
  private final Preflight.Checked checked;
  private final String owner;
  private final int maxAttempts;
  private HikariDataSource control;
  private Ledger ledger;
  private MigrationLock lock;
  private com.rabbitmq.client.Connection broker;
  private TaskPublisher publisher;
  private ResultInbox inbox;
  private long lastProgress;
  private int nextRangeId;

  public Coordinator(WidenConfig config, Preflight.Checked checked) {
    this.config = config;
    this.checked = checked;
    this.owner = host() + ":" + ProcessHandle.current().pid();
    this.maxAttempts = config.getInt(Setting.COPY_MAX_ATTEMPTS);
  }

  /** Takes the migration's lock, then runs it to the end of the backfill. */
  public Phase run() throws SQLException, IOException, InterruptedException, TimeoutException {
    String schema = config.get(Setting.CONTROL_SCHEMA);
    control = Databases.pool(config.target(), 3, "widen-ledger");
    ledger = new Ledger(control, schema, config.migrationId());
    Optional<String> holder = ledger.migration().map(Migration::owner);
    lock = MigrationLock.acquire(Databases.connect(config.target()), schema, config.migrationId(),
        holder);
    ledger.ensureSchema();
    Migration m = loadOrCreate();
    ledger.setOwner(owner);
    connectBroker();
    log.info("migration={} coordinator {} holds the migration, phase {}", m.id(), owner, m.phase());
    republishUnfinished();
    return loop(m);
  }

  private Migration loadOrCreate() throws SQLException {
    Optional<Migration> found = ledger.migration();
    String src = checked.tables().source().qualifiedName();
    String dst = checked.tables().target().qualifiedName();
    if (found.isPresent()) {
      Migration m = found.get();
      if (!m.sourceTable().equals(src) || !m.targetTable().equals(dst)) {
        throw new WidenException("migration " + m.id() + " in the ledger copies " + m.sourceTable()
            + " to " + m.targetTable() + ", but the config says " + src + " to " + dst
            + ": use another migration.id");
      }
      return m;
    }
    RangePlanner.Bounds b = checked.bounds();
    Long hwm = b.empty() ? null : b.max();
    Long start = b.empty() ? null : b.before();
    Migration m = new Migration(config.migrationId(), Phase.PLANNED, src, dst,
        checked.tables().mapping().primaryKey(), hwm, start, b.empty(), owner);
    ledger.create(m);
    log.info("migration={} created: ids {} to {}, high-water mark {}", m.id(),
        b.empty() ? "-" : b.min(), b.empty() ? "-" : b.max(), hwm);
    return m;
  }

  private void connectBroker() throws IOException, TimeoutException {
    broker = Broker.connect(config.broker(), "widen-coordinator " + owner, null);
    Topology topology = new Topology(config.broker().queueNamespace());
    Channel ch = broker.createChannel();
    topology.declare(ch);
    publisher = new TaskPublisher(ch, topology);
    inbox = new ResultInbox(broker.createChannel(), topology);
  }

  /**
   * After a restart the queue may hold tasks from before; they are dropped and every range not
   * DONE is sent again, so the queue matches the ledger exactly.
   */
  private void republishUnfinished() throws SQLException, IOException, InterruptedException,
      TimeoutException {
    publisher.purgeWaiting();
    int after = 0;
    int sent = 0;
    for (List<LedgerRange> page; !(page = ledger.unfinished(after, 1000)).isEmpty(); ) {
      publishRanges(page, r -> Math.max(1, r.attempts()));
      after = page.get(page.size() - 1).rangeId();
      sent += page.size();
    }
    if (sent > 0) {
      log.info("migration={} resumed: {} unfinished ranges sent again", config.migrationId(), sent);
    }
  }

  private Phase loop(Migration m) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    nextRangeId = ledger.nextRangeId();
    RangePlanner planner = new RangePlanner(checked.tables().source().database(),
        checked.tables().source().table(), m.primaryKey(), config.getInt(Setting.PLAN_RANGE_ROWS));
    boolean planningDone = m.planningDone();
    long plannedThrough = m.plannedThrough() == null ? 0 : m.plannedThrough();
    try (Connection src = Databases.connect(config.source())) {
      while (true) {
        if (!lock.held()) {
          throw new WidenException("lost the migration lock (control connection dropped):"
              + " restart the coordinator");
        }
        if (!planningDone) {
          plannedThrough = planStep(planner, src, plannedThrough, m.highWaterMark());
          planningDone = plannedThrough >= m.highWaterMark();
        }
        drainResults(planningDone ? 1000 : 0);
        if (planningDone && finished()) {
          ledger.setPhase(Phase.BACKFILLED);
          logProgress(true);
          return Phase.BACKFILLED;
        }
        logProgress(false);
      }
    }
  }

  /** Plans, records and publishes up to {@link #PLAN_BATCH} ranges; returns the new mark. */
  private long planStep(RangePlanner planner, Connection src, long after, long ceiling)
      throws SQLException, IOException, InterruptedException, TimeoutException {
    List<LedgerRange> batch = new ArrayList<>();
    long mark = after;
    while (batch.size() < PLAN_BATCH) {
      Optional<RangePlanner.Planned> p = planner.next(src, mark, ceiling);
      if (p.isEmpty()) {
        mark = ceiling;
        break;
      }
      batch.add(new LedgerRange(nextRangeId++, 0, p.get().range(), p.get().rows(), RangeState.PENDING,
          0));
      mark = p.get().range().hi();
    }
    ledger.addPlanned(batch, mark, mark >= ceiling);
    publishRanges(batch, r -> 1);
    return mark;
  }

  private void publishRanges(List<LedgerRange> ranges,
      java.util.function.ToIntFunction<LedgerRange> attempt)
      throws SQLException, IOException, InterruptedException, TimeoutException {
    if (ranges.isEmpty()) {
      return;
    }
    List<RangeTask> tasks = ranges.stream().map(r -> new RangeTask(config.migrationId(),
        r.rangeId(), r.sweep(), r.range(), attempt.applyAsInt(r))).toList();
    publisher.publish(tasks);
    ledger.markQueued(ranges);
  }

  /** Writes every waiting result to the ledger; waits up to {@code waitMs} for the first. */
  private void drainResults(long waitMs) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    for (ResultInbox.Delivery d = inbox.poll(waitMs); d != null; d = inbox.poll(0)) {
      record(d.result());
      inbox.ack(d);
    }
  }

  private void record(RangeResult r) throws SQLException, IOException, InterruptedException,
      TimeoutException {
    Optional<LedgerRange> known = ledger.range(r.task().rangeId());
    if (known.isEmpty() || !known.get().range().equals(r.task().range())) {
      log.warn("migration={} ignored a result for range {} {} that the ledger does not hold",
          config.migrationId(), r.task().rangeId(), r.task().range());
      return;
    }
    if (r.ok()) {
      ledger.done(r);
    } else if (known.get().state() == RangeState.DONE) {
      log.info("range {} failed on {} but another copy already succeeded", r.task().rangeId(),
          r.worker());
    } else if (r.task().attempt() >= maxAttempts) {
      ledger.failed(r, true);
      publisher.park(r);
      log.error("migration={} range={} {} parked after {} attempts: {}", config.migrationId(),
          r.task().rangeId(), r.task().range(), r.task().attempt(), r.error());
    } else {
      ledger.failed(r, false);
      RangeTask again = new RangeTask(r.task().migrationId(), r.task().rangeId(), r.task().sweep(),
          r.task().range(), r.task().attempt() + 1);
      publisher.publish(List.of(again));
      log.warn("migration={} range={} attempt {} failed on {}, sent again: {}",
          config.migrationId(), r.task().rangeId(), r.task().attempt(), r.worker(), r.error());
    }
  }

  /** True when no range is waiting or being copied. Parked ranges keep the migration open. */
  private boolean finished() throws SQLException {
    var totals = ledger.totals();
    return totals.get(RangeState.PENDING)[0] == 0 && totals.get(RangeState.QUEUED)[0] == 0
        && totals.get(RangeState.FAILED)[0] == 0;
  }

  private void logProgress(boolean force) throws SQLException {
    long now = System.currentTimeMillis();
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) {
      return;
    }
    lastProgress = now;
    log.info("migration={} {}", config.migrationId(), Progress.read(ledger).oneLine());
  }

  @Override
  public void close() {
    try {
      if (broker != null && broker.isOpen()) {
        broker.close(5_000);
      }
      if (lock != null) {
        lock.close();
      }
    } catch (IOException | SQLException e) {
      log.debug("close: {}", e.toString());
    }
    if (control != null) {
      control.close();
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}
