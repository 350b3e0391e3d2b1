package widen.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static widen.deploy.DeployFiles.composeEnvironment;
import static widen.deploy.DeployFiles.composeMountSource;
import static widen.deploy.DeployFiles.composeServices;
import static widen.deploy.DeployFiles.list;
import static widen.deploy.DeployFiles.map;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.DbEndpoint;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;
import widen.demo.WidenProcess;
import widen.testing.OwnMariaDb;
import widen.testing.OwnRabbitMq;

/**
 * The compose stack (deploy/docker) without Docker, which does not run here: its databases are
 * MariaDB servers of the test's own, set up as the mariadb image's entrypoint does
 * (MARIADB_DATABASE, and MARIADB_USER with all privileges on it) and then by the stack's init
 * files; its broker is a RabbitMQ node of the test's own. The coordinator and a worker run with
 * the compose services' commands, config file and environment, only the hosts (the services'
 * names) and the broker's user replaced, and the migration of the stack's table must reach
 * COMPLETE with both tables equal.
 */
class ComposeStackIT {
  private static final String INIT_DIR = "/docker-entrypoint-initdb.d/";
  private static final int DEADLINE_SECONDS = 240;

  @TempDir
  Path logs;

  @Test
  void theStackMigratesItsOwnTable() throws Exception {
    Map<String, Object> services = composeServices();
    try (OwnMariaDb source = OwnMariaDb.start("compose-source", "127.0.0.1");
        OwnMariaDb target = OwnMariaDb.start("compose-target", "127.0.0.1");
        OwnRabbitMq broker = OwnRabbitMq.start("compose", "127.0.0.1")) {
      initialise(source, map(services, "source-db"));
      initialise(target, map(services, "target-db"));

      Map<String, String> hosts = Map.of(
          "//source-db:3306/", "//" + source.host() + ":" + source.port() + "/",
          "//target-db:3306/", "//" + target.host() + ":" + target.port() + "/",
          "//rabbitmq:5672/", "//" + broker.host() + ":" + broker.port() + "/");
      WidenConfig coordinatorConfig = serviceConfig(map(services, "coordinator"), hosts);
      WidenConfig workerConfig = serviceConfig(map(services, "worker"), hosts);

      WidenProcess coordinator = start("coordinator", coordinatorConfig,
          command(map(services, "coordinator")));
      // The worker checks the target table at start; the coordinator creates it (compose's
      // restart: on-failure covers a worker that starts first).
      awaitPhase(coordinator, coordinatorConfig, "BACKFILLING", "CATCHING_UP", "VERIFYING",
          "READY_TO_FLIP");
      WidenProcess worker = start("worker", workerConfig, command(map(services, "worker")));
      awaitPhase(coordinator, coordinatorConfig, "READY_TO_FLIP");
      WidenProcess flip = start("flip", coordinatorConfig, List.of("flip", "--confirm"));
      assertEquals(0, flip.waitFor(60), flip.tail(20));
      assertEquals(0, coordinator.waitFor(DEADLINE_SECONDS), "the coordinator exits 0 at"
          + " COMPLETE; " + coordinator.tail(40));
      worker.terminate();
      assertEquals(0, worker.waitFor(120), worker.tail(30));

      assertEquals("COMPLETE", phase(coordinatorConfig));
      // The stack's source grants give PROCESS: without it sweeps cannot wait for open
      // transactions, and the coordinator only warns.
      String coordinatorLog = Files.readString(logs.resolve("coordinator.log"));
      assertFalse(coordinatorLog.contains("(grant PROCESS)"), coordinator.tail(40));
      long sourceRows = count(coordinatorConfig.source());
      assertTrue(sourceRows > 0, "the stack's source table has rows");
      assertEquals(sourceRows, count(coordinatorConfig.target()), "every row was copied");
      WidenProcess status = start("status", coordinatorConfig, List.of("status"));
      assertEquals(0, status.waitFor(60), status.tail(20));
      String report = Files.readString(logs.resolve("status.log"));
      assertTrue(report.contains("equal to the old: true"), report);
    }
  }

