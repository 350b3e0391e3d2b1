package widen.coordinator;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.Backoff;
import widen.ProcessIdentity;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.queue.Broker;
import widen.queue.Topology;
import widen.range.RangePlanner;
import widen.range.RangeSizer;
import widen.schema.TablePair;

/**
 * Runs one migration from start to COMPLETE, one phase after another ({@link Phase}), every
 * decision read back from the ledger so a restart at any moment carries on where it stopped:
 * backfill, delta sweeps until the tail is small, verification of every range, the flip advice,
 * then after {@code widen flip --confirm} the final sweep and its verification. What each phase
 * does is {@link PhaseSteps}; this class holds the session it runs in (the migration's lock, the
 * table and ledger connections, the broker, the HTTP server and the throttle) and, when a
 * connection is lost, reconnects and resumes.
 *
 * <p>The ledger is written before the queue: a range is recorded PENDING, then published and
 * confirmed, then marked QUEUED. A restart republishes whatever is not DONE; copy and verify being
 * idempotent, a range sent twice costs time, never correctness.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
  private static final long PROGRESS_EVERY_MS = 5_000;
  private static final long PENDING_CHECK_MS = 1_000;

  private final WidenConfig config;
  private final Preflight.Checked checked;
  private final TablePair tables;
  private final String owner;
  private final long minFree;
  private HikariDataSource control;
  private Ledger ledger;
  private MigrationLock lock;
  private com.rabbitmq.client.Connection broker;
  private TaskBoard board;
  private PhaseSteps steps;
  private final HighWaterMark marks;
  /** Kept across reconnects: what it learnt of the copy speed still holds. */
  private final RangeSizer sizer;
  private CoordinatorHttp http;
  private final FleetRoster roster = new FleetRoster();
  private Throttle throttle;
  private Connection src;
  private Connection dst;
  private long lastProgress;
  private long nextPendingCheck;

  public Coordinator(WidenConfig config, Preflight.Checked checked) {
    this.config = config;
    this.checked = checked;
    this.tables = checked.tables();
    this.owner = ProcessIdentity.current();
    this.minFree = config.getLong(Setting.HEADROOM_MIN_FREE);
    this.sizer = new RangeSizer(config.getInt(Setting.PLAN_RANGE_ROWS),
        config.getLong(Setting.PLAN_TARGET_RANGE_MS), config.getInt(Setting.PLAN_MIN_RANGE_ROWS),
        config.getInt(Setting.PLAN_MAX_RANGE_ROWS));
    this.marks = new HighWaterMark(tables.source().database(), tables.source().table(),
        tables.mapping().primaryKey(), config.getInt(Setting.SWEEP_TRX_WARN_SECONDS));
  }

  /**
   * Checks the id headroom, takes the migration's lock, then runs the migration to COMPLETE.
   * Nothing is written before the headroom check passes. Once running, a lost database or broker
   * does not end the run: the coordinator reconnects and resumes from the ledger.
   */
  public Phase run() throws SQLException, IOException, InterruptedException, TimeoutException {
    String schema = config.get(Setting.CONTROL_SCHEMA);
    org.slf4j.MDC.put("migration", config.migrationId()); // on every line of this thread
    control = Databases.pool(config.target(), 3, "widen-ledger", readTimeout());
    ledger = new Ledger(control, schema, config.migrationId());
    throttle = new Throttle(config, ledger);
    connectTables();
    Optional<Migration> found = ledger.migration();
    refuseWithoutHeadroom(found.isPresent() ? ledger.lastSweep().orElseThrow().mark()
        : firstFromMark());
    takeLock(found);
    // Before anything is written: a port in use is refused with nothing changed.
    http = new CoordinatorHttp(config, tables, ledger, roster, owner);
    try {
      http.start(config.getInt(Setting.HTTP_PORT));
    } catch (Exception e) {
      throw new WidenException("cannot listen on http.port " + config.get(Setting.HTTP_PORT) + ": "
          + e.getMessage() + ": choose another port (0 picks a free one)", e);
    }
    ledger.ensureSchema();
    loadOrCreate();
    resume();
    throttle.start();
    checked.warnings().forEach(w -> log.warn("migration={} {}", config.migrationId(), w));
    while (true) {
      try {
        return loop();
      } catch (SQLException | IOException | TimeoutException | ShutdownSignalException
          | SessionLost e) {
        if (!Recoverable.test(e)) {
          throw e;
        }
        reconnect(e);
      }
    }
  }

  /**
   * Every statement of the coordinator fails after this long without a word from its server, so
   * a connection the network dropped silently (half-open) ends the session and the coordinator
   * reconnects, instead of waiting for the kernel's keepalive.
   */
  private int readTimeout() {
    return config.getInt(Setting.RETRY_READ_TIMEOUT_SECONDS);
  }

  /**
   * The source and target connections the phases read the tables with. The server does not end
   * them when idle (the target one may wait hours for verification), so they have no locks to
   * free.
   */
  private void connectTables() {
    src = Databases.connect(config.source(), readTimeout(), false);
    dst = Databases.connect(config.target(), readTimeout(), false);
  }

  /**
   * The migration's lock, on a connection of its own; refused naming the ledger's holder. The
   * server ends that session after {@link #readTimeout} idle, so a lock whose connection went
   * half-open is freed for the reconnect ({@link #loop} asks the lock every turn, so it never
   * idles that long while this coordinator lives).
   */
  private void takeLock(Optional<Migration> found) throws SQLException {
    lock = MigrationLock.acquire(Databases.connect(config.target(), readTimeout(), true),
        config.get(Setting.CONTROL_SCHEMA), config.migrationId(), found.map(Migration::owner));
  }

  /** Takes up the migration from the ledger: what a fresh start and a reconnect both do. */
  private void resume() throws SQLException, IOException, InterruptedException, TimeoutException {
    Migration m = ledger.migration().orElseThrow();
    ledger.setOwner(owner);
    connectBroker();
    log.info("migration={} coordinator {} holds the migration, phase {}", m.id(), owner, m.phase());
    int resent = board.republishUnfinished();
    if (resent > 0) {
      log.info("migration={} resumed: {} unfinished ranges sent again", m.id(), resent);
    }
    steps = new PhaseSteps(config, ledger, board, sizer, tables, marks, m, src, dst);
  }

  /**
   * After a lost database or broker: drops every connection, then tries again with backoff until
   * the lock, both databases and the broker are back, and resumes from the ledger as a restart
   * would. Only another coordinator holding the lock by then ends the run.
   */
  private void reconnect(Exception cause) throws InterruptedException {
    log.warn("migration={} lost a connection ({}): reconnecting, then resuming from the ledger",
        config.migrationId(), Databases.oneLine(String.valueOf(cause)));
    Backoff wait = new Backoff(1_000, 30_000);
    for (int n = 1; ; n++) {
      closeConnections();
      long ms = wait.millis(n);
      TimeUnit.MILLISECONDS.sleep(ms);
      try {
        connectTables();
        takeLock(ledger.migration());
        resume();
        log.warn("migration={} reconnected after {} tries", config.migrationId(), n);
        return;
      } catch (MigrationLock.Refused e) {
        if (!e.holder().map(owner::equals).orElse(false)) {
          throw e; // another coordinator took the migration meanwhile
        }
        // The ledger still names this coordinator: the holder is its own previous session,
        // whose connection went silent; the server ends it once idle for the read timeout.
        log.warn("migration={} the lock is still held by this coordinator's previous session"
            + " (try {}); the server ends it after {} s idle", config.migrationId(), n,
            readTimeout());
      } catch (SQLException | IOException | TimeoutException | RuntimeException e) {
        if (!Recoverable.test(e)) {
          throw e instanceof RuntimeException r ? r : new WidenException(e.getMessage(), e);
        }
        log.warn("migration={} still cannot reconnect (try {}): {}", config.migrationId(), n,
            Databases.oneLine(String.valueOf(e.getMessage())));
      }
    }
  }

  private Phase loop() throws SQLException, IOException, InterruptedException, TimeoutException {
    while (true) {
      if (!lock.held()) {
        throw new SessionLost("the migration lock's connection dropped");
      }
      if (!broker.isOpen()) {
        // Waiting for results raises nothing on a dead connection, so ask.
        throw new SessionLost("the broker connection closed: " + broker.getCloseReason());
      }
      Migration m = ledger.migration().orElseThrow();
      if (m.phase() == Phase.COMPLETE) {
        logProgress(m, true);
        return Phase.COMPLETE;
      }
      board.drain(steps.hungry() ? 0 : 500);
      if (System.currentTimeMillis() >= nextPendingCheck) {
        board.publishPending(); // ranges sent back by retry-failed
        board.broadcast(throttle); // pause, probes and rate, each second
        nextPendingCheck = System.currentTimeMillis() + PENDING_CHECK_MS;
      }
      steps.step(m);
      logProgress(m, false);
    }
  }

  /** Refuses to start, writing nothing, when the application's new rows could collide. */
  private void refuseWithoutHeadroom(long copiedThrough) throws SQLException {
    Optional<String> problem = Headroom.measure(src, dst, marks, tables.target(), copiedThrough,
        minFree).problem();
    if (problem.isPresent()) {
      throw new WidenException(problem.get());
    }
  }

  /** Where the backfill starts: one below the smallest source id (0 for an empty table). */
  private long firstFromMark() {
    return checked.bounds().empty() ? 0 : checked.bounds().before();
  }

  /** The lock's connection is gone: reconnect, and take the lock again if it is still free. */
  static final class SessionLost extends RuntimeException {
    SessionLost(String why) {
      super(why);
    }
  }

  private Migration loadOrCreate() throws SQLException {
    Optional<Migration> found = ledger.migration();
    String srcName = tables.source().qualifiedName();
    String dstName = tables.target().qualifiedName();
    if (found.isPresent()) {
      Migration m = found.get();
      if (!m.sourceTable().equals(srcName) || !m.targetTable().equals(dstName)) {
        throw new WidenException("migration " + m.id() + " in the ledger copies " + m.sourceTable()
            + " to " + m.targetTable() + ", but the config says " + srcName + " to " + dstName
            + ": use another migration.id");
      }
      return m;
    }
    RangePlanner.Bounds b = checked.bounds();
    long from = firstFromMark();
    long hwm = b.empty() ? 0 : b.max();
    Migration m = Migration.start(config.migrationId(), srcName, dstName,
        tables.mapping().primaryKey(), hwm, from, b.empty(), owner);
    // The backfill's rows are not counted here (a full scan on a big table); the plan has them.
    ledger.create(m, new Sweep(0, from, hwm, from, 0, false));
    log.info("migration={} created: ids {} to {}, high-water mark {}", m.id(),
        b.empty() ? "-" : b.min(), b.empty() ? "-" : b.max(), hwm);
    return m;
  }

  private void connectBroker() throws IOException, TimeoutException {
    broker = Broker.connect(config.broker(), "widen-coordinator " + owner, null);
    Topology topology = Topology.of(config);
    Channel ch = broker.createChannel();
    topology.declare(ch);
    roster.listen(broker, topology);
    board = new TaskBoard(ledger, new TaskPublisher(ch, topology),
        new ResultInbox(broker.createChannel(), topology), config.getInt(Setting.COPY_MAX_ATTEMPTS),
        new Backoff(config.getLong(Setting.RETRY_DELAY_MS),
            Math.max(config.getLong(Setting.RETRY_DELAY_MS),
                config.getLong(Setting.RETRY_MAX_DELAY_MS))), sizer);
  }

  private void logProgress(Migration m, boolean force) throws SQLException {
    long now = System.currentTimeMillis();
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) {
      return;
    }
    lastProgress = now;
    log.info("migration={} {} {}", config.migrationId(), m.phase(),
        Progress.read(ledger).oneLine());
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (throttle != null) {
      throttle.close();
    }
    closeConnections();
    if (control != null) {
      control.close();
    }
  }

  /** Closes the broker, lock and table connections, ignoring errors: they may be gone already. */
  private void closeConnections() {
    try {
      if (broker != null) {
        broker.abort(5_000); // also when already closed: nothing of this session may linger
      }
    } catch (RuntimeException e) {
      log.debug("broker close: {}", e.toString());
    }
    for (AutoCloseable c : new AutoCloseable[] {lock, src, dst}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        log.debug("close: {}", e.toString());
      }
    }
    broker = null;
    lock = null;
    src = null;
    dst = null;
  }
}
