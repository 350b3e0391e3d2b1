package widen.worker;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.jdbc.JdbcStatement;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import widen.db.Jdbc;
import widen.range.IdRange;
import widen.schema.TablePair;
import widen.sql.CopySql;

/**
 * Copies one range of rows from the source table to the target table and commits.
 *
 * <p>This is the hot path, so it is plain JDBC on the worker's own thread rather than the Vert.x
 * JDBC client: rows stream from one connection straight into batches on the other with no
 * per-row hops between threads or futures.
 *
 * <p>Values travel as the bytes of the text the server sends and go back as such: no decoding
 * into Java strings, dates or doubles, so nothing is rounded, shifted by a time zone or rejected
 * (a zero date is copied as it is); the server parses them exactly as it printed them.
 *
 * <p>How the rows reach the target is the {@link CopyMethod}: loaded as a text stream by
 * {@code LOAD DATA LOCAL INFILE} (the fastest way through the worker where loads can run side by
 * side), written as server-prepared multi-row upserts (where the target's AUTO-INC lock would
 * make them take turns), or, pushed down, one {@code INSERT ... SELECT} run by the server that
 * holds both tables, where no row leaves the server at all.
 */
public final class RangeCopier {
  /**
   * A batch of upserts is flushed at this many bytes even if it has fewer rows, and a LOAD DATA
   * chunk holds this many, to bound memory.
   */
  static final long BATCH_BYTES = 4L << 20;

  private final DataSource source;
  private final DataSource target;
  private final CopySql sql;
  /**
   * Per column in copy order, whether it is binary (binary types and bit): hexadecimal in a LOAD
   * DATA stream.
   */
  private final boolean[] hex;
  /** Columns copied, in copy order: the values of each row read and bound. */
  private final int columns;
  /** Rows per full upsert: the configured batch, within the statement's placeholder limit. */
  private final int upsertRows;
  private final CopyMethod method;
  private final String loadSql;
  /** Pushed down into a table whose AUTO-INC lock serializes them: ranges take turns. */
  private final PushdownTurn turn;

  /** Copies {@code tables}' rows by upserts. */
  public RangeCopier(DataSource source, DataSource target, TablePair tables, int batchRows) {
    this(source, target, tables, batchRows, CopyMethod.UPSERT);
  }

  /** Copies {@code tables}' rows by {@code method}. */
  public RangeCopier(DataSource source, DataSource target, TablePair tables, int batchRows,
      CopyMethod method) {
    this(source, target, tables, batchRows, method, null);
  }

  /** Copies by {@code method}; pushed down, one range at a time by {@code turn} if not null. */
  RangeCopier(DataSource source, DataSource target, TablePair tables, int batchRows,
      CopyMethod method, PushdownTurn turn) {
    this.turn = turn;
    this.source = source;
    this.target = target;
    this.sql = tables.copySql();
    this.hex = tables.binaryColumns();
    this.columns = tables.mapping().columns().size();
    this.upsertRows = Math.max(1, Math.min(batchRows, sql.maxRows()));
    this.method = method;
    this.loadSql = method == CopyMethod.LOAD ? tables.loadSql() : null;
  }

  public CopyMethod method() {
    return method;
  }

  /**
   * A copied range: its rows, and how long it waited for its {@link PushdownTurn} first (0 when
   * ranges do not take turns). The wait is not the range's work: a range sized by its whole
   * duration would shrink with every thread that queues for the turn, and pay the per-range
   * costs that much more often.
   */
  public record Copied(long rows, long turnWaitMillis) {}

  /**
   * Copies every source row in {@code range}; returns how many (pushed down: the rows the server
   * reports written, which for a range copied before counts changed rows twice and unchanged
   * ones once). Commits before returning.
   */
  public long copy(IdRange range) throws SQLException {
    return copyTimed(range, HELD).rows();
  }

  /** As {@link #copy}, committed only if {@code held} still says the range is this worker's. */
  long copy(IdRange range, BooleanSupplier held) throws SQLException {
    return copyTimed(range, held).rows();
  }

  /** For a copy no one else can be handed meanwhile (tests, the bench's loop). */
  static final BooleanSupplier HELD = () -> true;

  /**
   * The range was handed to another worker while this one copied it (its broker connection
   * dropped, so the broker gave the task out again): the copy is rolled back, not committed. A
   * copy committed late could put rows read before another worker's newer copy, and even its
   * verification, back over them.
   */
  public static final class LeaseLost extends RuntimeException {
    LeaseLost(IdRange range) {
      super("range " + range + " was handed to another worker during its copy: rolled back");
    }
  }

