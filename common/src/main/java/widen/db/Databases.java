package widen.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import widen.NetworkFaults;
import widen.WidenException;
import widen.config.DbEndpoint;

/**
 * Opens connections with the session settings every widen connection must have, and turns a
 * failure to connect into a one-line message that names the config key to fix.
 */
public final class Databases {
  /**
   * Fixed on every connection so values land unchanged whatever the server's defaults:
   * <ul>
   *   <li>time_zone +00:00: TIMESTAMP values are read and written without a zone shift;
   *   <li>STRICT_ALL_TABLES: a value the target cannot hold is an error, never silently cut;
   *   <li>NO_AUTO_VALUE_ON_ZERO: a row with id 0 keeps id 0 instead of taking a new id;
   *   <li>no NO_ZERO_DATE / NO_ZERO_IN_DATE: a zero date in the source is copied as it is.
   * </ul>
   */
  static final String SESSION_VARIABLES = "time_zone='+00:00',"
      + "sql_mode='STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,"
      + "ERROR_FOR_DIVISION_BY_ZERO'";

  /** How long a connect may take at most. */
  static final long CONNECT_TIMEOUT_MS = 10_000;

  /** A path no host has: see {@link #driverProperties}. */
  static final String NO_LOCAL_FILES = "/nonexistent/widen-sends-no-files";

  private Databases() {}

