package widen.coordinator;

/**
 * One pass over the source's id space in the ledger. Sweep 0 is the backfill, over
 * {@code (fromMark, mark]}; each delta sweep after it covers the ids above the previous sweep's
 * mark up to its own, starting a trailing window lower ({@code copyFrom}) to catch late commits.
 *
 * @param rowsNew source rows in {@code (fromMark, mark]} when the sweep was planned
 * @param isFinal the sweep made after the flip, once the old table went quiet
 */
public record Sweep(int number, long fromMark, long mark, long copyFrom, long rowsNew,
    boolean isFinal) {}
