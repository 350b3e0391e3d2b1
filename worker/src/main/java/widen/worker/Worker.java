package widen.worker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.ProcessIdentity;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.db.DryRun;
import widen.db.Privileges;
import widen.queue.Broker;
import widen.queue.Topology;
import widen.schema.TablePair;
import widen.verify.TableChecksum;

/**
 * A stateless worker process: takes range tasks from the queue and copies or verifies them.
 * Everything it knows comes from its config and the tasks, so any number of them can run on any
 * hosts and come and go at any time.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WidenConfig config;
  private final String id;
  /** One slot per thread; a slot whose channel closed gets a new consumer ({@link #superviseConsumers}). */
  private final List<RangeConsumer> consumers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(
      r -> new Thread(r, "widen-supervisor"));
  private RangeCopier copier;
  private RangeVerifier verifier;
  private Topology topology;
  private volatile boolean draining;
  private final ThrottleGate gate = new ThrottleGate();
  private HikariDataSource source;
  private HikariDataSource target;
  private ExecutorService dispatch;
  private Connection broker;
  private final WorkerObserver observer;

  public Worker(WidenConfig config) {
    this.config = config;
    this.id = ProcessIdentity.current();
    this.observer = new WorkerObserver(id, config.getInt(Setting.WORKER_THREADS));
  }

  /** The port of /metrics and /health (the chosen one when worker.http_port is 0). */
  public int httpPort() {
    return observer.port();
  }

  public String id() {
    return id;
  }

  /**
   * Connects, checks that the tables can be copied, and starts the consumers. Every check runs
   * before the first task is taken, so a bad config fails here with one line.
   */
  public void start() {
    int threads = config.getInt(Setting.WORKER_THREADS);
    int readTimeout = config.getInt(Setting.RETRY_READ_TIMEOUT_SECONDS);
    TablePair tables;
    CopyMethod method;
    PushdownTurn turn;
    TableChecksum.Hash hash;
    try (var src = Databases.connect(config.source(), readTimeout, false);
        var dst = Databases.connect(config.target(), readTimeout, false)) {
      tables = TablePair.inspect(src, dst, config.source(), config.target());
      method = Pushdown.decide(config.get(Setting.COPY_PUSHDOWN), src, dst, tables)
          ? CopyMethod.PUSHDOWN
          : CopyMethod.throughWorker(config.get(Setting.COPY_LOAD_DATA), dst, tables);
      turn = method == CopyMethod.PUSHDOWN ? PushdownTurn.ifSerialized(dst, tables.target(),
          readTimeout) : null;
      hash = TableChecksum.Hash.bestFor(src, dst);
      // Every range's statements, on no rows: one the server cannot run fails the start here.
      DryRun.copyAndVerify(src, dst, tables, hash);
      if (method == CopyMethod.PUSHDOWN) {
        DryRun.pushdown(dst, tables);
      }
      // A read-only target user fails here once, not on every range it would take and park.
      Privileges.requireUpsert(dst, "target", tables.target().database(), tables.target().table(),
          tables.mapping().primaryKey(), config.getBoolean(Setting.VERIFY_DELETE_EXTRA));
    } catch (java.sql.SQLException e) {
      throw new WidenException("cannot inspect the tables: " + Databases.oneLine(e.getMessage()), e);
    }
    source = Databases.pool(config.source(), threads, "widen-source", readTimeout);
    target = Databases.pool(config.target(), threads, "widen-target", readTimeout);
    copier = new RangeCopier(source, target, tables,
        config.getInt(Setting.COPY_BATCH_ROWS), method, turn);
    verifier = new RangeVerifier(source, target, tables, copier,
        config.getBoolean(Setting.VERIFY_DELETE_EXTRA), hash);
    topology = Topology.of(config);
    // Before the first task: a port in use fails the start with nothing taken.
    observer.listen(config.getInt(Setting.WORKER_HTTP_PORT), this::notReady);
    // One dispatch thread per consumer, so every consumer copies in parallel with the others,
    // and one more for the control listener, which must be heard while every consumer is busy
    // or waiting out a pause (with no thread left it would never hear "resume").
    dispatch = Executors.newFixedThreadPool(threads + 1, r -> new Thread(r, "widen-copy"));
    broker = Broker.connectRecovering(config.broker(), "widen-worker " + id, dispatch);
    try {
      try (Channel ch = broker.createChannel()) {
        topology.declare(ch);
      }
      ControlListener.listen(broker.createChannel(), topology, gate);
      for (int i = 0; i < threads; i++) {
        consumers.add(openConsumer(i));
      }
      observer.sendHeartbeats(broker.createChannel(), topology, supervisor);
    } catch (IOException | java.util.concurrent.TimeoutException e) {
      throw new WidenException("cannot set up the queues on the broker: " + e.getMessage(), e);
    }
    supervisor.scheduleWithFixedDelay(this::superviseConsumers, 2, 2, TimeUnit.SECONDS);
    log.info("worker {} started: {} threads on {}, migration={}", id, threads,
        topology.tasks(), config.migrationId());
  }

  private RangeConsumer openConsumer(int slot) throws IOException {
    RangeConsumer c = new RangeConsumer(broker.createChannel(), copier, verifier, topology,
        config.migrationId(), id + "/" + (slot + 1), config.getInt(Setting.RETRY_IN_PLACE_TRIES),
        config.getLong(Setting.RETRY_UNREACHABLE_SECONDS) * 1000, gate, observer.metrics());
    c.start();
    return c;
  }

  /**
   * The client library brings a dropped connection back with its channels and consumers, but not
   * a channel it closed itself (a confirm that timed out, a channel-level error). Such a slot gets
   * a fresh channel and consumer here, once the connection is up again.
   */
  private void superviseConsumers() {
    for (int i = 0; i < consumers.size() && !draining; i++) {
      if (!consumers.get(i).getChannel().isOpen() && broker.isOpen()) {
        try {
          consumers.set(i, openConsumer(i));
          log.warn("worker {}: consumer {} had lost its channel; a new one takes tasks", id, i + 1);
        } catch (IOException | RuntimeException e) {
          log.warn("worker {}: consumer {} not yet back: {}", id, i + 1, e.toString());
        }
      }
    }
  }

  /** Why this worker would not take a task now; empty when it would. */
  private List<String> notReady() {
    List<String> why = new java.util.ArrayList<>();
    if (draining) {
      why.add("draining: stopping after the ranges in hand");
    }
    if (broker == null || !broker.isOpen()) {
      why.add("no broker connection (reconnecting)");
    }
    long closed = consumers.stream().filter(c -> !c.getChannel().isOpen()).count();
    if (closed > 0 || consumers.isEmpty()) {
      why.add((consumers.isEmpty() ? "no" : closed + " of " + consumers.size())
          + " consumers on the task queue " + (consumers.isEmpty() ? "yet" : "closed"));
    }
    return why;
  }

  /**
   * Stops taking tasks and waits up to {@code seconds} for the ranges in hand. A range still
   * running after that is handed back to the broker when the connection closes (it was never
   * acknowledged), and another worker copies it again.
   */
  public void drain(int seconds) throws InterruptedException {
    draining = true;
    consumers.forEach(RangeConsumer::stopTaking);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (consumers.stream().anyMatch(RangeConsumer::busy) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    if (consumers.stream().anyMatch(RangeConsumer::busy)) {
      log.warn("worker {}: ranges still running after {} s are handed back to the broker", id,
          seconds);
    }
  }

  @Override
  public void close() {
    supervisor.shutdownNow();
    observer.close();
    try {
      if (broker != null && broker.isOpen()) {
        broker.close(5_000);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("broker close: {}", e.toString());
    }
    if (dispatch != null) {
      dispatch.shutdownNow();
    }
    if (source != null) {
      source.close();
    }
    if (target != null) {
      target.close();
    }
  }
}