  /** Throws {@link LeaseLost} unless {@code held}: the last thing before a commit. */
  static void checkHeld(BooleanSupplier held, IdRange range) {
    if (!held.getAsBoolean()) {
      throw new LeaseLost(range);
    }
  }

  /** As {@link #copy}, and says how long the range waited for its turn. */
  public Copied copyTimed(IdRange range) throws SQLException {
    return copyTimed(range, HELD);
  }

  /**
   * As {@link #copy}, and says how long the range waited for its turn; committed only if {@code
   * held} still says the range is this worker's ({@link LeaseLost} otherwise).
   */
  public Copied copyTimed(IdRange range, BooleanSupplier held) throws SQLException {
    if (method == CopyMethod.PUSHDOWN) {
      return pushDown(range, held);
    }
    try (Connection src = source.getConnection(); Connection dst = target.getConnection()) {
      dst.setAutoCommit(false);
      try {
        long rows = method == CopyMethod.LOAD ? load(src, dst, range) : upsert(src, dst, range);
        checkHeld(held, range);
        dst.commit();
        return new Copied(rows, 0);
      } catch (SQLException | RuntimeException e) {
        // A read cut off mid-stream leaves the source connection with a result set it can
        // never finish, and every later statement on it fails: it must not go back to the pool.
        evict(source, src);
        evict(target, dst);
        throw e;
      }
    }
  }

  /** Closes {@code c} for good instead of returning it to its pool (found by fault scenario 7). */
  private static void evict(DataSource pool, Connection c) {
    if (pool instanceof HikariDataSource hikari) {
      hikari.evictConnection(c);
    } else {
      try {
        c.close();
      } catch (SQLException alreadyGone) {
        // nothing left to close
      }
    }
  }

  private Copied pushDown(IdRange range, BooleanSupplier held) throws SQLException {
    try (Connection dst = target.getConnection()) {
      if (turn == null) {
        return new Copied(pushDown(dst, range, held), 0);
      }
      long asked = System.currentTimeMillis();
      turn.take(dst);
      long waited = System.currentTimeMillis() - asked;
      boolean given = false;
      try {
        long rows = pushDown(dst, range, held);
        given = turn.give(dst);
        return new Copied(rows, waited);
      } finally {
        if (!given) {
          // Failed, or the release did not answer: a pooled session must never keep the turn.
          evict(target, dst);
        }
      }
    }
  }

  private long pushDown(Connection dst, IdRange range, BooleanSupplier held)
      throws SQLException {
    int isolation = dst.getTransactionIsolation();
    // READ COMMITTED reads the source rows from a snapshot without shared locks (under row or
    // mixed binary logging), so the application's writes to the old table are not held up.
    dst.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    dst.setAutoCommit(false);
    try (PreparedStatement ps = dst.prepareStatement(sql.pushdown())) {
      ps.setLong(1, range.lo());
      ps.setLong(2, range.hi());
      long rows = ps.executeUpdate();
      checkHeld(held, range);
      dst.commit();
      return rows;
    } catch (SQLException | RuntimeException e) {
      Jdbc.rollBack(dst, e);
      throw e;
    } finally {
      Jdbc.restoreAutoCommit(dst);
      if (!dst.isClosed()) {
        dst.setTransactionIsolation(isolation);
      }
    }
  }

