package widen.bench;

/**
 * One line of the benchmark's table: what a contender did and whether its result was right.
 *
 * @param name the contender, as printed
 * @param rows rows in the target afterwards (verified rows for the verification line)
 * @param seconds the time the rows/s figure is computed from (see {@link #basis})
 * @param basis what {@code seconds} measures, for the notes: "ledger copy time", "end to end" ...
 * @param complete target row count and whole-table checksum equal to the source's; null when
 *     the contender did not run
 * @param verification the verification line, which is no copy and gets no ratio to widen
 * @param note anything else worth printing (wall time, settings, why it was skipped)
 */
record Result(String name, long rows, double seconds, String basis, Boolean complete,
    boolean verification, String note) {

  static Result skipped(String name, String why) {
    return new Result(name, 0, Double.NaN, "", null, false, why);
  }

  boolean ran() {
    return complete != null;
  }

  double rowsPerSecond() {
    return ran() && seconds > 0 ? rows / seconds : Double.NaN;
  }
}
