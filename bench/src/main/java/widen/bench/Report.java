package widen.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The benchmark's table (aligned, and valid Markdown at the same time), the notes behind each
 * line, and the target ratios with whether each is met.
 */
final class Report {
  static final String INSERT_SELECT = "INSERT ... SELECT (one statement)";
  static final String DUMP = "mariadb-dump | mariadb";
  static final String PT_ARCHIVER = "pt-archiver";
  static final String VERIFY_RUN = Bench.WIDEN_PREFIX + "2 workers";
  static final String FIXED_RUN = Bench.WIDEN_PREFIX
      + "1 worker, fixed 10,000-row ranges (plan.target_range_ms=0)";
  static final String UPSERT_RUN = Bench.WIDEN_PREFIX + "1 worker, upserts (copy.load_data=never)";
  static final String PUSHDOWN_RUN = Bench.WIDEN_PREFIX + "pushdown, 2 workers";

  private final List<Result> results;
  /**
   * The complete widen run (through the workers) with as many threads as the in-process loop:
   * what the loop is held against.
   */
  private final Result loopBase;
  private final Result verification;
  /**
   * The best complete widen copy through the workers (pushdown left out: it is the same-server
   * shortcut, held to its own target): what the copy ratios use.
   */
  private final Result best;

  /** Seconds of each round's attempt, by contender, where every round completed (--repeat). */
  private final Map<String, List<Double>> byRound;

  Report(List<Result> results, Result loopBase, Result verification,
      Map<String, List<Double>> byRound) {
    this.results = results;
    this.byRound = byRound;
    this.loopBase = loopBase;
    this.verification = verification;
    this.best = results.stream()
        .filter(r -> r.name().startsWith(Bench.WIDEN_PREFIX) && !r.verification()
            && !r.name().equals(PUSHDOWN_RUN) && Boolean.TRUE.equals(r.complete()))
        .max(Comparator.comparingDouble(Result::rowsPerSecond)).orElse(null);
  }

