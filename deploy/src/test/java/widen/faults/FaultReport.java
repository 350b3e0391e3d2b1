package widen.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fault suite's table: one line per scenario, printed and saved for docs/reliability.md. */
final class FaultReport {
  private record Line(String scenario, String faults, TableDiff.Outcome outcome, double seconds) {}

  private final List<Line> lines = new ArrayList<>();

  synchronized void add(String scenario, String faults, TableDiff.Outcome outcome,
      double seconds) {
    lines.add(new Line(scenario, faults, outcome, seconds));
  }

  synchronized String table() {
    StringBuilder out = new StringBuilder(
        "| scenario | faults injected | rows | missing | duplicated | different | seconds |\n"
            + "|---|---|---:|---:|---:|---:|---:|\n");
    for (Line l : lines) {
      out.append(String.format("| %s | %s | %,d | %d | %d | %d | %.1f |%n", l.scenario(),
          l.faults(), l.outcome().rows(), l.outcome().missing(), l.outcome().duplicated(),
          l.outcome().different(), l.seconds()));
    }
    return out.toString();
  }

  /** Prints the table and writes it to {@code target/fault-suite.md}. */
  void publish() throws IOException {
    String table = table();
    System.out.println("fault suite:\n" + table);
    Path out = Path.of("target", "fault-suite.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
  }
}
