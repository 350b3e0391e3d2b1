package widen.worker;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
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
 * <p>Values travel as the text the server sends and go back as such (as bytes, but for text
 * columns: {@link TablePair#byteColumns}): no decoding into Java dates or doubles, so nothing is
 * rounded, shifted by a time zone or rejected (a zero date is copied as it is); the server
 * parses them exactly as it printed them.
 *
 * <p>How the rows reach the target is the {@link CopyMethod}: loaded as a text stream by
 * {@code LOAD DATA LOCAL INFILE} (the fastest way through the worker), written as multi-row
 * upserts, or, pushed down, one {@code INSERT ... SELECT} run by the server that holds both
 * tables, where no row leaves the server at all.
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
  /** Per column in copy order: bound to an upsert as the source's bytes, not as a string. */
  private final boolean[] bytes;
  private final int batchRows;
  private final CopyMethod method;
  private final String loadSql;

  /** Copies {@code tables}' rows by upserts. */
  public RangeCopier(DataSource source, DataSource target, TablePair tables, int batchRows) {
    this(source, target, tables, batchRows, CopyMethod.UPSERT);
  }

  /** Copies {@code tables}' rows by {@code method}. */
  public RangeCopier(DataSource source, DataSource target, TablePair tables, int batchRows,
      CopyMethod method) {
    this.source = source;
    this.target = target;
    this.sql = tables.copySql();
    this.hex = tables.binaryColumns();
    this.bytes = tables.byteColumns();
    this.batchRows = batchRows;
    this.method = method;
    this.loadSql = method == CopyMethod.LOAD ? tables.loadSql() : null;
  }

  public CopyMethod method() {
    return method;
  }

  /**
   * Copies every source row in {@code range}; returns how many (pushed down: the rows the server
   * reports written, which for a range copied before counts changed rows twice and unchanged
   * ones once). Commits before returning.
   */
  public long copy(IdRange range) throws SQLException {
    if (method == CopyMethod.PUSHDOWN) {
      return pushDown(range);
    }
    try (Connection src = source.getConnection(); Connection dst = target.getConnection()) {
      dst.setAutoCommit(false);
      try {
        long rows = method == CopyMethod.LOAD ? load(src, dst, range) : stream(src, dst, range);
        dst.commit();
        return rows;
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

  private long pushDown(IdRange range) throws SQLException {
    try (Connection dst = target.getConnection()) {
      int isolation = dst.getTransactionIsolation();
      // READ COMMITTED reads the source rows from a snapshot without shared locks (under row or
      // mixed binary logging), so the application's writes to the old table are not held up.
      dst.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      dst.setAutoCommit(false);
      try (PreparedStatement ps = dst.prepareStatement(sql.pushdown())) {
        ps.setLong(1, range.lo());
        ps.setLong(2, range.hi());
        long rows = ps.executeUpdate();
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

  private long stream(Connection src, Connection dst, IdRange range) throws SQLException {
    try (PreparedStatement read = src.prepareStatement(sql.select(),
            ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        PreparedStatement write = dst.prepareStatement(sql.upsert())) {
      // MIN_VALUE makes Connector/J stream rows one by one instead of buffering the whole range,
      // so a range of multi-megabyte rows never has to fit in memory at once.
      read.setFetchSize(Integer.MIN_VALUE);
      read.setLong(1, range.lo());
      read.setLong(2, range.hi());
      long rows = 0;
      int pending = 0;
      long pendingBytes = 0;
      try (ResultSet rs = read.executeQuery()) {
        while (rs.next()) {
          pendingBytes += bind(rs, write);
          write.addBatch();
          rows++;
          if (++pending >= batchRows || pendingBytes >= BATCH_BYTES) {
            write.executeBatch();
            pending = 0;
            pendingBytes = 0;
          }
        }
      }
      if (pending > 0) {
        write.executeBatch();
      }
      return rows;
    }
  }

  /**
   * Moves one row's values into the statement, as bytes where {@link TablePair#byteColumns} says
   * so and as strings otherwise; returns their size in bytes (characters for a string).
   */
  private long bind(ResultSet rs, PreparedStatement write) throws SQLException {
    long size = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i]) {
        byte[] v = rs.getBytes(i + 1);
        write.setBytes(i + 1, v);
        size += v == null ? 1 : v.length;
      } else {
        String v = rs.getString(i + 1);
        write.setString(i + 1, v);
        size += v == null ? 1 : v.length();
      }
    }
    return size;
  }
}