  String render() {
    StringBuilder out = new StringBuilder();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"contender", "rows", "seconds", "rows/s", "widen best ÷ this",
        "complete"});
    for (Result r : results) {
      // A "|" in a name would end the Markdown cell.
      rows.add(new String[] {r.name().replace("|", "\\|"),
          r.ran() ? String.format("%,d", r.rows()) : "-",
          r.ran() ? String.format("%.1f", r.seconds()) : "-",
          r.ran() ? String.format("%,.0f", r.rowsPerSecond()) : "-",
          ratioCell(r), r.ran() ? (r.complete() ? "yes" : "NO") : "skipped"});
    }
    table(out, rows);
    out.append('\n');
    if (best != null) {
      out.append(String.format("widen best: %s, %,.0f rows/s (rows/s of widen runs from the"
          + " ledger's copy time: first range started to last range finished)%n", best.name(),
          best.rowsPerSecond()));
    }
    for (Result r : results) {
      out.append("- ").append(r.name()).append(": ")
          .append(r.ran() ? "seconds = " + r.basis() + "; " : "").append(r.note()).append('\n');
    }
    out.append('\n').append("Targets (issue 6):\n");
    target(out, "widen best >= 0.85x INSERT ... SELECT", speedup(INSERT_SELECT), 0.85, true);
    target(out, "widen best >= 1.7x mariadb-dump | mariadb", speedup(DUMP), 1.7, true);
    target(out, "widen best >= 2.5x pt-archiver", speedup(PT_ARCHIVER), 2.5, true);
    target(out, "widen pushdown >= 1.0x INSERT ... SELECT", ratio(find(PUSHDOWN_RUN),
        INSERT_SELECT), 1.0, true);
    target(out, "verification <= 0.15x copy", verifyRatio(), 0.15, false);
    overhead(out);
    return out.toString();
  }

  private String ratioCell(Result r) {
    if (!Boolean.TRUE.equals(r.complete()) || r.verification() || best == null
        || !(r.rowsPerSecond() > 0)) {
      return "-";
    }
    return String.format("%.2fx", best.rowsPerSecond() / r.rowsPerSecond());
  }

  /** widen best's rows/s over the named contender's, if both ran and completed. */
  private Measured speedup(String name) {
    return ratio(Optional.ofNullable(best), name);
  }

  /** {@code mine}'s rows/s over the named contender's, if both ran and completed. */
  private Measured ratio(Optional<Result> mine, String name) {
    Optional<Result> other = find(name);
    if (mine.isEmpty() || !Boolean.TRUE.equals(mine.get().complete())) {
      return new Measured(Double.NaN, "not measured: no complete widen run for it");
    }
    Result best = mine.get();
    if (other.isEmpty() || !other.get().ran()) {
      return new Measured(Double.NaN, "not measured: " + name + " did not run"
          + other.map(r -> " (" + r.note() + ")").orElse(""));
    }
    if (!other.get().complete()) {
      return new Measured(Double.NaN, "not measured: " + name + "'s copy was"
          + " incomplete");
    }
    double x = best.rowsPerSecond() / other.get().rowsPerSecond();
    return new Measured(x, String.format("%.2fx (%,.0f vs %,.0f rows/s)", x,
        best.rowsPerSecond(), other.get().rowsPerSecond()));
  }

  private Measured verifyRatio() {
    Optional<Result> copy = find(VERIFY_RUN);
    if (verification == null || copy.isEmpty() || !copy.get().ran()) {
      return new Measured(Double.NaN, "not measured: verification did not run");
    }
    if (!verification.complete()) {
      return new Measured(Double.NaN, "not measured: verification did not finish"
          + " clean (" + verification.note() + ")");
    }
    double x = verification.seconds() / copy.get().seconds();
    return new Measured(x, String.format("%.2fx (VERIFY span %.1f s / copy %.1f s,"
        + " both from the ledger of \"%s\")", x, verification.seconds(), copy.get().seconds(),
        VERIFY_RUN));
  }

  private void overhead(StringBuilder out) {
    Optional<Result> loop = results.stream().filter(r -> r.name().equals(Bench.LOOP))
        .findFirst();
    String line = "coordinator overhead < 5%: ";
    if (loopBase == null || loop.isEmpty() || !loop.get().ran() || !loop.get().complete()) {
      out.append(line).append("not measured (needs the loop and a complete widen run with as many"
          + " threads)\n");
      return;
    }
    double x = loopBase.seconds() / loop.get().seconds() - 1;
    String medians = String.format("%+.1f%% (%s copy %.1f s / %s %.1f s - 1)", 100 * x,
        loopBase.name(), loopBase.seconds(), loop.get().name(), loop.get().seconds());
    List<Double> mine = byRound.get(loopBase.name());
    List<Double> theirs = byRound.get(loop.get().name());
    if (mine != null && theirs != null && mine.size() > 1) {
      // Paired: each round's widen attempt against the loop's of the same round, so a drift
      // between rounds (the machine's, not widen's) cancels out of every ratio.
      List<Double> perRound = new ArrayList<>();
      for (int i = 0; i < mine.size(); i++) {
        perRound.add(mine.get(i) / theirs.get(i) - 1);
      }
      List<Double> sorted = perRound.stream().sorted().toList();
      double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
          : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
      out.append(line).append(String.format("%+.1f%%, the median of %d rounds' own ratios (%s);"
          + " the medians' ratio: %s: %s%n", 100 * median, perRound.size(),
          perRound.stream().map(r -> String.format("%+.1f%%", 100 * r))
              .collect(Collectors.joining(", ")), medians, median < 0.05 ? "met" : "NOT met"));
      return;
    }
    out.append(line).append(medians).append(": ").append(x < 0.05 ? "met" : "NOT met")
        .append('\n');
  }

  private record Measured(double value, String text) {}

  private static void target(StringBuilder out, String what, Measured v,
      double bound, boolean atLeast) {
    String verdict = Double.isNaN(v.value()) ? ""
        : (atLeast ? v.value() >= bound : v.value() <= bound) ? ": met" : ": NOT met";
    out.append(what).append(": ").append(v.text()).append(verdict).append('\n');
  }

  private Optional<Result> find(String name) {
    return results.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** Columns padded to their widest cell; text left, numbers right. */
  private static void table(StringBuilder out, List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (int n = 0; n < rows.size(); n++) {
      String[] r = rows.get(n);
      StringBuilder line = new StringBuilder("|");
      for (int i = 0; i < r.length; i++) {
        String fmt = i == 0 || i == r.length - 1 || n == 0 ? "%-" + width[i] + "s"
            : "%" + width[i] + "s";
        line.append(' ').append(String.format(fmt, r[i])).append(" |");
      }
      out.append(line).append('\n');
      if (n == 0) {
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < r.length; i++) {
          boolean right = i > 0 && i < r.length - 1;
          rule.append(right ? " " + "-".repeat(width[i] - 1) + ": |"
              : " " + "-".repeat(width[i]) + " |");
        }
        out.append(rule).append('\n');
      }
    }
  }
}
