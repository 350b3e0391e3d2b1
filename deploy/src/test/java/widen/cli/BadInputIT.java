package widen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.e2e.Csmh;
import widen.testing.Queues;
import widen.testing.TestDatabase;
import widen.testing.TestServices;
import widen.testing.TestUser;

/**
 * Every wrong input an operator can give to the coordinator ends with one line naming the problem
 * and the fix, exit code 2, and nothing written: no ledger tables, no queues, no target rows.
 */
class BadInputIT {
  @TempDir
  Path dir;
  private Csmh tables;
  private Map<String, String> config;
  private final List<AutoCloseable> cleanUp = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    tables = Csmh.create("bad", 100, true);
    config = new LinkedHashMap<>(TestServices.config("bad-" + tables.control.name(), tables.source,
        CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE, tables.control));
  }

  @AfterEach
  void tearDown() throws Exception {
    // Users and tables go even if the broker is unreachable, so no test leaves them behind.
    try (Csmh t = tables) {
      for (AutoCloseable c : cleanUp) {
        c.close();
      }
      Queues.delete(WidenConfig.of(withValidKeysOnly()));
    }
  }

  @Test
  void anUnreachableDatabaseIsNamed() throws Exception {
    config.put("source.url", "jdbc:mysql://127.0.0.1:1/" + tables.source.name());
    refused("cannot reach source database at 127.0.0.1:1: check source.url");
  }

  @Test
  void aWrongPasswordIsNamedAndNotShown() throws Exception {
    config.put("target.user", "widen_nobody");
    config.put("target.password", "s3cret-Passw0rd");
    String line = refused("target database at");
    assertTrue(line.contains("check target.user and target.password"), line);
    assertFalse(line.contains("s3cret-Passw0rd"), "the password never appears: " + line);
  }

  @Test
  void aMissingTableIsNamed() throws Exception {
    config.put("source.table", "no_such_table");
    refused("source table " + tables.source.name() + ".no_such_table not found: check source.table");
  }

  @Test
  void aMissingDatabaseIsNamed() throws Exception {
    config.put("target.url", TestServices.jdbcUrl("widen_t_no_such_db"));
    refused("target database widen_t_no_such_db does not exist");
  }

  @Test
  void anIncompatibleTargetIsRefused() throws Exception {
    tables.target.execute("ALTER TABLE " + CsmhFixture.TARGET_TABLE
        + " MODIFY version varchar(10) DEFAULT NULL");
    refused("column version");
  }

  @Test
  void aTargetWithAnotherUniqueKeyIsRefused() throws Exception {
    tables.target.execute("ALTER TABLE " + CsmhFixture.TARGET_TABLE
        + " ADD UNIQUE KEY one_per_module (student_module_id, created)");
    refused("has unique key one_per_module besides the primary key");
  }

  @Test
  void negativeIdsIntoAnUnsignedTargetAreRefused() throws Exception {
    tables.source.execute("INSERT INTO " + CsmhFixture.SOURCE_TABLE
        + " (id, created, student_module_id) VALUES (-5, NOW(), 1)");
    refused("source column id holds negative values (min -5)");
  }

  @Test
  void anUnreachableBrokerIsNamed() throws Exception {
    config.put("broker.url", "amqp://127.0.0.1:1/");
    refused("cannot reach broker at 127.0.0.1:1");
  }

  @Test
  void anUnknownConfigKeyIsNamed() throws Exception {
    config.put("copy.bach_rows", "10");
    refused("unknown config key copy.bach_rows");
  }

  @Test
  void anUnknownLogFormatIsNamed() throws Exception {
    config.put("log.format", "xml");
    refused("config key log.format is 'xml': use one of text, json");
  }

  /** Unlike a connection dropped while starting, which a worker tries again (WorkerStartIT). */
  @Test
  void aWorkerWithAnUnreachableDatabaseExitsAtOnce() throws Exception {
    config.put("source.url", "jdbc:mysql://127.0.0.1:1/" + tables.source.name());
    String line = run("worker");
    assertTrue(line.contains("cannot reach source database at 127.0.0.1:1: check source.url"),
        line);
    assertFalse(Queues.exist(WidenConfig.of(withValidKeysOnly())), "no queue declared");
  }

  @Test
  void aWorkerPortInUseIsNamed() throws Exception {
    assertEquals(0, CliRun.run(config, dir, "prepare").code());
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      config.put("worker.http_port", Integer.toString(taken.getLocalPort()));
      String line = run("worker");
      assertTrue(line.contains("cannot listen on worker.http_port " + taken.getLocalPort()),
          line);
      assertTrue(line.contains("choose another port (0 picks a free one)"), line);
    }
    assertFalse(Queues.exist(WidenConfig.of(withValidKeysOnly())), "no queue declared");
  }

  @Test
  void aTargetCounterTooLowForTheNewRowsIsRefused() throws Exception {
    refused("target AUTO_INCREMENT is 1, not above the source's max id 2147483647");
  }

  @Test
  void prepareRaisesTheCounterAboveTheSourceAndTheGuardThenPasses() throws Exception {
    CliRun prepared = CliRun.run(config, dir, "prepare");
    assertEquals(0, prepared.code(), prepared.err());
    assertTrue(prepared.out().contains("raised from 1 to 2,147,493,648"), prepared.out());
    assertEquals(2147483647L + 10_000 + 1, tables.target.queryLong("SELECT AUTO_INCREMENT FROM"
        + " information_schema.TABLES WHERE TABLE_SCHEMA = '" + tables.target.name()
        + "' AND TABLE_NAME = '" + CsmhFixture.TARGET_TABLE + "'"));
    CliRun again = CliRun.run(config, dir, "prepare");
    assertTrue(again.out().contains("unchanged"), "never lowered or raised twice: " + again.out());
  }

  @Test
  void aTargetRowInsideTheSourceIdsIsRefused() throws Exception {
    assertEquals(0, CliRun.run(config, dir, "prepare").code());
    tables.target.execute("INSERT INTO " + CsmhFixture.TARGET_TABLE + " (id, created,"
        + " student_module_id) VALUES (50, NOW(), 1)");
    refused("target holds 1 rows widen did not copy with ids inside the source's range"
        + " (first id 50");
  }

  @Test
  void aSecondCoordinatorIsRefusedWithTheHolder() throws Exception {
    assertEquals(0, CliRun.run(config, dir, "prepare").code());
    try (Connection holder = tables.target.connect();
        PreparedStatement lock = holder.prepareStatement("SELECT GET_LOCK(?, 0)")) {
      lock.setString(1, "widen:" + tables.control.name() + ":" + config.get("migration.id"));
      lock.executeQuery().close();
      String line = run("coordinator");
      assertTrue(line.contains("is already run by coordinator"), line);
    }
  }

  @Test
  void aTargetUserThatCanOnlyReadIsRefusedBeforeAnythingIsWritten() throws Exception {
    TestUser reader = user("ro", "SELECT ON `" + tables.target.name() + "`.*",
        "ALL ON `" + tables.control.name() + "`.*");
    refused("target user " + reader.account() + " lacks INSERT, UPDATE on " + tables.target.name()
        + "." + CsmhFixture.TARGET_TABLE + ": run GRANT SELECT, INSERT, UPDATE ON `"
        + tables.target.name() + "`.`" + CsmhFixture.TARGET_TABLE + "` TO " + reader.account()
        + " (or check target.user)");
  }

  @Test
  void aTargetUserThatMayNotCreateTheLedgerIsRefused() throws Exception {
    TestUser writer = user("noddl", "SELECT, INSERT, UPDATE ON `" + tables.target.name() + "`.*",
        "SELECT, INSERT, UPDATE ON `" + tables.control.name() + "`.*");
    refused("target user " + writer.account() + " lacks CREATE on control schema "
        + tables.control.name() + ": run GRANT CREATE, SELECT, INSERT, UPDATE ON `"
        + tables.control.name() + "`.* TO " + writer.account() + " (or check target.user)");
  }

  @Test
  void aMissingLedgerSchemaTheUserMayNotCreateIsRefusedAndNotCreated() throws Exception {
    TestDatabase absent = TestDatabase.missing("bad_noctl");
    cleanUp.add(absent);
    config.put("control.schema", absent.name());
    TestUser writer = user("noctl", "SELECT, INSERT, UPDATE ON `" + tables.target.name() + "`.*");
    refused("target user " + writer.account() + " lacks CREATE on control schema "
        + absent.name() + ": run GRANT CREATE, SELECT, INSERT, UPDATE ON `" + absent.name()
        + "`.* TO " + writer.account());
    assertEquals(0, tables.target.queryLong("SELECT COUNT(*) FROM information_schema.SCHEMATA"
        + " WHERE SCHEMA_NAME = '" + absent.name() + "'"), "control schema not created");
  }

  @Test
  void aSourceUserWithoutSelectOnTheTableIsToldTheGrant() throws Exception {
    // A privilege on another table lets the user connect to the database, but information_schema
    // then hides the source table: without the check this read "table not found".
    tables.source.execute("CREATE TABLE other (id INT PRIMARY KEY)");
    TestUser blind = TestUser.create("nosel", "pw-nosel",
        "SELECT ON `" + tables.source.name() + "`.`other`");
    cleanUp.add(blind);
    config.put("source.user", blind.name());
    config.put("source.password", blind.password());
    refused("source user " + blind.account() + " lacks SELECT on " + tables.source.name() + "."
        + CsmhFixture.SOURCE_TABLE + ": run GRANT SELECT ON `" + tables.source.name() + "`.`"
        + CsmhFixture.SOURCE_TABLE + "` TO " + blind.account() + " (or check source.user)");
  }

  /**
   * Without PROCESS the sweeps cannot see the source's open transactions, and the final sweep
   * could miss a row committed late below its mark: refused at start, naming the GRANT.
   */
  @Test
  void aSourceUserWithoutProcessIsToldTheGrant() throws Exception {
    TestUser reader = TestUser.create("noproc", "pw-noproc", "SELECT ON `"
        + tables.source.name() + "`.*");
    cleanUp.add(reader);
    config.put("source.user", reader.name());
    config.put("source.password", reader.password());
    refused("source user " + reader.account() + " lacks PROCESS, without which sweeps cannot wait"
        + " for open transactions and could miss a row committed late: run GRANT PROCESS ON *.*"
        + " TO " + reader.account() + " (or check source.user)");
  }

  @Test
  void aWorkerWithAReadOnlyTargetUserFailsAtStartInOneLine() throws Exception {
    TestUser reader = user("wro", "SELECT ON `" + tables.target.name() + "`.*");
    Path log = dir.resolve("worker.log");
    WidenProcess worker = WidenProcess.start("worker", WidenConfig.of(config).asEnvironment(), log,
        "worker");
    int code;
    try {
      code = worker.waitFor(120);
    } finally {
      worker.kill();
    }
    String out = java.nio.file.Files.readString(log);
    assertEquals(2, code, "a worker that cannot write exits 2 at start: " + out);
    List<String> lines = out.lines().filter(l -> l.startsWith("widen: ")).toList();
    assertEquals(1, lines.size(), out);
    assertTrue(lines.get(0).contains("target user " + reader.account() + " lacks INSERT, UPDATE on "
        + tables.target.name() + "." + CsmhFixture.TARGET_TABLE + ": run GRANT SELECT, INSERT,"
        + " UPDATE ON"), lines.get(0));
    assertFalse(out.contains("\tat "), "no stack trace: " + out);
    assertFalse(Queues.exist(WidenConfig.of(withValidKeysOnly())), "no queue declared");
  }

  @Test
  void aTargetWithA32BitIdIsRefused() throws Exception {
    tables.target.execute("ALTER TABLE " + CsmhFixture.TARGET_TABLE
        + " MODIFY id int(11) unsigned NOT NULL AUTO_INCREMENT");
    refused("primary key id is int(11) unsigned in target, not a 64-bit bigint");
  }

  @Test
  void anUnknownBrokerHostIsNamed() throws Exception {
    config.put("broker.url", "amqp://widen-no-such-host.invalid:5672/");
    refused("cannot reach broker at widen-no-such-host.invalid:5672");
  }

  @Test
  void aWrongBrokerPasswordIsNamedAndNotShown() throws Exception {
    config.put("broker.password", "Br0ker-Wr0ng-Pa55");
    String line = refused("broker at ");
    assertTrue(line.contains("refused user guest: check broker.user and broker.password"), line);
    assertFalse(line.contains("Br0ker-Wr0ng-Pa55"), line);
  }

  @Test
  void aTlsUrlAgainstAServerWithoutTlsIsNamedWithTheFix() throws Exception {
    // The local test server has TLS off (@@have_ssl = DISABLED): REQUIRED must not fall back.
    config.put("target.url", tables.target.url() + "?sslMode=REQUIRED");
    refused("target database at " + config.get("target.url").replaceAll(".*//([^/]+)/.*", "$1")
        + " does not offer TLS, which target.url requires (sslMode): enable TLS on the server,"
        + " or change sslMode in target.url");
  }

  @Test
  void amqpsAgainstABrokerPortWithoutTlsIsNamedWithTheFix() throws Exception {
    String plain = TestServices.amqpUrl();
    config.put("broker.url", plain.replace("amqp://", "amqps://"));
    refused("broker at " + plain.replaceAll("amqp://([^/]+)/.*", "$1") + " did not answer in TLS:"
        + " point broker.url at the broker's TLS port (usually 5671), or use amqp:// for a broker"
        + " without TLS");
  }

  /** A target user with only {@code grants}, which the config then uses. */
  private TestUser user(String purpose, String... grants) throws Exception {
    TestUser u = TestUser.create(purpose, "pw-" + purpose, grants);
    cleanUp.add(u);
    config.put("target.user", u.name());
    config.put("target.password", u.password());
    return u;
  }

  /** Runs the coordinator, expects exit 2 and one line containing {@code expected}. */
  private String refused(String expected) throws Exception {
    long targetRows = tables.target.queryLong("SELECT COUNT(*) FROM " + CsmhFixture.TARGET_TABLE);
    String line = run("coordinator");
    assertTrue(line.contains(expected), "expected '" + expected + "' in: " + line);
    assertFalse(tables.control.hasTable("migration"), "no ledger written");
    assertFalse(Queues.exist(WidenConfig.of(withValidKeysOnly())), "no queue declared");
    assertEquals(targetRows, tables.target.queryLong("SELECT COUNT(*) FROM "
        + CsmhFixture.TARGET_TABLE), "no target row written");
    return line;
  }

  private String run(String command) throws Exception {
    CliRun r = CliRun.run(config, dir, command);
    String out = r.err();
    assertEquals(2, r.code(), "exit code for bad input; stderr: " + out);
    assertEquals(1, out.lines().filter(l -> l.startsWith("widen: ")).count(), out);
    return out.lines().filter(l -> l.startsWith("widen: ")).findFirst().orElse(out);
  }

  private Map<String, String> withValidKeysOnly() {
    Map<String, String> valid = new LinkedHashMap<>(config);
    valid.remove("copy.bach_rows");
    valid.remove("log.format");
    valid.remove("broker.password");
    valid.put("broker.url", TestServices.amqpUrl());
    return valid;
  }
}
