package widen.range;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * A slice of the primary key space: ids {@code lo < id <= hi}. The lower bound is exclusive and
 * the upper inclusive everywhere in widen, so consecutive ranges share a bound and never overlap
 * or leave a gap: (0, 100], (100, 250], ...
 */
public record IdRange(long lo, long hi) {
  /** How many ids {@link #sample} names. */
  private static final int SAMPLE = 10;

  public IdRange {
    if (hi <= lo) {
      throw new IllegalArgumentException("empty range (" + lo + ", " + hi + "]");
    }
  }

  public boolean contains(long id) {
    return id > lo && id <= hi;
  }

  /** Ids named in a message: the first ten of {@code ids}, in their order, then "..." if more. */
  public static String sample(Collection<Long> ids) {
    String shown = ids.stream().limit(SAMPLE).map(String::valueOf)
        .collect(Collectors.joining(", "));
    return ids.size() > SAMPLE ? shown + ", ..." : shown;
  }

  @Override
  public String toString() {
    return "(" + lo + ", " + hi + "]";
  }
}
