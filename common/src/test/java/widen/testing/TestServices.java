package widen.testing;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.mariadb.MariaDBContainer;

/**
 * The MariaDB server and RabbitMQ broker the tests run against: containers started by
 * Testcontainers when a Docker engine is present, otherwise the local services on 127.0.0.1
 * (MariaDB on 3306 as root with no password, RabbitMQ on 5672 as guest), as the README's set-up
 * leaves them. Each test then works in databases and queues of its own.
 *
 * <p>{@code -Dwiden.test.services=local} skips the Docker probe.
 */
public final class TestServices {
  private static String host = "127.0.0.1";
  private static int dbPort = 3306;
  private static String dbUser = "root";
  private static String dbPassword = "";
  private static int amqpPort = 5672;
  private static RabbitMQContainer broker;
  private static boolean started;

  private TestServices() {}

  private static synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    if ("local".equals(System.getProperty("widen.test.services")) || !dockerAvailable()) {
      return;
    }
    MariaDBContainer db = new MariaDBContainer("mariadb:10.11").withUsername("root")
        .withPassword("widen").withDatabaseName("test");
    RabbitMQContainer mq = new RabbitMQContainer("rabbitmq:3.13");
    db.start();
    mq.start();
    host = db.getHost();
    dbPort = db.getMappedPort(3306);
    dbPassword = "widen";
    amqpPort = mq.getAmqpPort();
    broker = mq;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** jdbc:mysql://host:port/database */
  public static String jdbcUrl(String database) {
    start();
    return "jdbc:mysql://" + host + ":" + dbPort + "/" + database;
  }

  public static String dbUser() {
    start();
    return dbUser;
  }

  public static String dbPassword() {
    start();
    return dbPassword;
  }

  public static String amqpUrl() {
    start();
    return "amqp://" + host + ":" + amqpPort + "/";
  }

  /** Where the test's MariaDB listens, for a proxy to forward to. */
  public static InetSocketAddress dbAddress() {
    start();
    return new InetSocketAddress(host, dbPort);
  }

  /** Where the test's RabbitMQ listens, for a proxy to forward to. */
  public static InetSocketAddress amqpAddress() {
    start();
    return new InetSocketAddress(host, amqpPort);
  }

  /** Runs rabbitmqctl with {@code args} on the test broker (in its container, if it has one). */
  public static void rabbitmqctl(String... args) throws Exception {
    start();
    List<String> cmd = new ArrayList<>(List.of("rabbitmqctl"));
    cmd.addAll(List.of(args));
    if (broker != null) {
      var r = broker.execInContainer(cmd.toArray(String[]::new));
      if (r.getExitCode() != 0) {
        throw new IllegalStateException("rabbitmqctl " + args[0] + ": " + r.getStderr());
      }
      return;
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("rabbitmqctl " + args[0] + ": " + out);
    }
  }

  /**
   * A complete widen config (flat keys) for copying {@code sourceDb}.{@code sourceTable} into
   * {@code targetDb}.{@code targetTable} under {@code migrationId}, with the ledger in
   * {@code controlDb}.
   */
  public static Map<String, String> config(String migrationId, TestDatabase source,
      String sourceTable, TestDatabase target, String targetTable, TestDatabase control) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("migration.id", migrationId);
    c.put("source.url", source.url());
    c.put("source.user", dbUser());
    c.put("source.password", dbPassword());
    c.put("source.table", sourceTable);
    c.put("target.url", target.url());
    c.put("target.user", dbUser());
    c.put("target.password", dbPassword());
    c.put("target.table", targetTable);
    c.put("control.schema", control.name());
    c.put("http.port", "0");
    c.put("worker.http_port", "0"); // several workers share this host
    c.put("headroom.sample_seconds", "1");
    c.put("flip.quiet_seconds", "1");
    c.put("sweep.interval_seconds", "1");
    c.put("broker.url", amqpUrl());
    return c;
  }
}
