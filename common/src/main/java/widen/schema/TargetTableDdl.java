package widen.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import widen.WidenException;
import widen.sql.Sql;

/**
 * Turns the source's SHOW CREATE TABLE into the CREATE TABLE for an empty target.
 *
 * <p>Working on the server's own text keeps every column, index, charset and table option exactly
 * as the source has them; only what must differ is changed. This relies on the layout SHOW CREATE
 * TABLE always prints: the name line, one definition per line each indented, then the line that
 * closes the parenthesis and carries the table options.
 */
public final class TargetTableDdl {
  // The target may live on another server, or hold rows the referenced table lacks.
  private static final Pattern FOREIGN_KEY =
      Pattern.compile("^\\s*(CONSTRAINT\\s+`(?:[^`]|``)*`\\s+)?FOREIGN KEY\\b");
  // The target numbers its own rows; copied rows bring their ids with them.
  private static final Pattern AUTO_INCREMENT_OPTION = Pattern.compile(" AUTO_INCREMENT=\\d+");

  private TargetTableDdl() {}

  public static String createTableSql(
      String sourceShowCreate, String targetDatabase, String targetTable, String primaryKey) {
    List<String> lines = sourceShowCreate.lines().toList();
    int close = closingLine(lines);
    String keyPrefix = Sql.quote(primaryKey) + " ";
    List<String> definitions = new ArrayList<>();
    boolean keyFound = false;
    for (String line : lines.subList(1, close)) {
      String definition = stripComma(line);
      if (FOREIGN_KEY.matcher(definition).find()) {
        continue;
      }
      if (definition.strip().startsWith(keyPrefix)) {
        definition = "  " + keyPrefix + "bigint(20) unsigned NOT NULL AUTO_INCREMENT";
        keyFound = true;
      }
      definitions.add(definition);
    }
    if (!keyFound) {
      throw new WidenException("primary key column " + primaryKey
          + " not found in the source's SHOW CREATE TABLE: check source.table");
    }
    List<String> out = new ArrayList<>();
    out.add("CREATE TABLE " + Sql.quote(targetDatabase, targetTable) + " (");
    out.add(String.join(",\n", definitions));
    out.add(AUTO_INCREMENT_OPTION.matcher(lines.get(close)).replaceFirst(""));
    out.addAll(lines.subList(close + 1, lines.size()));
    return String.join("\n", out);
  }

  private static int closingLine(List<String> lines) {
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).startsWith(")")) {
        return i;
      }
    }
    throw new WidenException("unexpected SHOW CREATE TABLE output, no closing parenthesis:"
        + " create the target table by hand");
  }

  private static String stripComma(String line) {
    String trimmed = line.stripTrailing();
    return trimmed.endsWith(",") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }
}
