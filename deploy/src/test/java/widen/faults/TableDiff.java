package widen.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compares two tables row by row, as the fault suite's final word: each side streams
 * {@code (id, MD5 of every column)} in id order and the two streams are merged. It shares no
 * code with widen's own verification, so a bug there cannot hide here.
 */
final class TableDiff {
  /** What the merge found: source rows, and how many were missing, extra or different. */
  record Outcome(long rows, long missing, long duplicated, long different) {
    boolean clean() {
      return missing == 0 && duplicated == 0 && different == 0;
    }
  }

  private TableDiff() {}

  /**
   * Source rows absent from the target are missing; target rows without their one source row
   * (which is all a duplicate can be under a primary key) are counted as duplicated; rows on
   * both sides whose values differ are different.
   */
  /** {@code columns} are SQL expressions over one row, each rendering a value as text. */
  static Outcome compare(DbServer src, String srcTable, DbServer dst, String dstTable,
      List<String> columns) throws SQLException {
    String hash = "MD5(CONCAT_WS('|', " + columns.stream()
        .map(c -> "IFNULL(CAST(" + c + " AS CHAR), '<null>')").collect(Collectors.joining(", "))
        + "))";
    try (Connection a = src.connect(""); Connection b = dst.connect("");
        Statement sa = streaming(a); Statement sb = streaming(b);
        ResultSet ra = sa.executeQuery("SELECT id, " + hash + " FROM " + srcTable + " ORDER BY id");
        ResultSet rb = sb.executeQuery("SELECT id, " + hash + " FROM " + dstTable + " ORDER BY id")) {
      long rows = 0;
      long missing = 0;
      long extra = 0;
      long different = 0;
      boolean hasA = ra.next();
      boolean hasB = rb.next();
      while (hasA || hasB) {
        int order = !hasA ? 1 : !hasB ? -1 : Long.compare(ra.getLong(1), rb.getLong(1));
        if (order < 0) {
          rows++;
          missing++;
          hasA = ra.next();
        } else if (order > 0) {
          extra++;
          hasB = rb.next();
        } else {
          rows++;
          if (!ra.getString(2).equals(rb.getString(2))) {
            different++;
          }
          hasA = ra.next();
          hasB = rb.next();
        }
      }
      return new Outcome(rows, missing, extra, different);
    }
  }

  /** Connector/J streams a result row by row only with this fetch size. */
  private static Statement streaming(Connection c) throws SQLException {
    Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    s.setFetchSize(Integer.MIN_VALUE);
    return s;
  }
}