  /** What the mariadb image does on first start with this service's environment and volumes. */
  private static void initialise(OwnMariaDb db, Map<String, Object> service) throws Exception {
    Map<String, String> env = composeEnvironment(service);
    String database = env.get("MARIADB_DATABASE");
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE `" + database + "`");
      s.execute("CREATE USER '" + env.get("MARIADB_USER") + "'@'%' IDENTIFIED BY '"
          + env.get("MARIADB_PASSWORD") + "'");
      s.execute("GRANT ALL ON `" + database + "`.* TO '" + env.get("MARIADB_USER") + "'@'%'");
    }
    int files = 0;
    for (Object v : list(service, "volumes")) {
      String containerPath = String.valueOf(v).split(":")[1];
      if (containerPath.startsWith(INIT_DIR)) {
        String sql = Files.readString(composeMountSource(service, containerPath));
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(database)
            + "?allowMultiQueries=true", "root", ""); Statement s = c.createStatement()) {
          s.execute(sql);
        }
        files++;
      }
    }
    assertTrue(files > 0, "the service has an init file");
  }

  /**
   * The config a compose service's container reads, from the host file mounted at $WIDEN_CONFIG
   * and the service's environment, with the stack's host names replaced by the test's servers
   * and the broker user by the test node's guest.
   */
  private static WidenConfig serviceConfig(Map<String, Object> service, Map<String, String> hosts) {
    Map<String, String> env = new LinkedHashMap<>(composeEnvironment(service));
    Path file = composeMountSource(service, env.get("WIDEN_CONFIG"));
    WidenConfig asComposed = WidenConfig.load(file, env);
    Map<String, String> changes = new LinkedHashMap<>();
    for (Setting url : List.of(Setting.SOURCE_URL, Setting.TARGET_URL, Setting.BROKER_URL)) {
      String value = asComposed.get(url);
      String replaced = value;
      for (Map.Entry<String, String> h : hosts.entrySet()) {
        replaced = replaced.replace(h.getKey(), h.getValue());
      }
      assertFalse(replaced.equals(value), url.key() + " names a service of the stack: " + value);
      changes.put(url.key(), replaced);
    }
    changes.put(Setting.BROKER_USER.key(), "guest");
    changes.put(Setting.BROKER_PASSWORD.key(), "guest");
    // Tests run side by side: any free port, and no minute of quiet before the final sweep.
    changes.put(Setting.HTTP_PORT.key(), "0");
    changes.put(Setting.FLIP_QUIET_SECONDS.key(), "2");
    changes.put(Setting.SWEEP_INTERVAL_SECONDS.key(), "1");
    return asComposed.with(changes);
  }

  private static List<String> command(Map<String, Object> service) {
    return list(service, "command").stream().map(String::valueOf).toList();
  }

  private WidenProcess start(String name, WidenConfig config, List<String> args)
      throws Exception {
    return WidenProcess.start(name, config.asEnvironment(), logs.resolve(name + ".log"),
        args.toArray(String[]::new));
  }

  /** Waits until the ledger shows one of {@code phases}; fails if the coordinator dies first. */
  private static void awaitPhase(WidenProcess coordinator, WidenConfig config, String... phases)
      throws Exception {
    long deadline = System.nanoTime() + DEADLINE_SECONDS * 1_000_000_000L;
    List<String> wanted = List.of(phases);
    String now = phase(config);
    while (!wanted.contains(now)) {
      if (!coordinator.alive() || System.nanoTime() > deadline) {
        throw new AssertionError("phase " + wanted + " not reached (now " + now + "); "
            + coordinator.tail(20));
      }
      Thread.sleep(200);
      now = phase(config);
    }
  }

  /** The migration's phase in the ledger; empty before the coordinator has recorded it. */
  private static String phase(WidenConfig config) throws SQLException {
    try (Connection c = Databases.connect(config.target());
        PreparedStatement ps = c.prepareStatement("SELECT phase FROM `"
            + config.get(Setting.CONTROL_SCHEMA) + "`.migration WHERE id = ?")) {
      ps.setString(1, config.migrationId());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "";
      }
    } catch (SQLException e) {
      if (e.getErrorCode() == 1146) { // the ledger's table does not exist yet
        return "";
      }
      throw e;
    }
  }

  private static long count(DbEndpoint db) throws SQLException {
    try (Connection c = Databases.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + db.database() + "`.`"
            + db.table() + "`")) {
      assertTrue(rs.next());
      assertNotNull(rs.getObject(1));
      return rs.getLong(1);
    }
  }
}
