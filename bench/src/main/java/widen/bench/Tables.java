package widen.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import widen.config.DbEndpoint;
import widen.config.Secret;
import widen.db.Databases;
import widen.demo.CsmhFixture;
import widen.schema.TableShape;
import widen.sql.Sql;
import widen.verify.TableChecksum;

/**
 * The benchmark's databases on the local server: the CSMH-shaped source (prepared once, reused
 * while it has the wanted row count), the extended target (dropped and created again before each
 * contender) and the check that a copy is complete and equal.
 */
final class Tables {
  static final String HOST = "127.0.0.1";
  /** The server's port: 3306, or another server's from {@code bench/run --port}. */
  static final String PORT_PROPERTY = "widen.bench.port";
  static final String USER = "root";
  static final String SOURCE_DB = "widen_bench_src";
  static final String TARGET_DB = "widen_bench_dst";
  static final String CONTROL_DB = "widen_bench_ctl";
  static final String SOURCE = CsmhFixture.SOURCE_TABLE;
  static final String TARGET = CsmhFixture.TARGET_TABLE;
  /** Compared by the completeness check, in this order on both sides. */
  static final List<String> COLUMNS = List.of("id", "version", "created", "state", "grade",
      "max_grade", "student_module_id");

  private TableChecksum.Sum sourceSum;

  static int port() {
    return Integer.parseInt(System.getProperty(PORT_PROPERTY, "3306"));
  }

  static String url(String database) {
    return "jdbc:mysql://" + HOST + ":" + port() + "/" + database;
  }

  static DbEndpoint source() {
    return new DbEndpoint("source", url(SOURCE_DB), USER, new Secret(""), SOURCE);
  }

  static DbEndpoint target() {
    return new DbEndpoint("target", url(TARGET_DB), USER, new Secret(""), TARGET);
  }

  /** A connection with widen's session settings and no default database. */
  static Connection server() {
    return Databases.connect(new DbEndpoint("server", url("information_schema"), USER,
        new Secret(""), SOURCE));
  }

  /**
   * Makes the source hold exactly {@code rows} generated rows: reused if it already does, else
   * dropped and filled again. Returns what it did, for the output.
   */
  String prepareSource(long rows) throws SQLException {
    try (Connection c = server()) {
      exec(c, "CREATE DATABASE IF NOT EXISTS " + Sql.quote(SOURCE_DB));
      if (TableShape.exists(c, SOURCE_DB, SOURCE)
          && queryLong(c, "SELECT COUNT(*) FROM " + Sql.quote(SOURCE_DB, SOURCE)) == rows) {
        return String.format("reused %s.%s (%,d rows)", SOURCE_DB, SOURCE, rows);
      }
      long t0 = System.nanoTime();
      exec(c, "DROP TABLE IF EXISTS " + Sql.quote(SOURCE_DB, SOURCE));
      CsmhFixture.createSource(c, SOURCE_DB, SOURCE);
      CsmhFixture.fill(c, SOURCE_DB, SOURCE, 1, rows);
      exec(c, "ANALYZE TABLE " + Sql.quote(SOURCE_DB, SOURCE));
      return String.format("filled %s.%s with %,d rows in %.1f s", SOURCE_DB, SOURCE, rows,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The source's size on disk (data and indexes, from the table statistics), in bytes. */
  long sourceBytes() throws SQLException {
    try (Connection c = server()) {
      return queryLong(c, "SELECT DATA_LENGTH + INDEX_LENGTH FROM information_schema.TABLES"
          + " WHERE TABLE_SCHEMA = '" + SOURCE_DB + "' AND TABLE_NAME = '" + SOURCE + "'");
    }
  }

  TableChecksum.Sum sourceSum() throws SQLException {
    if (sourceSum == null) {
      try (Connection c = server()) {
        sourceSum = sum(c, SOURCE_DB, SOURCE);
      }
    }
    return sourceSum;
  }

  /** Drops the target table and creates it empty, under {@code name} (the target's, usually). */
  void recreateTarget(String name) throws SQLException {
    try (Connection c = server()) {
      exec(c, "CREATE DATABASE IF NOT EXISTS " + Sql.quote(TARGET_DB));
      exec(c, "DROP TABLE IF EXISTS " + Sql.quote(TARGET_DB, TARGET));
      exec(c, "DROP TABLE IF EXISTS " + Sql.quote(TARGET_DB, name));
      CsmhFixture.createTarget(c, TARGET_DB, name);
    }
  }

  void recreateTarget() throws SQLException {
    recreateTarget(TARGET);
  }

  /** What the completeness check found. */
  record Check(long rows, boolean complete, String detail) {}

  /** Target row count and whole-table checksum against the source's. */
  Check check() throws SQLException {
    TableChecksum.Sum want = sourceSum();
    try (Connection c = server()) {
      if (!TableShape.exists(c, TARGET_DB, TARGET)) {
        return new Check(0, false, "no target table");
      }
      TableChecksum.Sum got = sum(c, TARGET_DB, TARGET);
      boolean same = got.equals(want);
      return new Check(got.rows(), same, same ? "" : "target " + got + " but source " + want);
    }
  }

  /**
   * Waits (at most {@code maxSeconds}) until at most a tenth of InnoDB's buffer pool is dirty, so
   * the previous contender's writes are mostly flushed before the next one starts. (Not to zero:
   * MariaDB does not flush eagerly while other clients keep the server busy.) Returns seconds
   * waited.
   */
  static double settle(int maxSeconds) throws SQLException, InterruptedException {
    long t0 = System.nanoTime();
    try (Connection c = server()) {
      while ((System.nanoTime() - t0) / 1e9 < maxSeconds) {
        long dirty = status(c, "Innodb_buffer_pool_pages_dirty");
        long total = status(c, "Innodb_buffer_pool_pages_total");
        if (dirty * 10 <= total) {
          break;
        }
        Thread.sleep(500);
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Removes the target and control databases (the source stays, to be reused). */
  static void dropScratch() throws SQLException {
    try (Connection c = server()) {
      exec(c, "DROP DATABASE IF EXISTS " + Sql.quote(TARGET_DB));
      exec(c, "DROP DATABASE IF EXISTS " + Sql.quote(CONTROL_DB));
    }
  }

  private static TableChecksum.Sum sum(Connection c, String db, String table)
      throws SQLException {
    TableShape shape = TableShape.introspect(c, "checked", db, table);
    return TableChecksum.whole(shape, COLUMNS).compute(c);
  }

  static long status(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SHOW GLOBAL STATUS LIKE ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(2) : 0;
      }
    }
  }

  static String variable(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SHOW GLOBAL VARIABLES LIKE ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(2) : "?";
      }
    }
  }

  static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
