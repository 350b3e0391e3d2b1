package widen.worker;

import java.io.IOException;
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
 * again: this is both the fastest way and the one that cannot alter a value. The driver pulls
 * from this stream while it sends the file to the target, so one row at a time is in memory
 * (plus the driver's packet), whatever the range's size.
 */
final class RowTextStream extends InputStream {
  private static final byte[] HEX =
      "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** A buffer grown past this for one huge row is let go again after that row. */
  private static final int KEEP = 1 << 20;

  private final ResultSet rows;
  private final boolean[] hex;
  private byte[] buf = new byte[64 << 10];
  private int pos;
  private int len;
  private long count;
  private boolean exhausted;
  /** A failure reading the source; the driver sees only an IOException, the copier this. */
  private SQLException failure;
  private final byte[] one = new byte[1];

  RowTextStream(ResultSet rows, boolean[] hex) {
    this.rows = rows;
    this.hex = hex.clone();
  }

  /** Rows handed to the driver so far. */
  long rows() {
    return count;
  }

  /** The source's error if reading it failed mid-stream, else null. */
  SQLException failure() {
    return failure;
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int n) throws IOException {
    if (n == 0) {
      return 0;
    }
    if (pos == len && !fill()) {
      return -1;
    }
    int k = Math.min(n, len - pos);
    System.arraycopy(buf, pos, b, off, k);
    pos += k;
    return k;
  }

  /** Encodes rows until at least 32 KiB are ready or the rows run out; false at the end. */
  private boolean fill() throws IOException {
    if (buf.length > KEEP) {
      buf = new byte[64 << 10];
    }
    pos = 0;
    len = 0;
    try {
      while (!exhausted && len < (32 << 10)) {
        if (rows.next()) {
          encodeRow();
          count++;
        } else {
          exhausted = true;
        }
      }
    } catch (SQLException e) {
      failure = e;
      throw new IOException("reading the source failed: " + e.getMessage(), e);
    }
    return len > 0;
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

  /** Copies a text value, escaping what LOAD DATA would otherwise read as structure. */
  private void escape(byte[] v) {
    ensure(2 * v.length);
    for (byte x : v) {
      switch (x) {
        case '\\' -> { buf[len++] = '\\'; buf[len++] = '\\'; }
        case '\t' -> { buf[len++] = '\\'; buf[len++] = 't'; }
        case '\n' -> { buf[len++] = '\\'; buf[len++] = 'n'; }
        case 0 -> { buf[len++] = '\\'; buf[len++] = '0'; }
        default -> buf[len++] = x;
      }
    }
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