  /**
   * Driver properties; characterEncoding UTF-8 makes the session utf8mb4 (4-byte characters).
   *
   * <p>Connector/J lets these override the URL's own options, so nothing about TLS is set here:
   * sslMode, trustCertificateKeyStoreUrl and the like must come from the operator's URL alone.
   */
  static Properties driverProperties(DbEndpoint db) {
    Properties p = new Properties();
    p.setProperty("user", db.user());
    p.setProperty("password", db.password().reveal());
    p.setProperty("sessionVariables", SESSION_VARIABLES);
    p.setProperty("characterEncoding", "UTF-8");
    p.setProperty("connectionCollation", "utf8mb4_bin");
    p.setProperty("connectionTimeZone", "+00:00");
    p.setProperty("forceConnectionTimeZoneToSession", "false");
    // Multi-row INSERTs from JDBC batches: one round trip per batch instead of one per row.
    p.setProperty("rewriteBatchedStatements", "true");
    p.setProperty("cachePrepStmts", "true");
    p.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT_MS));
    p.setProperty("tcpKeepAlive", "true");
    // LOAD DATA LOCAL INFILE from a worker's own stream (RangeCopier): the driver offers the
    // server the capability only when local files are allowed or a local path is configured.
    // With the path, and allowLoadLocalInfile off, it serves a request only with a file inside
    // that path; this one never exists, so no file of the host can be sent whatever a server
    // asks. RangeCopier turns allowLoadLocalInfile on around its own LOAD DATA alone.
    p.setProperty("allowLoadLocalInfileInPath", NO_LOCAL_FILES);
    return p;
  }

  /** One connection, opened now; connect errors become a {@link WidenException}. */
  public static Connection connect(DbEndpoint db) {
    return connect(db, 0, false);
  }

  /**
   * As {@link #connect(DbEndpoint)}, for a connection that lives long: its statements fail when
   * the server says nothing for {@code readTimeoutSeconds} (0: never; see {@link #pool(DbEndpoint,
   * int, String, int)} for why). With {@code endIdle} the server also ends the session after as
   * long idle, for a session that holds a lock and is used often enough never to idle that long.
   */
  public static Connection connect(DbEndpoint db, int readTimeoutSeconds, boolean endIdle) {
    try {
      return DriverManager.getConnection(db.url(), timed(db, readTimeoutSeconds, endIdle));
    } catch (SQLException e) {
      throw connectFailure(db, e);
    }
  }

  /** The driver properties with a read timeout and, if {@code endIdle}, as short an idle life. */
  private static Properties timed(DbEndpoint db, int readTimeoutSeconds, boolean endIdle) {
    Properties p = driverProperties(db);
    if (readTimeoutSeconds > 0) {
      p.setProperty("socketTimeout", Long.toString(readTimeoutSeconds * 1000L));
      // Nor does a connect wait longer than a read may (a throttle probe's few seconds).
      p.setProperty("connectTimeout", Long.toString(Math.min(CONNECT_TIMEOUT_MS,
          readTimeoutSeconds * 1000L)));
      p.setProperty("sessionVariables", SESSION_VARIABLES + ","
          + lockWaitWithin(readTimeoutSeconds)
          + (endIdle ? ",wait_timeout=" + readTimeoutSeconds : ""));
    }
    return p;
  }

  /**
   * The session's row-lock wait, cut to end a second before the client would give up the
   * statement (at the same moment for a read timeout of 1 s), and never raised. The client's
   * read timeout only closes its socket: the server does not notice a hang-up while a statement
   * waits for a row lock, so a copy left waiting would go on until {@code
   * innodb_lock_wait_timeout} (which some servers set to hours), holding the locks it took while
   * the range is retried elsewhere. Ended by the server, the wait is
   * error 1205 instead, on a session still usable, which the worker retries in place as any
   * lock wait timeout.
   */
  static String lockWaitWithin(int readTimeoutSeconds) {
    return "innodb_lock_wait_timeout=LEAST(@@global.innodb_lock_wait_timeout,"
        + Math.max(1, readTimeoutSeconds - 1) + ")";
  }

  /**
   * A pool of {@code size} connections. One connection is opened first, with the pool's own
   * properties, so a wrong host or password fails with a one-line message before the pool starts.
   */
  public static HikariDataSource pool(DbEndpoint db, int size, String name) {
    return pool(db, size, name, 0);
  }

  /**
   * A pool of {@code size} connections whose statements fail when the server says nothing for
   * {@code readTimeoutSeconds} (0: never), for work whose every statement is bounded (a worker's
   * ranges). Without it a connection left half-open by the network (a failover, a NAT or
   * firewall that forgot it, a partition: no reset ever arrives) blocks its thread until the
   * kernel's keepalive gives up, two hours by default, and the range in hand with it.
   *
   * <p>The server side is cut as short: such sessions end after as long idle ({@code
   * wait_timeout}), so the transaction of one whose client vanished rolls back and frees its
   * rows and its pushdown turn for the retry, instead of holding them for the server's default
   * eight hours. Idle pooled connections are pinged at half that (HikariCP's keepalive, when it
   * is at least its 30 s minimum) so the server never ends one that is merely waiting for work.
   */
  public static HikariDataSource pool(DbEndpoint db, int size, String name,
      int readTimeoutSeconds) {
    Properties p = timed(db, readTimeoutSeconds, true);
    try (Connection probe = DriverManager.getConnection(db.url(), p)) {
      probe.isValid(5);
    } catch (SQLException e) {
      throw connectFailure(db, e);
    }
    HikariConfig hc = new HikariConfig();
    hc.setPoolName(name);
    hc.setJdbcUrl(db.url());
    hc.setDataSourceProperties(p);
    hc.setMaximumPoolSize(size);
    hc.setMinimumIdle(1);
    long keepalive = readTimeoutSeconds * 500L;
    if (keepalive >= 30_000 && keepalive < hc.getMaxLifetime()) {
      hc.setKeepaliveTime(keepalive);
    }
    return new HikariDataSource(hc);
  }

  static WidenException connectFailure(DbEndpoint db, SQLException e) {
    String role = db.role();
    int code = e.getErrorCode();
    if (code == MysqlErrors.ACCESS_DENIED) {
      return new WidenException(role + " database at " + db.address() + " refused user " + db.user()
          + " (access denied): check " + role + ".user and " + role + ".password", e);
    }
    if (code == MysqlErrors.UNKNOWN_DATABASE) {
      return new WidenException(role + " database " + db.database() + " does not exist on "
          + db.address() + ": check " + role + ".url", e);
    }
    if (code == MysqlErrors.DB_ACCESS_DENIED) {
      return new WidenException("user " + db.user() + " may not use " + role + " database "
          + db.database() + ": grant it access or check " + role + ".user", e);
    }
    String tls = tlsProblem(e, role);
    if (tls != null) {
      return new WidenException(role + " database at " + db.address() + " " + tls, e);
    }
    if (NetworkFaults.droppedAfterReaching(e)) {
      return new WidenException(role + " database at " + db.address() + " dropped the connection"
          + " while connecting (" + oneLine(NetworkFaults.innermostMessage(e))
          + "): check the network to it", e);
    }
    if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
      return new WidenException("cannot reach " + role + " database at " + db.address()
          + ": check " + role + ".url and that the server is running", e);
    }
    return new WidenException("cannot connect to " + role + " database at " + db.address() + ": "
        + oneLine(e.getMessage()) + " (check " + role + ".url)", e);
  }

  /**
   * What went wrong with TLS, and the fix, or null if the failure was not about TLS. Connector/J
   * reports these as connection failures (SQLState 08), which would otherwise read "cannot reach".
   * Specific causes first: a handshake failure can wrap them.
   */
  static String tlsProblem(SQLException e, String role) {
    String url = role + ".url";
    for (Throwable t = e; t != null; t = t.getCause()) {
      String why = oneLine(t.getMessage());
      if (why.contains("SSL Connection required")) {
        return "does not offer TLS, which " + url + " requires (sslMode): enable TLS on the"
            + " server, or change sslMode in " + url;
      }
      // Connector/J's SSLParamsException: the trust store could not be opened or is empty.
      if (t.getClass().getSimpleName().equals("SSLParamsException")) {
        return "cannot be verified: the TLS trust store in " + url + " is unusable (" + why
            + "): make trustCertificateKeyStoreUrl a file: URL of a JKS trust store holding the"
            + " server's CA certificate";
      }
      if (t instanceof java.security.cert.CertificateException
          && why.contains("identity verification failed")) {
        return "has a TLS certificate for another host name (" + why + "): put in " + url
            + " the host name its certificate names, or use sslMode=VERIFY_CA";
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException
          || t instanceof java.security.cert.CertificateException) {
        return "failed the TLS handshake (" + oneLine(t.getMessage()) + "): make the trust store"
            + " (trustCertificateKeyStoreUrl in " + url + ", else the JVM's default) hold the"
            + " CA certificate that signed the server's";
      }
    }
    return null;
  }

  /** A driver message on one line (some span several). */
  public static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s+", " ").strip();
  }
}
