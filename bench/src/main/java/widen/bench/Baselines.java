package widen.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import widen.db.Databases;
import widen.range.RangePlanner;
import widen.sql.Sql;

/**
 * What widen is measured against, on the same server and the same tables: the server copying
 * by itself (one INSERT ... SELECT, and the same in 10,000-id chunks as Open edX's management
 * command did), the dump tools piped into the client, and pt-archiver.
 */
final class Baselines {
  static final int CHUNK_IDS = 10_000;
  private static final String COLUMNS = Sql.quoteAll(Tables.COLUMNS);
  private static final String INSERT_SELECT = "INSERT INTO "
      + Sql.quote(Tables.TARGET_DB, Tables.TARGET) + " (" + COLUMNS + ") SELECT " + COLUMNS
      + " FROM " + Sql.quote(Tables.SOURCE_DB, Tables.SOURCE);

  private Baselines() {}

  /** One statement copies everything: the same-server ceiling. */
  static Result insertSelect(Tables tables, String name) throws Exception {
    tables.recreateTarget();
    Bench.settle();
    long t0;
    long t1;
    // Databases.connect: the session settings every widen connection has.
    try (Connection c = Databases.connect(Tables.target()); Statement s = c.createStatement()) {
      t0 = System.nanoTime();
      s.executeUpdate(INSERT_SELECT);
      t1 = System.nanoTime();
    }
    return checked(tables, name, (t1 - t0) / 1e9, "statement time",
        "one statement, autocommit, widen's session settings");
  }

  /** The same statement over {@code id > ? AND id <= ?}, 10,000 ids at a time, autocommit. */
  static Result chunked(Tables tables, String name) throws Exception {
    tables.recreateTarget();
    Bench.settle();
    long chunks = 0;
    long t0;
    long t1;
    try (Connection c = Databases.connect(Tables.target());
        PreparedStatement ps = c.prepareStatement(
            INSERT_SELECT + " WHERE `id` > ? AND `id` <= ?")) {
      t0 = System.nanoTime();
      RangePlanner.Bounds b = RangePlanner.bounds(c, Tables.SOURCE_DB, Tables.SOURCE, "id");
      for (long lo = b.before(); !b.empty() && lo < b.max(); lo += CHUNK_IDS) {
        ps.setLong(1, lo);
        ps.setLong(2, lo + CHUNK_IDS);
        ps.executeUpdate();
        chunks++;
      }
      t1 = System.nanoTime();
    }
    return checked(tables, name, (t1 - t0) / 1e9, "loop time", String.format(
        "%,d statements of %,d ids (gaps in the ids included), autocommit each", chunks,
        CHUNK_IDS));
  }

  /**
   * mariadb-dump piped into mariadb. The dump names the source's table, so it is loaded into a
   * table of that name in the target database, created with the extended definition, which is
   * then renamed to the target's name (instant); no text rewriting costs the pipe anything.
   */
  static Result dump(Tables tables, String name, Path logs) throws Exception {
    String dump = which("mariadb-dump", "mysqldump");
    String client = which("mariadb", "mysql");
    if (dump == null || client == null) {
      return Result.skipped(name, "no mariadb-dump/mysqldump and mariadb/mysql client on PATH:"
          + " sudo apt-get install -y mariadb-client");
    }
    tables.recreateTarget(Tables.SOURCE);
    Bench.settle();
    String server = " -h" + Tables.HOST + " -P" + Tables.port() + " -u" + Tables.USER;
    String pipe = dump + server + " --single-transaction --no-create-info --skip-triggers"
        + " --complete-insert " + Tables.SOURCE_DB + " " + Tables.SOURCE + " | " + client + server
        + " " + Tables.TARGET_DB;
    long t0 = System.nanoTime();
    int code = run(logs.resolve("dump.log"), "bash", "-c", "set -o pipefail; " + pipe);
    if (code == 0) {
      try (Connection c = Tables.server()) {
        Tables.exec(c, "RENAME TABLE " + Sql.quote(Tables.TARGET_DB, Tables.SOURCE) + " TO "
            + Sql.quote(Tables.TARGET_DB, Tables.TARGET));
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    String note = "`" + pipe.replace(server, " ...") + "`, then RENAME TABLE";
    if (code != 0) {
      note += "; exit code " + code + " (see " + logs.resolve("dump.log") + ")";
    }
    return checked(tables, name, seconds, "end to end", note);
  }

  /** pt-archiver from percona-toolkit, copying only (--no-delete), 1,000 rows per commit. */
  static Result ptArchiver(Tables tables, String name, Path logs) throws Exception {
    String tool = which("pt-archiver");
    if (tool == null) {
      return Result.skipped(name, "pt-archiver is not installed: sudo apt-get install -y"
          + " percona-toolkit (or bin/setup --bench)");
    }
    tables.recreateTarget();
    Bench.settle();
    String dsn = "h=" + Tables.HOST + ",P=" + Tables.port() + ",u=" + Tables.USER + ",A=utf8mb4";
    List<String> cmd = new ArrayList<>(List.of(tool,
        "--source", dsn + ",D=" + Tables.SOURCE_DB + ",t=" + Tables.SOURCE,
        "--dest", dsn + ",D=" + Tables.TARGET_DB + ",t=" + Tables.TARGET,
        "--where", "1=1", "--no-delete", "--bulk-insert", "--limit", "1000", "--commit-each",
        // Else it leaves out the row with the largest id (kept for the AUTO_INCREMENT counter).
        "--no-safe-auto-increment"));
    long t0 = System.nanoTime();
    int code = run(logs.resolve("pt-archiver.log"), cmd.toArray(String[]::new));
    double seconds = (System.nanoTime() - t0) / 1e9;
    String note = "--no-delete --bulk-insert --limit 1000 --commit-each --no-safe-auto-increment,"
        + " A=utf8mb4 in both DSNs";
    if (code != 0) {
      note += "; exit code " + code + " (see " + logs.resolve("pt-archiver.log") + ")";
    }
    return checked(tables, name, seconds, "end to end", note);
  }

  private static Result checked(Tables tables, String name, double seconds, String basis,
      String note) throws SQLException {
    Tables.Check check = tables.check();
    if (!check.complete()) {
      note += "; INCOMPLETE: " + check.detail();
    }
    return new Result(name, check.rows(), seconds, basis, check.complete(), false, note);
  }

  /** The first of {@code names} found on PATH, or null. */
  static String which(String... names) {
    for (String n : names) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path p = Path.of(dir, n);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }

  private static int run(Path log, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    return p.waitFor();
  }
}
