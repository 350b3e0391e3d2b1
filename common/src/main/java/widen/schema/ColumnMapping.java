package widen.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import widen.WidenException;

/**
 * Which columns are copied from source to target, once the target has been checked to hold them.
 *
 * @param primaryKey the primary-key column, the same name on both sides
 * @param columns the copied columns, source spelling and ordinal order, primary key included;
 *     columns generated on both sides are left out, the target computes them itself
 * @param verified the columns verification compares: the copied ones and those generated on
 *     both sides, which each server computes from the copied ones, so that a target computing
 *     one differently (another expression, a narrower type) shows as a difference
 * @param nonNegativeChecks signed source columns whose unsigned target holds them only if the
 *     source has no negative value: the caller must check the data
 */
public record ColumnMapping(String primaryKey, List<String> columns, List<String> verified,
    List<String> nonNegativeChecks) {

  public ColumnMapping {
    columns = List.copyOf(columns);
    verified = List.copyOf(verified);
    nonNegativeChecks = List.copyOf(nonNegativeChecks);
  }

  /**
   * Matches columns by name (case-insensitively, in any order) and checks every one.
   *
   * @throws WidenException listing every problem at once, so one ALTER TABLE can fix them all
   */
  public static ColumnMapping map(TableShape source, TableShape target) {
    List<String> problems = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    List<String> verified = new ArrayList<>();
    List<String> nonNegative = new ArrayList<>();
    if (!source.primaryKey().equalsIgnoreCase(target.primaryKey())) {
      problems.add("primary key is " + source.primaryKey() + " in source but "
          + target.primaryKey() + " in target");
    }
    Column key = target.primaryKeyColumn();
    if (key.integerBytes() < 8) {
      // Type rules alone accept int into int; the new table exists to get ids past 2^31.
      problems.add("primary key " + key.name() + " is " + key.columnType()
          + " in target, not a 64-bit bigint");
    }
    for (Column s : source.columns()) {
      Column t = target.column(s.name());
      Optional<String> problem = problem(s, t);
      if (problem.isPresent()) {
        problems.add(problem.get());
        continue;
      }
      verified.add(s.name());
      if (!(s.generated() && t.generated())) {
        columns.add(s.name());
        if (TypeCompatibility.needsNonNegativeCheck(s, t)) {
          nonNegative.add(s.name());
        }
      }
    }
    for (Column t : target.columns()) {
      if (source.column(t.name()) == null && !t.hasDefault()) {
        problems.add("target column " + t.name() + " is not in source and has no default");
      }
    }
    if (!problems.isEmpty()) {
      throw new WidenException("target " + target.qualifiedName() + " cannot hold "
          + source.qualifiedName() + ": " + String.join("; ", problems)
          + ": widen the target columns (ALTER TABLE ... MODIFY)"
          + " or use --create-target on an empty target database");
    }
    return new ColumnMapping(source.primaryKey(), columns, verified, nonNegative);
  }

  private static Optional<String> problem(Column s, Column t) {
    if (t == null) {
      return Optional.of("column " + s.name() + " missing in target");
    }
    if (s.generated() && t.generated()) {
      return Optional.empty();
    }
    if (t.generated()) {
      return Optional.of("column " + s.name() + " is generated in target, so it cannot be written");
    }
    return TypeCompatibility.problem(s, t).map(reason -> "column " + s.name() + ": " + reason);
  }

  /**
   * A table of the mapping for a dry run: one line per column, source type to target type, with
   * target-only columns last.
   */
  public String describe(TableShape source, TableShape target) {
    int width = source.columns().stream().mapToInt(c -> c.name().length()).max().orElse(0);
    width = Math.max(width, target.columns().stream()
        .mapToInt(c -> c.name().length()).max().orElse(0));
    int typeWidth = source.columns().stream()
        .mapToInt(c -> c.describe().length()).max().orElse(0);
    StringBuilder out = new StringBuilder();
    out.append(source.qualifiedName()).append(" -> ").append(target.qualifiedName()).append('\n');
    for (Column s : source.columns()) {
      Column t = target.column(s.name());
      out.append(line(width, typeWidth, s.name(), s.describe(), t.describe(), note(s)))
          .append('\n');
    }
    for (Column t : target.columns()) {
      if (source.column(t.name()) == null) {
        String from = "(not in source)";
        out.append(line(width, typeWidth, t.name(), from, t.describe(), "gets its default"))
            .append('\n');
      }
    }
    return out.toString();
  }

  private String note(Column s) {
    List<String> notes = new ArrayList<>();
    if (s.name().equalsIgnoreCase(primaryKey)) {
      notes.add("primary key");
    }
    if (nonNegativeChecks.contains(s.name())) {
      notes.add("checked for negative values");
    }
    if (!columns.contains(s.name())) {
      notes.add("generated, not copied");
    }
    return String.join(", ", notes);
  }

  private static String line(
      int width, int typeWidth, String name, String from, String to, String note) {
    String line = String.format("  %-" + width + "s  %-" + typeWidth + "s -> %s", name, from, to);
    return note.isEmpty() ? line : line + "  (" + note + ")";
  }
}