  /**
   * Streams the range's rows from the source into LOAD DATA statements on the target, one per
   * chunk of {@link #BATCH_BYTES} ({@link RowTextChunks} says why), all in the range's one
   * transaction. With LOCAL the server turns what would be an error into a warning (it cannot
   * stop the client's file midway), so any warning fails the range and its transaction is rolled
   * back: a value the target would have altered is never committed.
   */
  private long load(Connection src, Connection dst, IdRange range) throws SQLException {
    try (PreparedStatement read = src.prepareStatement(sql.select(),
            ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        Statement load = dst.createStatement()) {
      read.setFetchSize(Integer.MIN_VALUE);
      read.setLong(1, range.lo());
      read.setLong(2, range.hi());
      try (ResultSet rs = read.executeQuery()) {
        RowTextChunks rows = new RowTextChunks(rs, hex, (int) BATCH_BYTES);
        JdbcStatement local = load.unwrap(JdbcStatement.class);
        // On for this range's statements only, all of them ours.
        allowLocalInfile(dst, true);
        try {
          for (InputStream chunk = rows.next(); chunk != null; chunk = rows.next()) {
            local.setLocalInfileInputStream(chunk);
            load.execute(loadSql);
            SQLWarning warning = load.getWarnings();
            if (warning != null) {
              throw new SQLException("the target would change a value of range " + range
                  + " while loading it (" + warning.getMessage() + "); nothing of it was"
                  + " committed");
            }
          }
        } finally {
          allowLocalInfile(dst, false);
        }
        return rows.rows();
      }
    }
  }

  /**
   * While this is on, the driver answers the server's request for a local file with the stream
   * set on the statement (never a file: one is always set). Off, as between our statements, it
   * would look only in {@code Databases.NO_LOCAL_FILES}, a path no host has, so a connection
   * never hands a server any file of the worker's, even one it asks for in reply to another
   * statement.
   */
  private static void allowLocalInfile(Connection c, boolean allowed) throws SQLException {
    c.unwrap(JdbcConnection.class).getPropertySet()
        .getBooleanProperty(PropertyKey.allowLoadLocalInfile).setValue(allowed);
  }

  /**
   * Streams the range's rows from the source into multi-row upserts of up to {@link #upsertRows}
   * rows or {@link #BATCH_BYTES}, all in the range's one transaction.
   *
   * <p>Server-prepared, not the pool's client-side statements: the values then travel in the
   * binary protocol as the bytes the source sent, so the driver neither escapes them nor the
   * server parses a statement of megabytes per batch. Measured on 2,000,000 CSMH rows with two
   * threads (docs/performance.md): 37,803 rows/s against 25,184 for client-side batches. And an
   * INSERT with its rows in it is a "simple insert" to InnoDB: under innodb_autoinc_lock_mode 1
   * it takes the AUTO-INC lock only for a moment, where a LOAD DATA holds it to its end.
   */
  private long upsert(Connection src, Connection dst, IdRange range) throws SQLException {
    JdbcConnection server = dst.unwrap(JdbcConnection.class);
    try (PreparedStatement read = src.prepareStatement(sql.select(),
            ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        PreparedStatement full = server.serverPrepareStatement(sql.upsert(upsertRows))) {
      // MIN_VALUE makes Connector/J stream rows one by one instead of buffering the whole range,
      // so a range of multi-megabyte rows never has to fit in memory at once.
      read.setFetchSize(Integer.MIN_VALUE);
      read.setLong(1, range.lo());
      read.setLong(2, range.hi());
      List<byte[][]> pending = new ArrayList<>();
      long pendingBytes = 0;
      long rows = 0;
      try (ResultSet rs = read.executeQuery()) {
        while (rs.next()) {
          byte[][] row = new byte[columns][];
          long rowBytes = 0;
          for (int i = 0; i < columns; i++) {
            row[i] = rs.getBytes(i + 1);
            rowBytes += row[i] == null ? 1 : row[i].length;
          }
          // A large row goes in a statement of its own, not on top of a batch: the statement
          // is one packet, and a 14 MiB value after 3.9 MiB of other rows passed
          // max_allowed_packet's 16 MiB on every attempt, where alone it fits.
          if (!pending.isEmpty() && pendingBytes + rowBytes > BATCH_BYTES) {
            write(server, full, pending);
            pendingBytes = 0;
          }
          pending.add(row);
          pendingBytes += rowBytes;
          rows++;
          if (pending.size() == upsertRows || pendingBytes >= BATCH_BYTES) {
            write(server, full, pending);
            pendingBytes = 0;
          }
        }
      }
      write(server, full, pending);
      return rows;
    }
  }

  /** Writes {@code pending} (by {@code full} when it is a full batch) and empties it. */
  private void write(JdbcConnection server, PreparedStatement full, List<byte[][]> pending)
      throws SQLException {
    if (pending.isEmpty()) {
      return;
    }
    if (pending.size() == upsertRows) {
      bind(full, pending);
      full.executeUpdate();
    } else {
      try (PreparedStatement part = server.serverPrepareStatement(sql.upsert(pending.size()))) {
        bind(part, pending);
        part.executeUpdate();
      }
    }
    pending.clear();
  }

  /**
   * Binds every value as a LONGVARBINARY, which the driver sends typed as a blob: the server takes
   * a blob's bytes as binary, as LOAD DATA ... CHARACTER SET binary does, where it would take
   * {@code setBytes}' as text in the connection's character set and reject a latin1 byte as
   * invalid utf8mb4.
   */
  private static void bind(PreparedStatement upsert, List<byte[][]> rows) throws SQLException {
    int p = 1;
    for (byte[][] row : rows) {
      for (byte[] value : row) {
        upsert.setObject(p++, value, Types.LONGVARBINARY);
      }
    }
  }
}
