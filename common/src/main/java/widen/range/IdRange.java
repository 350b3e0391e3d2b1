package widen.range;

/**
 * A slice of the primary key space: ids {@code lo < id <= hi}. The lower bound is exclusive and
 * the upper inclusive everywhere in widen, so consecutive ranges share a bound and never overlap
 * or leave a gap: (0, 100], (100, 250], ...
 */
public record IdRange(long lo, long hi) {
  public IdRange {
    if (hi <= lo) {
      throw new IllegalArgumentException("empty range (" + lo + ", " + hi + "]");
    }
  }

  public boolean contains(long id) {
    return id > lo && id <= hi;
  }

  @Override
  public String toString() {
    return "(" + lo + ", " + hi + "]";
  }
}
