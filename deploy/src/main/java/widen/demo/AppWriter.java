package widen.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.config.DbEndpoint;
import widen.db.Databases;
import widen.sql.Sql;

/**
 * Plays the application during a migration: writes CSMH history rows at a steady rate into the
 * old table or the new one (switched live, as the Open edX flags switch it), and on a second
 * thread keeps a transaction open for 1.5 s around each insert, so ids are held uncommitted
 * across the coordinator's high-water-mark reads and commit late. Remembers every committed id
 * per student_module_id, so a test can check that nothing committed is ever missed.
 */
public final class AppWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AppWriter.class);
  /** Histories are written for this many student modules, so each one grows during a run. */
  public static final int KEYS = 50;
  private static final int TICK_MS = 50;
  private static final long LATE_COMMIT_MS = 1_500;

  /** Which table the application writes to. */
  public enum Table { OLD, NEW }

  private final DbEndpoint oldTable;
  private final DbEndpoint newTable;
  private final int rowsPerTick;
  private final Map<Integer, Set<Long>> committed = new ConcurrentHashMap<>();
  private final AtomicLong rows = new AtomicLong();
  private volatile Table table;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private final Thread steady = new Thread(this::steadyLoop, "app-writer");
  private final Thread late = new Thread(this::lateLoop, "app-writer-late");

  public AppWriter(DbEndpoint oldTable, DbEndpoint newTable, int rowsPerSecond, Table initial) {
    this.oldTable = oldTable;
    this.newTable = newTable;
    this.rowsPerTick = Math.max(1, rowsPerSecond * TICK_MS / 1000);
    this.table = initial;
  }

  public AppWriter start() {
    steady.start();
    late.start();
    return this;
  }

  /** Switches the application's writes, as flipping its feature flag would. */
  public void writeTo(Table t) {
    table = t;
  }

  public long rows() {
    return rows.get();
  }

  /** Ids committed so far for one student module. */
  public Set<Long> committed(int key) {
    return Set.copyOf(committed.getOrDefault(key, Set.of()));
  }

  /** The first error that stopped a writer thread, or null. */
  public Throwable failure() {
    return failure;
  }

  private void steadyLoop() {
    run(() -> {
      while (running) {
        long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
        Table t = table;
        try (Connection c = Databases.connect(endpoint(t))) {
          insert(c, t, rowsPerTick).record();
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
      }
    });
  }

  private void lateLoop() {
    run(() -> {
      while (running) {
        Table t = table;
        try (Connection c = Databases.connect(endpoint(t))) {
          c.setAutoCommit(false);
          Written w = insert(c, t, 1);
          TimeUnit.MILLISECONDS.sleep(LATE_COMMIT_MS);
          c.commit();
          w.record();
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    });
  }

  /** Rows inserted, to be recorded once their transaction has committed. */
  private record Written(AppWriter writer, int[] keys, long[] ids) {
    void record() {
      for (int i = 0; i < keys.length; i++) {
        writer.committed.computeIfAbsent(keys[i], k -> new ConcurrentSkipListSet<>()).add(ids[i]);
      }
      writer.rows.addAndGet(keys.length);
    }
  }

  /** Inserts rows with server-assigned ids. */
  private Written insert(Connection c, Table t, int n) throws SQLException {
    DbEndpoint e = endpoint(t);
    StringBuilder sql = new StringBuilder("INSERT INTO " + Sql.quote(e.database(), e.table())
        + " (version, created, state, grade, max_grade, student_module_id) VALUES ");
    int[] keys = new int[n];
    for (int i = 0; i < n; i++) {
      keys[i] = 1 + ThreadLocalRandom.current().nextInt(KEYS);
      sql.append(i == 0 ? "" : ",").append("('app', NOW(), CONCAT('{\"attempts\": ', ")
          .append(i).append(", ', \"app\": true}'), 1.0, 4.0, ").append(keys[i]).append(')');
    }
    long[] ids = new long[n];
    try (Statement s = c.createStatement()) {
      s.executeUpdate(sql.toString(), Statement.RETURN_GENERATED_KEYS);
      try (ResultSet rs = s.getGeneratedKeys()) {
        for (int i = 0; rs.next(); i++) {
          ids[i] = rs.getLong(1);
        }
      }
    }
    return new Written(this, keys, ids);
  }

  private DbEndpoint endpoint(Table t) {
    return t == Table.OLD ? oldTable : newTable;
  }

  private interface Body {
    void run() throws Exception;
  }

  private void run(Body body) {
    try {
      body.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (running) {
        failure = e;
        log.error("application writer stopped: {}", e.toString());
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    steady.join(10_000);
    late.join(10_000);
  }
}
