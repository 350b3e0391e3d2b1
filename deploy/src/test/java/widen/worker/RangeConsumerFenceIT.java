package widen.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.demo.CsmhFixture;
import widen.e2e.Csmh;
import widen.queue.Broker;
import widen.queue.ControlState;
import widen.queue.RangeTask;
import widen.queue.Topology;
import widen.range.IdRange;
import widen.schema.TablePair;
import widen.verify.TableChecksum;

/**
 * A consumer whose broker connection drops while it copies a range: the broker hands the task
 * out again, so this copy must not commit. Here the copy waits on a row lock the test holds in
 * the target, the connection is cut, then the lock is freed: the copy runs to its end and is
 * rolled back, no result is published, and the task is back on the queue.
 */
class RangeConsumerFenceIT {
  private Csmh tables;
  private WidenConfig config;
  private HikariDataSource source;
  private HikariDataSource target;
  private Topology topology;

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("fence", 2_000, false);
    config = tables.config("fence");
    source = Databases.pool(config.source(), 2, "test-source");
    target = Databases.pool(config.target(), 2, "test-target");
    topology = Topology.of(config);
  }

  @AfterEach
  void tearDown() throws Exception {
    try (Connection broker = Broker.connect(config.broker(), "fence-cleanup", null);
        Channel ch = broker.createChannel()) {
      topology.delete(ch);
    }
    source.close();
    target.close();
    tables.close();
  }

  @Test
  void aCopyWhoseConnectionDroppedMidwayIsRolledBackAndLeftToTheQueue() throws Exception {
    TablePair pair;
    try (var s = source.getConnection(); var t = target.getConnection()) {
      pair = TablePair.inspect(s, t, config.source(), config.target());
    }
    RangeCopier copier = new RangeCopier(source, target, pair, 500);
    RangeVerifier verifier = new RangeVerifier(source, target, pair, copier, false,
        TableChecksum.Hash.MD5);
    ThrottleGate gate = new ThrottleGate();
    gate.update(ControlState.OPEN);
    Connection broker = Broker.connect(config.broker(), "fence-worker", null);
    try (Connection setup = Broker.connect(config.broker(), "fence-setup", null);
        Channel control = setup.createChannel();
        var holder = target.getConnection()) {
      topology.declare(control);
      // A row of the range, inserted and not committed: the copy's upsert of it waits.
      long first = tables.source.queryLong("SELECT MIN(id) FROM " + CsmhFixture.SOURCE_TABLE);
      holder.setAutoCommit(false);
      holder.createStatement().execute("INSERT INTO " + CsmhFixture.TARGET_TABLE + " (id,"
          + " version, created, state, student_module_id) VALUES (" + first + ", 'held', NOW(),"
          + " '', 1)");
      RangeConsumer consumer = new RangeConsumer(broker.createChannel(), copier, verifier,
          topology, config.migrationId(), "fence/1", 3, 600_000, gate,
          new WorkerMetrics(new SimpleMeterRegistry()));
      consumer.start();
      RangeTask task = new RangeTask(config.migrationId(), 1, RangeTask.Kind.COPY, 0,
          new IdRange(0, 2_000), 1);
      control.basicPublish("", topology.tasks(), Topology.PERSISTENT, task.toBytes());
      awaitBusy(consumer);
      Thread.sleep(500); // the copy is now waiting on the held row

      broker.abort(); // the worker loses the broker: its delivery goes back to the queue
      holder.rollback();
      for (int i = 0; i < 100 && consumer.busy(); i++) {
        Thread.sleep(100);
      }
      assertTrue(!consumer.busy(), "the copy ran to its end");
      assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM "
          + CsmhFixture.TARGET_TABLE), "and was rolled back, not committed");
      assertEquals(0, control.messageCount(topology.results()), "no result published");
      assertEquals(1, control.messageCount(topology.tasks()), "the task is back on the queue");
    } finally {
      broker.abort();
    }
  }

  private static void awaitBusy(RangeConsumer consumer) throws InterruptedException {
    for (int i = 0; i < 100 && !consumer.busy(); i++) {
      Thread.sleep(50);
    }
    assertTrue(consumer.busy(), "the consumer took the task");
  }
}
