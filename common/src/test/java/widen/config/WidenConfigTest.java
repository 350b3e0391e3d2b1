package widen.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import widen.WidenException;

/** Loading, validating and masking the configuration; no database needed. */
class WidenConfigTest {
  private static final String PASSWORD = "hunter2-Sekr3t";

  @TempDir
  Path dir;

  /** The four keys without a default, as flat keys. */
  private static Map<String, String> required() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("source.url", "jdbc:mysql://db1:3306/edxapp");
    m.put("source.user", "reader");
    m.put("target.url", "jdbc:mysql://db2:3307/smh?useSSL=false");
    m.put("target.user", "writer");
    return m;
  }

  private static Map<String, String> required(String key, String value) {
    Map<String, String> m = required();
    m.put(key, value);
    return m;
  }

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("widen.yml");
    Files.writeString(file, text);
    return file;
  }

  private static final String MINIMAL_YAML = """
      source:
        url: jdbc:mysql://db1:3306/edxapp
        user: reader
      target:
        url: jdbc:mysql://db2:3307/smh
        user: writer
      """;

  /** The failure's message, checked to be one line and free of the test password. */
  private static String failure(Executable executable) {
    String message = assertThrows(WidenException.class, executable).getMessage();
    assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
    assertFalse(message.contains(PASSWORD), "password leaked: " + message);
    return message;
  }

  private static void assertContainsAll(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), "expected '" + part + "' in: " + text);
    }
  }

  @Test
  void nestedYamlKeysAreFlattenedIntoDottedKeys() throws IOException {
    Path file = yaml("""
        migration:
          id: m-1
        source:
          url: jdbc:mysql://db1:3306/edxapp
          user: reader
          table: csmh
        target:
          url: jdbc:mysql://db2:3307/smh?useSSL=false
          user: writer
          table: csmhe
        plan:
          range_rows: 500
        worker:
          threads: 8
        """);
    WidenConfig config = WidenConfig.load(file, Map.of());
    assertEquals("m-1", config.migrationId());
    assertEquals("jdbc:mysql://db1:3306/edxapp", config.get(Setting.SOURCE_URL));
    assertEquals("reader", config.get(Setting.SOURCE_USER));
    assertEquals("csmh", config.get(Setting.SOURCE_TABLE));
    assertEquals("csmhe", config.get(Setting.TARGET_TABLE));
    assertEquals(500, config.getInt(Setting.PLAN_RANGE_ROWS));
    assertEquals(8, config.getInt(Setting.WORKER_THREADS));
    assertEquals("edxapp.csmh", config.source().qualifiedTable());
    assertEquals("smh.csmhe", config.target().qualifiedTable());
    assertEquals("widen.m-1", config.broker().queueNamespace());
  }

  @Test
  void defaultsApplyToKeysNotGiven() throws IOException {
    WidenConfig config = WidenConfig.load(yaml(MINIMAL_YAML), Map.of());
    assertEquals("csmh", config.migrationId());
    assertEquals("courseware_studentmodulehistory", config.get(Setting.SOURCE_TABLE));
    assertEquals("coursewarehistoryextended_studentmodulehistoryextended",
        config.get(Setting.TARGET_TABLE));
    assertEquals("widen", config.get(Setting.CONTROL_SCHEMA));
    assertEquals(10_000, config.getInt(Setting.PLAN_RANGE_ROWS));
    assertEquals(100, config.getInt(Setting.COPY_BATCH_ROWS));
    assertEquals(5, config.getInt(Setting.COPY_MAX_ATTEMPTS));
    assertEquals(2, config.getInt(Setting.WORKER_THREADS));
    assertEquals(60, config.getInt(Setting.WORKER_DRAIN_SECONDS));
    assertEquals("amqp://127.0.0.1:5672/", config.broker().url());
    assertEquals("guest", config.broker().user());
    assertEquals("guest", config.broker().password().reveal());
    assertEquals("widen.csmh", config.broker().queueNamespace());
    assertTrue(config.source().password().isEmpty());
  }

  @Test
  void environmentOverridesTheFileAndTheFileOverridesTheBase() throws IOException {
    Path file = yaml(MINIMAL_YAML + "plan:\n  range_rows: 500\n");
    Map<String, String> base = Map.of("plan.range_rows", "7", "copy.batch_rows", "9");
    WidenConfig config = WidenConfig.load(file,
        Map.of("WIDEN_SOURCE_URL", "jdbc:mysql://other:3310/edxapp2"), base);
    assertEquals("jdbc:mysql://other:3310/edxapp2", config.get(Setting.SOURCE_URL));
    assertEquals("edxapp2", config.source().database());
    assertEquals("other:3310", config.source().address());
    assertEquals(500, config.getInt(Setting.PLAN_RANGE_ROWS));
    assertEquals(9, config.getInt(Setting.COPY_BATCH_ROWS));
  }

  @Test
  void environmentAloneIsEnoughWithoutAFile() {
    Map<String, String> env = Map.of("WIDEN_SOURCE_URL", "jdbc:mariadb://a:1/x",
        "WIDEN_SOURCE_USER", "u", "WIDEN_TARGET_URL", "jdbc:mysql://b:2/y",
        "WIDEN_TARGET_USER", "w", "WIDEN_SOURCE_PASSWORD_FILE", "");
    WidenConfig config = WidenConfig.load(null, env);
    assertEquals("x", config.source().database());
    assertEquals("y", config.target().database());
  }

  @Test
  void asEnvironmentLoadsBackToTheSameConfig() {
    WidenConfig config = WidenConfig.of(required("source.password", PASSWORD));
    WidenConfig again = WidenConfig.load(null, config.asEnvironment());
    assertEquals(config.toString(), again.toString());
    assertEquals(PASSWORD, again.source().password().reveal());
  }

  @Test
  void unknownKeyInTheFileIsRefusedWithItsName() throws IOException {
    Path file = yaml(MINIMAL_YAML + "plan:\n  range_row: 500\n");
    assertContainsAll(failure(() -> WidenConfig.load(file, Map.of())),
        "unknown config key plan.range_row");
  }

  @Test
  void unknownWidenEnvironmentVariableIsRefusedWithItsName() throws IOException {
    Path file = yaml(MINIMAL_YAML);
    assertContainsAll(failure(() -> WidenConfig.load(file, Map.of("WIDEN_SOURCE_TABEL", "x"))),
        "WIDEN_SOURCE_TABEL");
  }

  @Test
  void launcherVariablesAndOtherEnvironmentAreIgnored() throws IOException {
    Map<String, String> env = Map.of("WIDEN_JAVA_OPTS", "-Xmx1g", "WIDEN_CONFIG", "/nope.yml",
        "WIDEN_HOME", "/opt/widen", "PATH", "/usr/bin", "widen_source_url", "not-a-url");
    WidenConfig config = WidenConfig.load(yaml(MINIMAL_YAML), env);
    assertEquals("jdbc:mysql://db1:3306/edxapp", config.get(Setting.SOURCE_URL));
    assertFalse(config.toString().contains("/opt/widen"), config.toString());
  }

  @Test
  void missingRequiredKeyNamesTheKeyAndItsEnvironmentVariable() {
    Map<String, String> given = required();
    given.remove("source.url");
    assertContainsAll(failure(() -> WidenConfig.of(given)),
        "missing config key source.url", "WIDEN_SOURCE_URL");
  }

  @Test
  void blankRequiredValueCountsAsMissing() throws IOException {
    Path file = yaml(MINIMAL_YAML.replace("user: reader", "user:"));
    assertContainsAll(failure(() -> WidenConfig.load(file, Map.of())),
        "missing config key source.user", "WIDEN_SOURCE_USER");
  }

  @Test
  void zeroRangeRowsNamesTheKeyAndTheAllowedRange() {
    assertContainsAll(failure(() -> WidenConfig.of(required("plan.range_rows", "0"))),
        "plan.range_rows", "1", "10000000");
  }

  @Test
  void rangeRowsAboveTheMaximumNamesTheKeyAndTheAllowedRange() {
    assertContainsAll(failure(() -> WidenConfig.of(required("plan.range_rows", "10000001"))),
        "plan.range_rows", "from 1 to 10000000");
  }

  @Test
  void nonNumericRangeRowsNamesTheKeyAndTheAllowedRange() {
    assertContainsAll(failure(() -> WidenConfig.of(required("plan.range_rows", "abc"))),
        "plan.range_rows", "abc", "1", "10000000");
  }

  @Test
  void nonNumericCountNamesTheKeyAndTheValue() {
    assertContainsAll(failure(() -> WidenConfig.of(required("copy.batch_rows", "abc"))),
        "config key copy.batch_rows must be a whole number", "'abc'");
  }

  @Test
  void numbersAroundTheirKeyAreStripped() {
    assertEquals(3, WidenConfig.of(required("worker.threads", " 3 ")).getInt(Setting.WORKER_THREADS));
  }

  @Test
  void badMigrationIdIsRefusedWithTheRule() {
    assertContainsAll(failure(() -> WidenConfig.of(required("migration.id", "a b"))),
        "migration.id", "'a b'", "letters, digits");
  }

  @Test
  void aChoiceOutsideItsWordsIsRefusedNamingTheWords() {
    assertContainsAll(failure(() -> WidenConfig.of(required("copy.pushdown", "sometimes"))),
        "copy.pushdown", "'sometimes'", "auto, always, never");
    assertEquals("never", WidenConfig.of(required("copy.pushdown", "never"))
        .get(Setting.COPY_PUSHDOWN));
  }

  @Test
  void jdbcUrlWithAPasswordParameterIsRefusedNamingThePasswordKey() {
    String url = "jdbc:mysql://db1:3306/edxapp?user=reader&password=" + PASSWORD;
    String message = failure(() -> WidenConfig.of(required("source.url", url)));
    assertContainsAll(message, "source.url", "source.password", "source.password_file");
    String target = failure(() -> WidenConfig.of(required("target.url",
        "jdbc:mysql://db2:3306/smh?PASSWORD=" + PASSWORD)));
    assertContainsAll(target, "target.url", "target.password");
  }

  @Test
  void jdbcUrlWithATrustStorePasswordIsRefusedWithTheTlsFix() {
    String url = "jdbc:mysql://db2:3306/smh?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl="
        + "file:/etc/widen/ca.p12&trustCertificateKeyStorePassword=" + PASSWORD;
    assertEquals("config key target.url contains a key store password: for TLS use a JKS trust"
        + " store, which the driver opens without one"
        + " (trustCertificateKeyStoreUrl=file:/path/ca.jks), or the JVM's default trust store"
        + " (see docs/security.md)", failure(() -> WidenConfig.of(required("target.url", url))));
  }

  @Test
  void jdbcUrlWithTlsOptionsIsKeptAsWritten() {
    String url = "jdbc:mysql://db2:3306/smh?sslMode=VERIFY_IDENTITY"
        + "&trustCertificateKeyStoreUrl=file:/etc/widen/ca.jks";
    WidenConfig config = WidenConfig.of(required("target.url", url));
    assertEquals(url, config.target().url());
    assertEquals("smh", config.target().database());
  }

  @Test
  void jdbcUrlWithCredentialsBeforeTheHostIsRefused() {
    String url = "jdbc:mysql://reader:" + PASSWORD + "@db1:3306/edxapp";
    assertContainsAll(failure(() -> WidenConfig.of(required("source.url", url))),
        "source.url", "source.password");
  }

  @Test
  void malformedUrlsWithCredentialsAreRefusedWithoutShowingThem() {
    failure(() -> WidenConfig.of(required("broker.url", "rabbitmq://guest:" + PASSWORD + "@mq/")));
    failure(() -> WidenConfig.of(required("source.url", "jdbc:mysql://reader:" + PASSWORD + "@db1")));
  }

  @Test
  void malformedJdbcUrlsAreRefusedWithTheExpectedForm() {
    for (String url : new String[] {"postgres://db1/edxapp", "jdbc:mysql://db1:3306",
        "jdbc:mysql://db1:3306/", "jdbc:oracle://db1:3306/edxapp", "db1:3306/edxapp"}) {
      assertContainsAll(failure(() -> WidenConfig.of(required("source.url", url))),
          "config key source.url is not of the form", "jdbc:mysql://host:port/database");
    }
  }

  @Test
  void amqpUrlWithCredentialsIsRefusedNamingTheUserAndPasswordKeys() {
    String message = failure(() -> WidenConfig.of(
        required("broker.url", "amqp://guest:" + PASSWORD + "@rabbit:5672/")));
    assertContainsAll(message, "broker.url", "broker.user", "broker.password");
  }

  @Test
  void nonAmqpBrokerUrlIsRefused() {
    assertContainsAll(failure(() -> WidenConfig.of(required("broker.url", "http://rabbit:15672/"))),
        "broker.url", "amqp://host:port/vhost");
  }

  @Test
  void aBrokerTrustStoreIsHandedToTheBrokerEndpoint() throws IOException {
    Path store = dir.resolve("trust.p12");
    Files.writeString(store, "not read here");
    Map<String, String> given = required("broker.url", "amqps://rabbit:5671/");
    given.put("broker.tls_trust_store", store.toString());
    given.put("broker.tls_trust_store_password", PASSWORD);
    BrokerEndpoint broker = WidenConfig.of(given).broker();
    assertTrue(broker.tls());
    assertEquals(store.toString(), broker.trustStore());
    assertEquals(PASSWORD, broker.trustStorePassword().reveal());
    assertFalse(broker.toString().contains(PASSWORD), broker.toString());
  }

  @Test
  void aBrokerTrustStoreWithAPlainAmqpUrlIsRefused() throws IOException {
    Path store = dir.resolve("trust.p12");
    Files.writeString(store, "x");
    assertEquals("config key broker.tls_trust_store is set but broker.url is not amqps://, so no"
        + " TLS would be used: make broker.url amqps://host:5671/ or remove"
        + " broker.tls_trust_store",
        failure(() -> WidenConfig.of(required("broker.tls_trust_store", store.toString()))));
  }

  @Test
  void aMissingBrokerTrustStoreIsRefusedNamingTheKey() {
    String missing = dir.resolve("nope.p12").toString();
    Map<String, String> given = required("broker.url", "amqps://rabbit:5671/");
    given.put("broker.tls_trust_store", missing);
    assertEquals("config key broker.tls_trust_store names " + missing
        + ", which is not a readable file", failure(() -> WidenConfig.of(given)));
  }

  @Test
  void passwordFileIsReadAndStripped() throws IOException {
    Path secret = dir.resolve("source.pw");
    Files.writeString(secret, PASSWORD + "\n");
    WidenConfig config = WidenConfig.of(required("source.password_file", secret.toString()));
    assertEquals(PASSWORD, config.source().password().reveal());
    assertFalse(config.toString().contains(PASSWORD), config.toString());
  }

  @Test
  void brokerPasswordFileReplacesTheDefaultPassword() throws IOException {
    Path secret = dir.resolve("broker.pw");
    Files.writeString(secret, "  " + PASSWORD + "\r\n");
    WidenConfig config = WidenConfig.of(required("broker.password_file", secret.toString()));
    assertEquals(PASSWORD, config.broker().password().reveal());
  }

  @Test
  void unreadablePasswordFileIsRefusedNamingTheKey() {
    String missing = dir.resolve("nope.pw").toString();
    assertContainsAll(failure(() -> WidenConfig.of(required("target.password_file", missing))),
        "target.password_file", missing);
  }

  @Test
  void passwordAndPasswordFileTogetherAreRefused() throws IOException {
    Path secret = dir.resolve("source.pw");
    Files.writeString(secret, "other");
    Map<String, String> given = required("source.password", PASSWORD);
    given.put("source.password_file", secret.toString());
    assertContainsAll(failure(() -> WidenConfig.of(given)),
        "both source.password and source.password_file are set");
  }

  @Test
  void toStringMasksEveryPassword() {
    Map<String, String> given = required("source.password", PASSWORD);
    given.put("target.password", PASSWORD + "t");
    given.put("broker.password", PASSWORD + "b");
    given.put("broker.tls_trust_store_password", PASSWORD + "s");
    WidenConfig config = WidenConfig.of(given);
    String text = config.toString();
    assertFalse(text.contains(PASSWORD), text);
    assertContainsAll(text, "source.password=******", "target.password=******",
        "broker.password=******", "broker.tls_trust_store_password=******", "source.user=reader");
    assertFalse(config.source().toString().contains(PASSWORD));
    assertFalse(config.broker().toString().contains(PASSWORD));
    assertEquals("(empty)", new Secret("").toString());
    assertEquals("(empty)", new Secret(null).toString());
    assertEquals("******", new Secret(PASSWORD).toString());
  }

  @Test
  void errorsAboutOtherKeysNeverShowThePassword() throws IOException {
    Map<String, String> given = required("source.password", PASSWORD);
    given.put("plan.range_rows", "-1");
    failure(() -> WidenConfig.of(given));
    Path file = yaml(MINIMAL_YAML.replace("user: reader", "user: reader\n  password: " + PASSWORD)
        + "bogus: 1\n");
    assertContainsAll(failure(() -> WidenConfig.load(file, Map.of())), "bogus");
  }

  @Test
  void yamlListValueIsRefusedNamingTheKey() throws IOException {
    Path file = yaml(MINIMAL_YAML + "control:\n  schema:\n    - a\n    - b\n");
    assertContainsAll(failure(() -> WidenConfig.load(file, Map.of())),
        "config key control.schema", "is a list");
  }

  @Test
  void invalidYamlGivesAOneLineMessage() throws IOException {
    Path file = yaml("source:\n  url: [unclosed\n  user: x\n");
    assertContainsAll(failure(() -> WidenConfig.load(file, Map.of())),
        "config file " + file, "is not valid YAML");
  }

  @Test
  void invalidYamlOnThePasswordLineDoesNotShowThePassword() throws IOException {
    Path file = yaml(MINIMAL_YAML + "broker:\n  password: " + PASSWORD + ": x\n");
    assertContainsAll(failure(() -> WidenConfig.load(file, Map.of())), "is not valid YAML");
  }

  @Test
  void unquotedScalarsKeepTheirText() throws IOException {
    Path file = yaml(MINIMAL_YAML.replace("user: reader", "user: off\n  password: 0123"));
    WidenConfig config = WidenConfig.load(file, Map.of());
    assertEquals("0123", config.source().password().reveal());
    assertEquals("off", config.source().user());
  }

  @Test
  void yamlThatIsNotAMappingIsRefused() throws IOException {
    Path file = yaml("just a string\n");
    assertContainsAll(failure(() -> WidenConfig.load(file, Map.of())), "must be a YAML mapping");
  }

  @Test
  void missingConfigFileIsNamed() {
    Path file = dir.resolve("absent.yml");
    assertContainsAll(failure(() -> WidenConfig.load(file, Map.of())),
        "config file " + file + " not found");
  }

  @Test
  void rangeBoundsTheMinimumAboveTheMaximumAreRefusedNamingBothKeys() {
    WidenConfig config = WidenConfig.of(required());
    assertContainsAll(failure(() -> config.with(Map.of("plan.min_range_rows", "5000",
        "plan.max_range_rows", "4000"))), "plan.min_range_rows", "plan.max_range_rows", "5000");
    assertEquals(4000, config.with(Map.of("plan.min_range_rows", "4000",
        "plan.max_range_rows", "4000")).getInt(Setting.PLAN_MAX_RANGE_ROWS));
  }

  @Test
  void withChangesAreValidatedAgain() {
    WidenConfig config = WidenConfig.of(required());
    assertEquals(42, config.with(Map.of("plan.range_rows", "42")).getInt(Setting.PLAN_RANGE_ROWS));
    assertContainsAll(failure(() -> config.with(Map.of("plan.range_rows", "0"))),
        "plan.range_rows");
    assertEquals(10_000, config.getInt(Setting.PLAN_RANGE_ROWS));
  }

  @Test
  void endpointsKnowTheirDatabaseAndAddress() {
    WidenConfig config = WidenConfig.of(required("source.password", PASSWORD));
    DbEndpoint source = config.source();
    assertEquals("source", source.role());
    assertEquals("edxapp", source.database());
    assertEquals("db1:3306", source.address());
    assertEquals("edxapp.courseware_studentmodulehistory", source.qualifiedTable());
    assertEquals("source reader@db1:3306/edxapp.courseware_studentmodulehistory",
        source.toString());
    DbEndpoint target = config.target();
    assertEquals("smh", target.database());
    assertEquals("db2:3307", target.address());
    DbEndpoint bare = new DbEndpoint("source", "jdbc:mariadb://h/d?x=1", "u", new Secret(""), "t");
    assertEquals("d", bare.database());
    assertEquals("h", bare.address());
  }

  @Test
  void everySettingHasAnEnvironmentNameThatMapsBackToIt() {
    for (Setting s : Setting.values()) {
      assertEquals("WIDEN_" + s.key().toUpperCase().replace('.', '_'), s.envName());
      assertEquals(s, Setting.byKey(s.key()));
      assertFalse(s.description().isBlank(), s.key());
    }
    assertEquals("WIDEN_SOURCE_PASSWORD_FILE", Setting.SOURCE_PASSWORD_FILE.envName());
  }
}
