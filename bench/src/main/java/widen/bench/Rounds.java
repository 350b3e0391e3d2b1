package widen.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The contenders of one bench run, run in rounds: with {@code --repeat N} every contender runs
 * once per round, always in the same order, for N rounds. Whatever drifts on a shared machine
 * during a run (the page cache, the server's background work, another tenant's load) then falls
 * on every contender alike, not on whichever had its attempts last.
 *
 * <p>Each contender keeps its median attempt by time, whole (a widen run's verification with
 * it), since one run on a shared machine can be a quarter off. A skipped or incomplete attempt
 * ends that contender's rounds and is the one kept, so it shows.
 */
final class Rounds {
  interface Contender<T> {
    T run() throws Exception;
  }

  /** One contender and its attempts so far. */
  static final class Entry<T> {
    private final String name;
    private final Contender<T> contender;
    private final List<T> attempts = new ArrayList<>();
    /** The skipped or incomplete attempt that ended the rounds; null while they go on. */
    private T stoppedAt;

    private Entry(String name, Contender<T> contender) {
      this.name = name;
      this.contender = contender;
    }

    private void attempt(int round, int rounds) throws Exception {
      Bench.say("");
      Bench.say("== %s%s", name, rounds > 1 ? " (round " + round + " of " + rounds + ")" : "");
      T out = contender.run();
      Result r = result(out);
      attempts.add(out);
      if (!r.ran()) {
        Bench.say("  skipped: %s", r.note());
        stoppedAt = out;
        return;
      }
      Bench.say("  %,d rows in %.1f s (%s) = %,.0f rows/s; complete: %s", r.rows(), r.seconds(),
          r.basis(), r.rowsPerSecond(), r.complete() ? "yes" : "NO");
      Bench.say("  %s", r.note());
      if (!r.complete()) {
        stoppedAt = out;
      }
    }

    /** The attempt kept: the median by time, or the one that ended the rounds. */
    T kept() {
      if (stoppedAt != null) {
        return stoppedAt;
      }
      List<T> byTime = new ArrayList<>(attempts);
      byTime.sort(Comparator.comparingDouble(o -> result(o).seconds()));
      return byTime.get((byTime.size() - 1) / 2);
    }

    /** The table's line: the kept attempt's, with every attempt's time when there were several. */
    Result line() {
      Result r = result(kept());
      if (attempts.size() < 2 || !r.complete()) {
        return r;
      }
      String times = attempts.stream().map(o -> String.format("%.1f", result(o).seconds()))
          .collect(Collectors.joining(", "));
      return new Result(r.name(), r.rows(), r.seconds(), r.basis(), r.complete(),
          r.verification(), r.note() + "; the median of " + attempts.size() + " attempts, one a"
              + " round (" + times + " s)");
    }
  }

  private final int rounds;
  private final List<Entry<?>> entries = new ArrayList<>();

  /**
   * Each attempt's seconds, round by round, by contender name, for those that ran and completed
   * every round: what paired figures (one ratio a round) are computed from.
   */
  Map<String, List<Double>> secondsByRound() {
    Map<String, List<Double>> out = new LinkedHashMap<>();
    for (Entry<?> e : entries) {
      if (e.stoppedAt == null && e.attempts.size() == rounds) {
        out.put(e.name, e.attempts.stream().map(o -> result(o).seconds()).toList());
      }
    }
    return out;
  }

  Rounds(int rounds) {
    this.rounds = rounds;
  }

  /** Adds a contender; it runs after those added before it in every round. */
  <T> Entry<T> add(String name, Contender<T> contender) {
    Entry<T> e = new Entry<>(name, contender);
    entries.add(e);
    return e;
  }

  /** The contenders in the order they run. */
  List<Entry<?>> entries() {
    return entries;
  }

  /** Runs every round; then each entry's {@link Entry#kept} is its result. */
  void run() throws Exception {
    for (int round = 1; round <= rounds; round++) {
      for (Entry<?> e : entries) {
        if (e.stoppedAt == null) {
          e.attempt(round, rounds);
        }
      }
    }
    if (rounds > 1) {
      Bench.say("");
      for (Entry<?> e : entries) {
        Result r = e.line();
        Bench.say("  %s: kept %.1f s (%s)", e.name, r.seconds(), e.stoppedAt != null
            ? "the attempt that ended its rounds" : "the median of " + e.attempts.size());
      }
    }
  }

  private static Result result(Object out) {
    return out instanceof WidenRun.Outcome o ? o.copy() : (Result) out;
  }
}
