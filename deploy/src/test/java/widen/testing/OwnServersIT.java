package widen.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Smoke tests of the servers and network a fault test owns: a MariaDB that keeps a committed
 * row through SIGKILL and restart, a RabbitMQ node that keeps a confirmed message in a quorum
 * queue through a stop and through a kill, and a namespace from which a client reaches a server
 * on the host side until the link is cut. Start and restart times are printed.
 */
class OwnServersIT {

  @Test
  void mariaDbKeepsACommittedRowThroughAKill() throws Exception {
    long t0 = System.nanoTime();
    try (OwnMariaDb db = OwnMariaDb.start("smoke", "127.0.0.1")) {
      log("OwnMariaDb start (install + first start)", t0);
      execute(db, "CREATE DATABASE smoke");
      execute(db, "CREATE TABLE smoke.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB");
      execute(db, "INSERT INTO smoke.t VALUES (1, 'kept')");

      db.kill();
      assertFalse(db.alive());
      assertThrows(SQLException.class, () -> DriverManager.getConnection(
          db.jdbcUrl("smoke") + "?connectTimeout=1000", "root", ""));

      t0 = System.nanoTime();
      db.restart();
      log("OwnMariaDb restart after kill -9 (crash recovery)", t0);
      assertTrue(db.alive());
      assertEquals("kept", queryString(db, "SELECT v FROM smoke.t WHERE id = 1"));

      t0 = System.nanoTime();
      db.stop();
      log("OwnMariaDb stop", t0);
      assertFalse(db.alive());
    }
  }

  @Test
  void rabbitMqKeepsAConfirmedMessageThroughAStopAndAKill() throws Exception {
    long t0 = System.nanoTime();
    try (OwnRabbitMq mq = OwnRabbitMq.start("smoke", "127.0.0.1")) {
      log("OwnRabbitMq start", t0);
      publishConfirmed(mq, "before stop");

      t0 = System.nanoTime();
      mq.stop();
      log("OwnRabbitMq stop", t0);
      assertFalse(mq.alive());
      t0 = System.nanoTime();
      mq.start();
      log("OwnRabbitMq start after stop", t0);
      assertEquals("before stop", take(mq));

      publishConfirmed(mq, "before kill");
      mq.kill();
      assertFalse(mq.alive());
      t0 = System.nanoTime();
      mq.start();
      log("OwnRabbitMq start after kill -9", t0);
      assertEquals("before kill", take(mq));
    }
  }

  @Test
  void aClientInANamespaceReachesTheHostSideUntilTheLinkIsCut() throws Exception {
    try (NetNamespace ns = NetNamespace.create("widen-smoke", "10.231.0.1", "10.231.0.2");
        OwnMariaDb db = OwnMariaDb.start("netns", ns.hostAddress())) {
      long t0 = System.nanoTime();
      // The server sees the namespace's own address.
      assertEquals("root@" + ns.nsAddress(), clientQuery(ns, db, "SELECT USER()", 5));
      log("mariadb client round trip from the namespace", t0);

      ns.cut();
      assertThrows(IOException.class, () -> clientQuery(ns, db, "SELECT 1", 2));
      ns.restore();
      assertEquals("1", clientQuery(ns, db, "SELECT 1", 5));

      if (ns.netemAvailable()) {
        ns.impair("delay 50ms");
        String qdiscs = ns.qdiscs();
        assertTrue(qdiscs.contains("netem"), qdiscs);
        t0 = System.nanoTime();
        assertEquals("1", clientQuery(ns, db, "SELECT 1", 5));
        log("mariadb client round trip with netem delay 50ms on both ends", t0);
        ns.clearImpairment();
        assertFalse(ns.qdiscs().contains("netem"));
      } else {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
            () -> ns.impair("delay 50ms"));
        System.out.println("netem not available: " + e.getMessage());
      }
    }
  }

  private static void log(String what, long startNanos) {
    System.out.printf("%s: %d ms%n", what, (System.nanoTime() - startNanos) / 1_000_000);
  }

  private static void execute(OwnMariaDb db, String sql) throws SQLException {
    try (var c = DriverManager.getConnection(db.jdbcUrl(""), "root", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String queryString(OwnMariaDb db, String sql) throws SQLException {
    try (var c = DriverManager.getConnection(db.jdbcUrl(""), "root", "");
        Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  /** Runs the mariadb command-line client inside the namespace; its single value. */
  private static String clientQuery(NetNamespace ns, OwnMariaDb db, String sql,
      int connectTimeoutSeconds) throws IOException {
    return Processes.run(ns.command(List.of("mariadb", "--no-defaults", "-h", db.host(), "-P",
        Integer.toString(db.port()), "-uroot", "--connect-timeout=" + connectTimeoutSeconds,
        "-N", "-B", "-e", sql)), 30).trim();
  }

  private static Connection connect(OwnRabbitMq mq) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost(mq.host());
    f.setPort(mq.port());
    return f.newConnection("own-servers-it");
  }

  private static void publishConfirmed(OwnRabbitMq mq, String body) throws Exception {
    try (Connection c = connect(mq); Channel ch = c.createChannel()) {
      ch.queueDeclare("smoke", true, false, false, Map.of("x-queue-type", "quorum"));
      ch.confirmSelect();
      ch.basicPublish("", "smoke", MessageProperties.PERSISTENT_TEXT_PLAIN,
          body.getBytes(StandardCharsets.UTF_8));
      ch.waitForConfirmsOrDie(10_000);
    }
  }

  /** Takes the next message; right after a start the quorum queue may still elect its leader. */
  private static String take(OwnRabbitMq mq) throws Exception {
    try (Connection c = connect(mq)) {
      for (int attempt = 0; ; attempt++) {
        try (Channel ch = c.createChannel()) {
          GetResponse r = ch.basicGet("smoke", true);
          assertNotNull(r, "a message in the queue");
          return new String(r.getBody(), StandardCharsets.UTF_8);
        } catch (IOException notYet) {
          if (attempt >= 50) {
            throw notYet;
          }
          Thread.sleep(200);
        }
      }
    }
  }
}
