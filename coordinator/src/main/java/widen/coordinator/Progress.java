package widen.coordinator;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import widen.queue.RangeTask;

/**
 * Where the copy stands, read from the ledger: for the coordinator's log line and for
 * {@code widen status}. {@code totals} are the copy ranges (backfill and sweeps), {@code verify}
 * the verify ranges. The rate is over the last minute of finished copy ranges; the ETA is the
 * rows left at that rate.
 */
public record Progress(Map<RangeState, long[]> totals, Map<RangeState, long[]> verify,
    double[] recent, List<String> workers, List<String> parked) {
  static final int RATE_WINDOW_SECONDS = 60;

  public static Progress read(Ledger ledger) throws SQLException {
    return new Progress(ledger.reports().totals(RangeTask.Kind.COPY), ledger.reports().totals(RangeTask.Kind.VERIFY),
        ledger.reports().recentThroughput(RATE_WINDOW_SECONDS), ledger.reports().activeWorkers(RATE_WINDOW_SECONDS),
        ledger.reports().parkedDescriptions(20));
  }

  public long verifyRanges() {
    return verify.values().stream().mapToLong(t -> t[0]).sum();
  }

  public long verifyDone() {
    return verify.get(RangeState.DONE)[0];
  }

  public long ranges() {
    return totals.values().stream().mapToLong(t -> t[0]).sum();
  }

  public long ranges(RangeState s) {
    return totals.get(s)[0];
  }

  public long rowsPlanned() {
    return totals.values().stream().mapToLong(t -> t[1]).sum();
  }

  public long rowsCopied() {
    return totals.get(RangeState.DONE)[2];
  }

  /** Rows of DONE ranges as planned, so the fraction never passes 1 when rows were added. */
  public double fractionDone() {
    long planned = rowsPlanned();
    return planned == 0 ? (ranges() == 0 ? 1 : 0) : (double) totals.get(RangeState.DONE)[1] / planned;
  }

  public double rowsPerSecond() {
    return recent[1] <= 0 ? 0 : recent[0] / recent[1];
  }

  /** Time left at the current rate; null while nothing has finished recently. */
  public Duration eta() {
    double rate = rowsPerSecond();
    if (rate <= 0) {
      return null;
    }
    long left = Math.max(0, rowsPlanned() - totals.get(RangeState.DONE)[1]);
    return Duration.ofSeconds((long) Math.ceil(left / rate));
  }

  public String oneLine() {
    return String.format("copy %.1f%%: ranges %d/%d done, %d queued, %d parked; rows %,d of %,d;"
            + " %,.0f rows/s; ETA %s; verified %d/%d ranges", 100 * fractionDone(),
        ranges(RangeState.DONE), ranges(), ranges(RangeState.QUEUED) + ranges(RangeState.PENDING),
        ranges(RangeState.FAILED), rowsCopied(), rowsPlanned(), rowsPerSecond(), formatEta(),
        verifyDone(), verifyRanges());
  }

  public String formatEta() {
    Duration eta = eta();
    if (fractionDone() >= 1) {
      return "done";
    }
    if (eta == null) {
      return "unknown";
    }
    long s = eta.getSeconds();
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
        : String.format("%dm%02ds", s / 60, s % 60);
  }

  /** A text progress bar {@code width} characters wide. */
  public String bar(int width) {
    int filled = (int) Math.round(fractionDone() * width);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }
}
