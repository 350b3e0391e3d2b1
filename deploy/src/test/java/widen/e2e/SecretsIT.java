package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.testing.TestBrokerUser;
import widen.testing.TestServices;
import widen.testing.TestUser;

/**
 * A whole small migration with passwords and a token nobody could mistake, then every word widen
 * said about it: each process's log and output (prepare, coordinator, worker, status, flip, and
 * the refusals of a wrong database and broker password), every HTTP response of the coordinator,
 * and the ledger's text that status shows. None may contain a secret.
 */
class SecretsIT {
  private static final Pattern HTTP_PORT = Pattern.compile("coordinator HTTP on port (\\d+)");
  // Every path the coordinator serves or may serve; an unknown one answers 404, also grepped.
  private static final List<String> PATHS = List.of("/health/live", "/health/ready", "/metrics",
      "/status", "/api/status", "/", "/history/%s", "/history/%s?limit=x", "/no/such/endpoint");

  @TempDir
  Path logs;
  private final String tag = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  private final Map<String, String> secrets = new LinkedHashMap<>();
  private final List<AutoCloseable> cleanUp = new ArrayList<>();
  private Csmh tables;

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("sec", 5_000, true);
  }

  @AfterEach
  void tearDown() throws Exception {
    try (Csmh t = tables) {
      for (AutoCloseable c : cleanUp) {
        c.close();
      }
    }
  }

  @Test
  void noPasswordOrTokenReachesLogsOutputHttpOrTheLedger() throws Exception {
    Map<String, String> config = configWithDistinctSecrets();
    Fleet fleet = new Fleet(WidenConfig.of(config), tables.control, logs);
    cleanUp.add(0, fleet);
    fleet.prepare();
    WidenProcess coordinator = fleet.start("coordinator");
    WidenProcess worker = fleet.start("worker");
    int port = httpPort(coordinator);
    assertEquals(0, fleet.run("status"));
    fleet.awaitPhase("READY_TO_FLIP", coordinator, 300);
    StringBuilder http = new StringBuilder();
    long key = tables.source.queryLong("SELECT MIN(student_module_id) FROM "
        + CsmhFixture.SOURCE_TABLE);
    for (String path : PATHS) {
      http.append(get(port, String.format(path, key)));
    }
    assertTrue(http.toString().contains("\"rows\":[{"), "history read served rows: " + http);
    assertEquals(0, fleet.run("status"));
    fleet.flip(coordinator);
    assertEquals(0, coordinator.waitFor(300), coordinator.tail(40));
    fleet.stopWorkers(List.of(worker));
    assertEquals(tables.sourceSum(), tables.targetSum(), "the migration really ran");
    assertEquals(0, fleet.run("status"));
    refusedWith(config, "target.password", secrets.get("wrong target password"), "coordinator");
    refusedWith(config, "source.password_file", passwordFile("wrong-src",
        secrets.get("wrong source password")), "worker");
    refusedWith(config, "broker.password", secrets.get("wrong broker password"), "coordinator");

    String said = everythingSaid() + http + ledgerText();
    // The corpus is the real thing: it names the users and shows the run and the refusals.
    assertTrue(said.contains("COMPLETE") && said.contains("refused user " + config.get(
        "broker.user")) && said.contains(config.get("target.user")), said);
    for (Map.Entry<String, String> s : secrets.entrySet()) {
      int at = said.indexOf(s.getValue());
      assertEquals(-1, at, s.getKey() + " leaked: ..."
          + said.substring(Math.max(0, at - 200), Math.min(said.length(), at + 100)));
    }
  }

  /** Users of this test's own on both databases and the broker, each with its own secret. */
  private Map<String, String> configWithDistinctSecrets() throws Exception {
    secrets.put("source password", "S3cr3t-Src-" + tag);
    secrets.put("target password", "S3cr3t-Dst-" + tag);
    secrets.put("broker password", "S3cr3t-Mq-" + tag);
    secrets.put("http token", "T0k3n-Http-" + tag);
    secrets.put("wrong target password", "Wr0ng-Db-Pw-" + tag);
    secrets.put("wrong broker password", "Wr0ng-Mq-Pw-" + tag);
    secrets.put("wrong source password", "Wr0ng-Src-Pw-" + tag);
    TestUser source = user("secsrc", secrets.get("source password"),
        "SELECT ON `" + tables.source.name() + "`.*", "PROCESS ON *.*");
    TestUser target = user("secdst", secrets.get("target password"),
        "SELECT, INSERT, UPDATE, ALTER ON `" + tables.target.name() + "`.*",
        "CREATE, SELECT, INSERT, UPDATE ON `" + tables.control.name() + "`.*");
    TestBrokerUser broker = TestBrokerUser.create("sec", secrets.get("broker password"));
    cleanUp.add(broker);
    Map<String, String> config = new LinkedHashMap<>(TestServices.config(
        "sec-" + tables.control.name(), tables.source, CsmhFixture.SOURCE_TABLE, tables.target,
        CsmhFixture.TARGET_TABLE, tables.control));
    config.put("plan.range_rows", "1000");
    config.put("source.user", source.name());
    config.remove("source.password");
    config.put("source.password_file", passwordFile("src", source.password()));
    config.put("target.user", target.name());
    config.put("target.password", target.password());
    config.put("broker.user", broker.name());
    config.put("broker.password", broker.password());
    config.put("http.token", secrets.get("http token"));
    return config;
  }

  private TestUser user(String purpose, String password, String... grants) throws Exception {
    TestUser u = TestUser.create(purpose, password, grants);
    cleanUp.add(u);
    return u;
  }

  private String passwordFile(String name, String password) throws Exception {
    Path file = logs.resolve("secrets").resolve(name + ".pw");
    Files.createDirectories(file.getParent());
    Files.writeString(file, password + "\n");
    return file.toString();
  }

  /** Runs {@code command} with one key changed; it must refuse (exit 2) and leave a log. */
  private void refusedWith(Map<String, String> config, String key, String value, String command)
      throws Exception {
    Map<String, String> bad = new LinkedHashMap<>(config);
    if (key.equals("source.password_file")) {
      bad.remove("source.password");
    }
    bad.put(key, value);
    Path log = logs.resolve("refused-" + key + "-" + command + ".log");
    WidenProcess p = WidenProcess.start("refused", WidenConfig.of(bad).asEnvironment(), log,
        command);
    int code;
    try {
      code = p.waitFor(120);
    } finally {
      p.kill();
    }
    assertEquals(2, code, p.tail(20));
  }

  /** The coordinator's HTTP port, from its log line. */
  private static int httpPort(WidenProcess coordinator) throws Exception {
    for (long deadline = System.nanoTime() + 120_000_000_000L; System.nanoTime() < deadline; ) {
      Matcher m = HTTP_PORT.matcher(coordinator.tail(1000));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!coordinator.alive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no HTTP port logged; " + coordinator.tail(40));
  }

  /** Status line, headers and body of GET {@code path}, as one text. */
  private static String get(int port, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    return "GET " + path + " -> " + r.statusCode() + "\n" + r.headers().map() + "\n" + r.body()
        + "\n";
  }

  /** Every file the processes wrote: their logs with stdout and stderr. */
  private String everythingSaid() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(logs)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).toList()) {
        all.append(Files.readString(f)).append('\n');
      }
    }
    return all.toString();
  }

  /** The ledger's free text, which status and the read API show. */
  private String ledgerText() throws Exception {
    StringBuilder text = new StringBuilder();
    try (Connection c = tables.control.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT owner, advice, report FROM migration"
            + " UNION ALL SELECT worker, last_error, note FROM range_task")) {
      while (rs.next()) {
        for (int i = 1; i <= 3; i++) {
          text.append(rs.getString(i)).append('\n');
        }
      }
    }
    return text.toString();
  }
}
