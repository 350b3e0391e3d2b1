package widen.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * The statement that loads one range into the target from a stream the worker writes
 * ({@code widen.worker.RowTextChunks}):
 * <pre>
 * LOAD DATA LOCAL INFILE 'widen-range' REPLACE INTO TABLE `smh`.`csmhe` CHARACTER SET binary
 *   FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'
 *   (`id`, `version`, @c2, @c3) SET `blob_col` = UNHEX(@c2), `name` = CONVERT(@c3 USING latin1)
 * </pre>
 * The server parses this plain text format with far less work than a multi-row INSERT, which is
 * what brings a copy through the workers near the server's own {@code INSERT ... SELECT}.
 *
 * <p>REPLACE is the idempotent choice here, and equal in effect to the upsert only because the
 * target has no unique key but the primary key ({@code TablePair} refuses any other), no
 * DELETE trigger, no foreign key pointing at it and no column the copy leaves out
 * ({@code widen.worker.CopyMethod} checks): the server then overwrites a row that exists in
 * place rather than deleting it, and every column it writes is one the upsert would write.
 *
 * <p>The stream carries each value as the bytes the source sent, which for text is the source
 * column's own character set (the driver asks for results unconverted). So the file is binary,
 * and a text column whose source character set differs from the target's is converted from the
 * source's by the server ({@link Encoding#CONVERT}); binary columns travel as hexadecimal and are
 * decoded by {@code UNHEX}, so no byte of them can be read as structure.
 */
public final class LoadSql {
  /** The file name the statement names; the driver reads the worker's stream instead. */
  public static final String STREAM_NAME = "widen-range";

  /** How a column's value arrives in the stream. */
  public enum Encoding {
    /** The source's bytes, already in the target column's character set (or not text). */
    DIRECT,
    /** Hexadecimal of the bytes of a binary or bit column. */
    HEX,
    /** Text in the source column's character set, which is not the target column's. */
    CONVERT
  }

  /** One target column: its name, how it arrives and, for CONVERT, the source's charset. */
  public record Field(String column, Encoding encoding, String sourceCharset) {}

  private LoadSql() {}

  public static String of(String targetDb, String targetTable, List<Field> fields) {
    List<String> names = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      String var = "@c" + i;
      switch (f.encoding()) {
        case DIRECT -> names.add(Sql.quote(f.column()));
        case HEX -> {
          names.add(var);
          sets.add(Sql.quote(f.column()) + " = UNHEX(" + var + ")");
        }
        case CONVERT -> {
          names.add(var);
          sets.add(Sql.quote(f.column()) + " = CONVERT(" + var + " USING "
              + Sql.charsetName(f.sourceCharset()) + ")");
        }
      }
    }
    return "LOAD DATA LOCAL INFILE '" + STREAM_NAME + "' REPLACE INTO TABLE "
        + Sql.quote(targetDb, targetTable) + " CHARACTER SET binary"
        + " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'"
        + " (" + String.join(", ", names) + ")"
        + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
  }
}
