package widen.worker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import widen.range.IdRange;
import widen.schema.TablePair;
import widen.sql.Sql;
import widen.verify.RangeVerdict;
import widen.verify.RangeVerdict.Verdict;
import widen.verify.TableChecksum;
import widen.verify.TableChecksum.Sum;

/**
 * Verifies one range: row count and checksum of every mapped column, computed by each database
 * over its own rows ({@link TableChecksum}), so only two numbers per side cross the network.
 *
 * <p>The two sides are summed at the same time, the source's on a helper thread, since they
 * usually run on different servers. The hash is the cheapest both servers offer
 * ({@link TableChecksum.Hash#bestFor}).
 *
 * <p>A difference is repaired in place: the range is copied again (the upsert rewrites changed
 * rows and adds missing ones) and compared again. What a re-copy cannot fix is a target row the
 * source no longer has; it is found by comparing the two id lists and deleted only when
 * {@code verify.delete_extra} allows it, otherwise reported by id.
 */
public final class RangeVerifier {
  /** Runs the source side of each comparison; daemon threads, so they never hold up an exit. */
  private static final ExecutorService SOURCE_SIDE = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "widen-verify-source");
    t.setDaemon(true);
    return t;
  });

  private final DataSource source;
  private final DataSource target;
  private final TableChecksum sourceSum;
  private final TableChecksum targetSum;
  private final RangeCopier copier;
  private final boolean deleteExtra;
  private final String sourceIds;
  private final String targetIds;
  private final String deleteSql;
  /** Why a difference could survive a re-copy, for the MISMATCH note. */
  private final String unrepairable;

  /** {@code hash} must be one both servers have: {@link TableChecksum.Hash#bestFor}. */
  public RangeVerifier(DataSource source, DataSource target, TablePair tables, RangeCopier copier,
      boolean deleteExtra, TableChecksum.Hash hash) {
    this.source = source;
    this.target = target;
    TableChecksum.Sides sums = TableChecksum.ranged(tables, hash);
    this.sourceSum = sums.source();
    this.targetSum = sums.target();
    this.copier = copier;
    this.deleteExtra = deleteExtra;
    this.sourceIds = idsSql(tables.source().database(), tables.source().table(),
        tables.source().primaryKey());
    this.targetIds = idsSql(tables.target().database(), tables.target().table(),
        tables.target().primaryKey());
    List<String> generated = tables.mapping().verified().stream()
        .filter(c -> !tables.mapping().columns().contains(c)).toList();
    this.unrepairable = generated.isEmpty() ? "is the source being updated?" : "is the source"
        + " being updated, or does the target compute its generated " + String.join(", ", generated)
        + " differently?";
    this.deleteSql = "DELETE FROM " + Sql.quote(tables.target().database(), tables.target().table())
        + " WHERE " + Sql.quote(tables.target().primaryKey()) + " = ?";
  }

  public RangeVerdict verify(IdRange range) throws SQLException {
    return verify(range, RangeCopier.HELD);
  }

  /**
   * As {@link #verify(IdRange)}; a repair (a re-copy, a delete) is committed only if {@code held}
   * still says the range is this worker's ({@link RangeCopier.LeaseLost} otherwise).
   */
  RangeVerdict verify(IdRange range, BooleanSupplier held) throws SQLException {
    Sum[] both = sums(range);
    Sum src = both[0];
    Sum dst = both[1];
    if (src.equals(dst)) {
      return new RangeVerdict(Verdict.MATCH, src, dst, null);
    }
    String before = "before repair: source " + src + ", target " + dst;
    copier.copy(range, held);
    both = sums(range);
    src = both[0];
    dst = both[1];
    if (src.equals(dst)) {
      return new RangeVerdict(Verdict.REPAIRED, src, dst, "re-copied; " + before);
    }
    TreeSet<Long> extra = new TreeSet<>(ids(target, targetIds, range));
    extra.removeAll(ids(source, sourceIds, range));
    if (extra.isEmpty()) {
      return new RangeVerdict(Verdict.MISMATCH, src, dst, "still different after a re-copy ("
          + unrepairable + "): source " + src + ", target " + dst);
    }
    String which = extra.size() + " target rows the source does not have (ids "
        + IdRange.sample(extra) + ")";
    if (!deleteExtra) {
      return new RangeVerdict(Verdict.MISMATCH, src, dst, which
          + ": delete them, or set verify.delete_extra=true and retry the range");
    }
    RangeCopier.checkHeld(held, range);
    delete(extra);
    src = sum(source, sourceSum, range);
    dst = sum(target, targetSum, range);
    Verdict v = src.equals(dst) ? Verdict.REPAIRED : Verdict.MISMATCH;
    return new RangeVerdict(v, src, dst, "re-copied and deleted " + which + "; " + before);
  }

  /** Source and target sums of {@code range}, computed at the same time. */
  private Sum[] sums(IdRange range) throws SQLException {
    CompletableFuture<Sum> src = CompletableFuture.supplyAsync(() -> {
      try {
        return sum(source, sourceSum, range);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, SOURCE_SIDE);
    Sum dst = sum(target, targetSum, range);
    try {
      return new Sum[] {src.join(), dst};
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e;
    }
  }

  private static Sum sum(DataSource db, TableChecksum checksum, IdRange range)
      throws SQLException {
    try (Connection c = db.getConnection()) {
      return checksum.compute(c, range);
    }
  }

  private static List<Long> ids(DataSource db, String sql, IdRange range) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, range.lo());
      ps.setLong(2, range.hi());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }

  private void delete(Iterable<Long> ids) throws SQLException {
    try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(deleteSql)) {
      for (long id : ids) {
        ps.setLong(1, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static String idsSql(String db, String table, String pk) {
    String k = Sql.quote(pk);
    return "SELECT " + k + " FROM " + Sql.quote(db, table) + " WHERE " + k + " > ? AND " + k
        + " <= ?";
  }
}
