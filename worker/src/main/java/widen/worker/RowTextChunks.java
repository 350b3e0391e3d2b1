package widen.worker;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The rows of a streaming source result set as the text {@link widen.sql.LoadSql} loads: fields
 * separated by tabs, rows ended by newlines, {@code \N} for NULL, backslash escapes for the four
 * bytes that would end a field or a row early, binary columns in hexadecimal.
 *
 * <p>Values are copied as the bytes the server sent, never decoded into Java strings and encoded
 * again: this is both the fastest way and the one that cannot alter a value.
 *
 * <p>The rows come in chunks of whole rows, each loaded by a statement of its own, and a chunk is
 * read from the source before its statement starts. That is for InnoDB's AUTO-INC lock: under
 * {@code innodb_autoinc_lock_mode} 1 a LOAD DATA holds it to its end, so a statement fed straight
 * from the source would hold it while the source and this worker produce the rows, and every
 * other thread of the fleet would wait. Read first, a chunk's LOAD holds the lock only while the
 * target parses and inserts, and the other threads read their next chunks meanwhile. In memory:
 * one chunk, or one row where a row is larger.
 */
final class RowTextChunks {
  private static final byte[] HEX =
      "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** Room past a chunk's size for the row that ends it, so most chunks never grow. */
  private static final int SLACK = 64 << 10;

  private final ResultSet rows;
  private final boolean[] hex;
  private final int chunkBytes;
  private byte[] buf;
  private int len;
  private long count;
  private boolean exhausted;

  /** Chunks of at least {@code chunkBytes} (but the last), ending where a row ends. */
  RowTextChunks(ResultSet rows, boolean[] hex, int chunkBytes) {
    this.rows = rows;
    this.hex = hex.clone();
    this.chunkBytes = chunkBytes;
    this.buf = new byte[chunkBytes + SLACK];
  }

  /** Rows read into chunks so far. */
  long rows() {
    return count;
  }

  /**
   * Reads and encodes the next rows, until the chunk holds {@code chunkBytes} or the rows run
   * out; null when there are no more. The stream is valid until the next call.
   */
  InputStream next() throws SQLException {
    if (buf.length > chunkBytes + SLACK) {
      buf = new byte[chunkBytes + SLACK]; // let go of what one huge row needed
    }
    len = 0;
    while (!exhausted && len < chunkBytes) {
      if (rows.next()) {
        encodeRow();
        count++;
      } else {
        exhausted = true;
      }
    }
    return len == 0 ? null : new ByteArrayInputStream(buf, 0, len);
  }

  private void encodeRow() throws SQLException {
    for (int i = 0; i < hex.length; i++) {
      if (i > 0) {
        put((byte) '\t');
      }
      byte[] v = rows.getBytes(i + 1);
      if (v == null) {
        ensure(2);
        buf[len++] = '\\';
        buf[len++] = 'N';
      } else if (hex[i]) {
        ensure(2 * v.length);
        for (byte x : v) {
          buf[len++] = HEX[(x >> 4) & 0xf];
          buf[len++] = HEX[x & 0xf];
        }
      } else {
        escape(v);
      }
    }
    put((byte) '\n');
  }

  /**
   * Copies a text value, escaping what LOAD DATA would otherwise read as structure. Most values
   * hold none of those four bytes, so the runs between them are copied whole: byte by byte, this
   * loop was most of the worker's time per row.
   */
  private void escape(byte[] v) {
    ensure(2 * v.length);
    int run = 0;
    for (int i = 0; i < v.length; i++) {
      byte x = v[i];
      if (x == '\\' || x == '\t' || x == '\n' || x == 0) {
        System.arraycopy(v, run, buf, len, i - run);
        len += i - run;
        buf[len++] = '\\';
        buf[len++] = switch (x) {
          case '\t' -> (byte) 't';
          case '\n' -> (byte) 'n';
          case 0 -> (byte) '0';
          default -> (byte) '\\';
        };
        run = i + 1;
      }
    }
    System.arraycopy(v, run, buf, len, v.length - run);
    len += v.length - run;
  }

  private void put(byte x) {
    ensure(1);
    buf[len++] = x;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
