package widen.coordinator;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import widen.WidenException;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.schema.TablePair;

/**
 * {@code widen prepare}: raises the target's AUTO_INCREMENT far enough above the source's ids that
 * rows the application writes to the new table can never take an id a copied row needs (the Open
 * edX STUDENTMODULEHISTORYEXTENDED_OFFSET, sized from measurement instead of a constant).
 *
 * <p>The offset is twice the ids the old table is expected to allocate during the cutover window,
 * at the measured write rate, and never below {@code headroom.min_offset}. The counter is only ever
 * raised.
 */
public final class Prepare {
  private Prepare() {}

  /** Measures, raises if needed, and returns what it found and did, for the operator. */
  public static String run(WidenConfig config) throws InterruptedException {
    long minOffset = config.getLong(Setting.HEADROOM_MIN_OFFSET);
    int sample = config.getInt(Setting.HEADROOM_SAMPLE_SECONDS);
    int window = config.getInt(Setting.HEADROOM_CUTOVER_MINUTES);
    try (Connection src = Databases.connect(config.source());
        Connection dst = Databases.connect(config.target())) {
      TablePair t = TablePair.inspect(src, dst, config.source(), config.target());
      HighWaterMark marks = new HighWaterMark(t.source().database(), t.source().table(),
          t.source().primaryKey(), 1);
      long first = marks.max(src).orElse(0);
      TimeUnit.SECONDS.sleep(sample);
      long max = marks.max(src).orElse(0);
      double rate = (double) (max - first) / sample;
      long expected = (long) Math.ceil(rate * window * 60);
      long offset = Math.max(minOffset, 2 * expected);
      Headroom before = Headroom.measure(src, dst, marks, t.target(), copiedThrough(config,
          src, t), config.getLong(Setting.HEADROOM_MIN_FREE));
      if (before.foreignRows() > 0) {
        throw new WidenException(before.problem().orElseThrow());
      }
      if (before.counter() == null) {
        throw new WidenException("target primary key " + t.target().primaryKey() + " is not"
            + " AUTO_INCREMENT, so widen cannot reserve ids for new rows: make it AUTO_INCREMENT");
      }
      long wanted = max + offset + 1;
      StringBuilder out = new StringBuilder(String.format("source max id %,d; write rate %.1f"
          + " ids/s over %d s; cutover window %d min -> about %,d ids; offset max(min_offset %,d,"
          + " 2 x %,d) = %,d%n", max, rate, sample, window, expected, minOffset, expected, offset));
      if (before.counter() >= wanted) {
        out.append(String.format("target AUTO_INCREMENT is already %,d (>= %,d): unchanged%n",
            before.counter(), wanted));
      } else {
        Headroom.raise(dst, t.target(), wanted);
        long now = Headroom.counter(dst, t.target());
        out.append(String.format("target AUTO_INCREMENT raised from %,d to %,d: new rows in %s"
            + " get ids from %,d, leaving %,d ids for the old table%n", before.counter(), now,
            t.target().qualifiedName(), now, now - max - 1));
      }
      return out.toString();
    } catch (SQLException e) {
      throw new WidenException("prepare failed: " + Databases.oneLine(e.getMessage())
          + " (the target user needs ALTER on the target table)", e);
    }
  }

  /** Ids already covered by the migration's copy ranges, or the source's start if none. */
  private static long copiedThrough(WidenConfig config, Connection src, TablePair t)
      throws SQLException {
    try (var pool = Databases.pool(config.target(), 1, "widen-prepare")) {
      Ledger ledger = new Ledger(pool, config.get(Setting.CONTROL_SCHEMA), config.migrationId());
      if (ledger.migration().isPresent()) {
        return ledger.lastSweep().orElseThrow().mark();
      }
    }
    var b = widen.range.RangePlanner.bounds(src, t.source().database(), t.source().table(),
        t.source().primaryKey());
    return b.empty() ? 0 : b.before();
  }
}
