package widen.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of a test's own, in a fresh data directory under a temp dir, so a fault test
 * can SIGKILL it, stop it and start it again without touching the shared server on 3306. Root
 * has no password and may connect from any address (the tests reach it from network
 * namespaces too).
 *
 * <p>Needs {@code mariadb-install-db} and {@code mariadbd} (MariaDB 10.11 on Debian 12). On a
 * 2-core machine a first start (install and start) took 1.6 s when idle and 5 s when busy; a
 * restart after a kill, with InnoDB's crash recovery of a few rows, 0.3 to 1 s.
 */
public final class OwnMariaDb implements AutoCloseable {
  private static final String MARIADBD = "/usr/sbin/mariadbd";
  private static final long READY_TIMEOUT_SECONDS = 60;

  private final String name;
  private final String host;
  private final int port;
  private final Path dir;
  private final Thread hook;
  private final List<String> options;
  private Process process;

  private OwnMariaDb(String name, String host, int port, Path dir, List<String> options) {
    this.options = List.copyOf(options);
    this.name = name;
    this.host = host;
    this.port = port;
    this.dir = dir;
    this.hook = Processes.onJvmExit("mariadb-" + name, this::closeQuietly);
  }

  /**
   * Installs a data directory and starts a server listening on {@code bindAddress} (an address
   * of this host, e.g. 127.0.0.1, or a namespace's host side) at a free port, and waits until
   * root can connect.
   */
  public static OwnMariaDb start(String name, String bindAddress) throws IOException,
      SQLException {
    return start(name, bindAddress, List.of());
  }

  /** As {@link #start(String, String)}, with more mariadbd {@code options} (--name=value). */
  public static OwnMariaDb start(String name, String bindAddress, List<String> options)
      throws IOException, SQLException {
    // Short: the socket's path in it must fit in 108 bytes.
    String safe = name.replaceAll("[^A-Za-z0-9_-]", "_");
    Path dir = Files.createTempDirectory("widen-mdb-" + safe.substring(0,
        Math.min(20, safe.length())) + "-");
    OwnMariaDb db = new OwnMariaDb(name, bindAddress, Processes.freePort(bindAddress), dir,
        options);
    try {
      // Install creates root only for loopback addresses; tests connect from namespaces too,
      // and the readiness check itself comes from the bind address. Grants need the privilege
      // tables loaded, which the install's bootstrap mode skips until FLUSH PRIVILEGES.
      Path rootAnywhere = dir.resolve("root-anywhere.sql");
      Files.writeString(rootAnywhere, "FLUSH PRIVILEGES;\n"
          + "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '';\n"
          + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;\n");
      Processes.run(List.of("mariadb-install-db", "--no-defaults",
          "--datadir=" + db.dataDir(), "--tmpdir=" + db.tmpDir(),
          "--user=" + System.getProperty("user.name"),
          "--auth-root-authentication-method=normal", "--skip-test-db",
          "--skip-name-resolve", "--innodb-log-file-size=8M",
          "--extra-file=" + rootAnywhere), 120);
      db.launch();
      return db;
    } catch (IOException | SQLException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  private Path dataDir() {
    return dir.resolve("data");
  }

  /**
   * Its own temporary directory, not the shared /tmp: a CI run once lost an install's temporary
   * table there ("Could not remove temporary table", then "Unknown table 'mysql.tmp_user_sys'").
   */
  private Path tmpDir() throws IOException {
    return Files.createDirectories(dir.resolve("tmp"));
  }

  private Path errorLog() {
    return dir.resolve("err.log");
  }

  /** Starts mariadbd on this server's port and data directory and waits until it answers. */
  private void launch() throws IOException, SQLException {
    List<String> command = new ArrayList<>(List.of(MARIADBD, "--no-defaults",
        "--datadir=" + dataDir(),
        "--tmpdir=" + tmpDir(),
        "--port=" + port,
        "--bind-address=" + host,
        "--socket=" + dir.resolve("sock"),
        "--pid-file=" + dir.resolve("mariadbd.pid"),
        "--user=" + System.getProperty("user.name"),
        "--skip-name-resolve",
        "--skip-log-bin",
        "--innodb-buffer-pool-size=128M",
        "--innodb-log-file-size=8M",
        "--log-error=" + errorLog()));
    command.addAll(options);
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
    while (true) {
      try (Connection c = connect("")) {
        return;
      } catch (SQLException notYet) {
        if (!process.isAlive()) {
          throw new SQLException("mariadbd " + name + " exited with " + process.exitValue()
              + " while starting; " + Processes.tail(errorLog(), 30), notYet);
        }
        if (System.nanoTime() > deadline) {
          killQuietly();
          throw new SQLException("mariadbd " + name + " not ready after " + READY_TIMEOUT_SECONDS
              + " s (" + notYet.getMessage() + "); " + Processes.tail(errorLog(), 30), notYet);
        }
        Processes.sleep(100);
      }
    }
  }

  private Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database) + "?connectTimeout=2000", "root", "");
  }

  public int port() {
    return port;
  }

  /** The address the server is bound to. */
  public String host() {
    return host;
  }

  /** jdbc:mysql://host:port/database, as {@link TestServices#jdbcUrl}; user root, no password. */
  public String jdbcUrl(String database) {
    return "jdbc:mysql://" + host + ":" + port + "/" + database;
  }

  /** SIGKILLs mariadbd, as a crash would, and waits until it is gone. */
  public void kill() {
    if (process != null) {
      Processes.killTree(process);
    }
  }

  /** SIGTERM: a clean shutdown, flushing InnoDB. Waits until mariadbd has exited. */
  public void stop() throws IOException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException("mariadbd " + name + " still running " + READY_TIMEOUT_SECONDS
            + " s after SIGTERM; " + Processes.tail(errorLog(), 30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for mariadbd " + name + " to stop", e);
    }
  }

  /**
   * Starts mariadbd again on the same port and data directory (stopping it first if it runs) and
   * waits until it answers; after {@link #kill()} InnoDB recovers from its redo log first.
   */
  public void restart() throws IOException, SQLException {
    stop();
    launch();
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  private void killQuietly() {
    try {
      kill();
    } catch (RuntimeException e) {
      // Best effort: the caller is already failing or the JVM is exiting.
    }
  }

  private void closeQuietly() {
    killQuietly();
    try {
      Processes.deleteTree(dir);
    } catch (RuntimeException e) {
      // Best effort on the way out.
    }
  }

  /** Kills the server if it runs and deletes its data. */
  @Override
  public void close() {
    Processes.cancel(hook);
    kill();
    Processes.deleteTree(dir);
  }
}
