package widen.range;

/**
 * Sizes the next ranges so that one takes about {@code plan.target_range_ms} to copy, from how
 * fast the last ones went, within {@code plan.min_range_rows} and {@code plan.max_range_rows}.
 *
 * <p>Why: a fixed row count is wrong for most tables. Short ranges pay the per-range costs (a
 * commit, a result, a ledger write, a broker round trip) too often; long ones make a failure, a
 * pause or a redelivery redo a lot and give a jumpy ETA. A duration is what an operator can
 * reason about, and it follows the table's row size and the servers' load by itself.
 *
 * <p>The rate is an exponentially weighted mean of rows per millisecond over the results seen,
 * so one slow range (a lock wait, a throttle pause) moves it only a little; each new size is at
 * most four times, and at least a quarter of, the size before it, so the plan cannot swing on
 * one outlier. Until the first result, ranges have {@code plan.range_rows}.
 */
public final class RangeSizer {
  /** Weight of the newest observation in the mean. */
  private static final double WEIGHT = 0.3;
  private static final double MAX_STEP = 4;

  private final int initialRows;
  private final long targetMillis;
  private final int minRows;
  private final int maxRows;
  private double rowsPerMilli = Double.NaN;
  private int lastRows;

  /** {@code targetMillis} 0 keeps every range at {@code initialRows}. */
  public RangeSizer(int initialRows, long targetMillis, int minRows, int maxRows) {
    if (minRows < 1 || minRows > maxRows) {
      throw new IllegalArgumentException("range rows bounds " + minRows + ".." + maxRows);
    }
    this.initialRows = initialRows;
    this.targetMillis = targetMillis;
    this.minRows = minRows;
    this.maxRows = maxRows;
    this.lastRows = initialRows;
  }

  /** A fixed size, as {@code plan.target_range_ms=0} asks. */
  public static RangeSizer fixed(int rows) {
    return new RangeSizer(rows, 0, 1, Math.max(1, rows));
  }

  /** One copied range: its rows and how long the worker took over it. */
  public synchronized void observe(long rows, long millis) {
    if (targetMillis == 0 || rows <= 0) {
      return;
    }
    double rate = rows / (double) Math.max(1, millis);
    rowsPerMilli = Double.isNaN(rowsPerMilli) ? rate
        : (1 - WEIGHT) * rowsPerMilli + WEIGHT * rate;
  }

  /** Rows for the next range. */
  public synchronized int nextRows() {
    if (targetMillis == 0 || Double.isNaN(rowsPerMilli)) {
      return initialRows;
    }
    double want = rowsPerMilli * targetMillis;
    want = Math.min(want, lastRows * MAX_STEP);
    want = Math.max(want, lastRows / MAX_STEP);
    lastRows = (int) Math.max(minRows, Math.min(maxRows, Math.round(want)));
    return lastRows;
  }
}
