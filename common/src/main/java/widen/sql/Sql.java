package widen.sql;

import java.util.List;
import java.util.stream.Collectors;

/** Identifier quoting: the only way widen puts a name into SQL. */
public final class Sql {
  private Sql() {}

  /** `name`, with any backquote inside doubled, so no name can break out of its quotes. */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  public static String quote(String database, String table) {
    return quote(database) + "." + quote(table);
  }

  public static String quoteAll(List<String> names) {
    return names.stream().map(Sql::quote).collect(Collectors.joining(", "));
  }

  /** A character set name from information_schema, checked: it is spliced into the SQL. */
  public static String charsetName(String charset) {
    if (charset == null || !charset.matches("[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException("not a character set name: " + charset);
    }
    return charset;
  }
}
