package widen.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import widen.WidenException;

/**
 * The validated, immutable configuration, built once at start from defaults, then the YAML file,
 * then {@code WIDEN_*} environment variables (each overriding the one before).
 *
 * <p>Every problem is a {@link WidenException} whose one-line message names the key and the fix.
 * {@link #toString()} masks passwords, so a config can be logged.
 */
public final class WidenConfig {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");
  private static final Pattern JDBC = Pattern.compile("jdbc:(mysql|mariadb)://[^/?]+/([^/?]+)(\\?.*)?");

  private final Map<Setting, String> values;

  private WidenConfig(Map<Setting, String> values) {
    this.values = values;
  }

  /** Loads {@code file} (may be null: defaults and environment only) and the environment. */
  public static WidenConfig load(Path file, Map<String, String> env) {
    return load(file, env, Map.of());
  }

  /** As {@link #load(Path, Map)}, with {@code base} values below the file's (the demo's own). */
  public static WidenConfig load(Path file, Map<String, String> env, Map<String, String> base) {
    Map<String, String> given = new LinkedHashMap<>(base);
    if (file != null) {
      given.putAll(readYaml(file));
    }
    given.putAll(fromEnvironment(env));
    return of(given);
  }

  /** Builds a config from flat dotted keys; what {@link #load} does after reading its sources. */
  public static WidenConfig of(Map<String, String> given) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    for (Map.Entry<String, String> e : given.entrySet()) {
      Setting s = Setting.byKey(e.getKey());
      if (s == null) {
        throw new WidenException("unknown config key " + e.getKey()
            + ": remove it or check its spelling (see deploy/local/widen.yml for every key)");
      }
      values.put(s, e.getValue() == null ? "" : e.getValue());
    }
    for (Setting s : Setting.values()) {
      values.putIfAbsent(s, s.defaultValue());
    }
    values.replaceAll(WidenConfig::validated);
    checkPasswordSources(values, Setting.SOURCE_PASSWORD, Setting.SOURCE_PASSWORD_FILE);
    checkPasswordSources(values, Setting.TARGET_PASSWORD, Setting.TARGET_PASSWORD_FILE);
    checkPasswordSources(values, Setting.BROKER_PASSWORD, Setting.BROKER_PASSWORD_FILE);
    checkPasswordSources(values, Setting.HTTP_TOKEN, Setting.HTTP_TOKEN_FILE);
    checkBrokerTls(values);
    checkRangeBounds(values);
    return new WidenConfig(values);
  }

  private static void checkRangeBounds(Map<Setting, String> values) {
    long min = Long.parseLong(values.get(Setting.PLAN_MIN_RANGE_ROWS));
    long max = Long.parseLong(values.get(Setting.PLAN_MAX_RANGE_ROWS));
    if (min > max) {
      throw new WidenException("config key plan.min_range_rows is " + min + ", above"
          + " plan.max_range_rows " + max + ": make the minimum at most the maximum");
    }
  }

  public String get(Setting s) {
    return values.get(s);
  }

  public int getInt(Setting s) {
    return Integer.parseInt(values.get(s));
  }

  public long getLong(Setting s) {
    return Long.parseLong(values.get(s));
  }

  public boolean getBoolean(Setting s) {
    return Boolean.parseBoolean(values.get(s));
  }

  public String migrationId() {
    return get(Setting.MIGRATION_ID);
  }

  public DbEndpoint source() {
    return new DbEndpoint("source", get(Setting.SOURCE_URL), get(Setting.SOURCE_USER),
        password(Setting.SOURCE_PASSWORD, Setting.SOURCE_PASSWORD_FILE), get(Setting.SOURCE_TABLE));
  }

  public DbEndpoint target() {
    return new DbEndpoint("target", get(Setting.TARGET_URL), get(Setting.TARGET_USER),
        password(Setting.TARGET_PASSWORD, Setting.TARGET_PASSWORD_FILE), get(Setting.TARGET_TABLE));
  }

  public BrokerEndpoint broker() {
    return new BrokerEndpoint(get(Setting.BROKER_URL), get(Setting.BROKER_USER),
        password(Setting.BROKER_PASSWORD, Setting.BROKER_PASSWORD_FILE),
        get(Setting.BROKER_QUEUE_PREFIX) + "." + migrationId(), get(Setting.BROKER_TLS_TRUST_STORE),
        new Secret(get(Setting.BROKER_TLS_TRUST_STORE_PASSWORD)),
        getInt(Setting.BROKER_HEARTBEAT_SECONDS));
  }

  /** The token the coordinator's control endpoints require; empty means they are switched off. */
  public Secret httpToken() {
    return password(Setting.HTTP_TOKEN, Setting.HTTP_TOKEN_FILE);
  }

  /** A copy with some keys changed; used by the demo and tests. */
  public WidenConfig with(Map<String, String> changes) {
    Map<String, String> merged = new LinkedHashMap<>();
    values.forEach((s, v) -> merged.put(s.key(), v));
    merged.putAll(changes);
    return of(merged);
  }

  /** Every key as its WIDEN_* environment variable: how the demo hands its config to children. */
  public Map<String, String> asEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    values.forEach((s, v) -> env.put(s.envName(), v));
    return env;
  }

  @Override
  public String toString() {
    StringJoiner out = new StringJoiner(", ", "{", "}");
    values.forEach((s, v) -> out.add(s.key() + "=" + (s.kind() == Setting.Kind.SECRET ? new Secret(v) : v)));
    return out.toString();
  }

  private Secret password(Setting inline, Setting file) {
    String path = get(file);
    if (path.isEmpty()) {
      return new Secret(get(inline));
    }
    try {
      return new Secret(Files.readString(Path.of(path)).strip());
    } catch (IOException e) {
      throw new WidenException("cannot read " + file.key() + " " + path + ": " + e.getMessage());
    }
  }

  private static Map<String, String> readYaml(Path file) {
    if (!Files.isReadable(file)) {
      throw new WidenException("config file " + file + " not found or not readable: check --config");
    }
    try (Reader in = Files.newBufferedReader(file)) {
      Object doc = plainYaml().load(in);
      Map<String, String> flat = new LinkedHashMap<>();
      if (doc != null) {
        if (!(doc instanceof Map<?, ?> map)) {
          throw new WidenException("config file " + file + " must be a YAML mapping of keys");
        }
        flatten("", map, flat, file);
      }
      return flat;
    } catch (MarkedYAMLException e) {
      // Only the problem and the position: SnakeYAML's full message quotes the offending line,
      // which may hold a password.
      throw new WidenException("config file " + file + " is not valid YAML: " + e.getProblem()
          + " at line " + (e.getProblemMark().getLine() + 1) + ", column "
          + (e.getProblemMark().getColumn() + 1));
    } catch (YAMLException e) {
      throw new WidenException("config file " + file + " is not valid YAML: check its syntax");
    } catch (IOException e) {
      throw new WidenException("cannot read config file " + file + ": " + e.getMessage());
    }
  }

  /**
   * A YAML reader that keeps every value as the text written: without the implicit YAML 1.1
   * types, {@code password: 0123} stays "0123" (not octal 83) and {@code user: off} stays "off".
   */
  private static Yaml plainYaml() {
    LoaderOptions options = new LoaderOptions();
    Resolver textOnly = new Resolver() {
      @Override
      protected void addImplicitResolvers() {
        // none: every plain scalar is a string
      }
    };
    return new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()),
        new DumperOptions(), options, textOnly);
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out, Path file) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object v = e.getValue();
      if (v instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, out, file);
      } else if (v instanceof Iterable<?>) {
        throw new WidenException("config key " + key + " in " + file + " is a list: give one value");
      } else {
        out.put(key, v == null ? "" : String.valueOf(v));
      }
    }
  }

  private static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("WIDEN_") || Setting.NON_CONFIG_ENV.contains(name)) {
        continue;
      }
      Setting match = null;
      for (Setting s : Setting.values()) {
        if (s.envName().equals(name)) {
          match = s;
        }
      }
      if (match == null) {
        throw new WidenException("unknown environment variable " + name
            + ": it names no config key (WIDEN_ + key in upper case, dots as _); unset it");
      }
      out.put(match.key(), e.getValue());
    }
    return out;
  }

  private static String validated(Setting s, String v) {
    String key = s.key();
    if (v == null || (v.isBlank() && !s.kind().mayBeEmpty())) {
      throw new WidenException("missing config key " + key + ": set it in the config file or "
          + s.envName() + " (" + s.description() + ")");
    }
    v = s.kind() == Setting.Kind.SECRET ? v : v.strip();
    Setting.Kind kind = s.kind();
    if (kind.isCount()) {
      long n;
      try {
        n = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new WidenException("config key " + key + " must be a whole number from "
            + kind.min() + " to " + kind.max() + ", not '" + v + "'");
      }
      if (n < kind.min() || n > kind.max()) {
        throw new WidenException("config key " + key + " is " + n + ": give a number from "
            + kind.min() + " to " + kind.max());
      }
    } else if (kind == Setting.Kind.NAME && !NAME.matcher(v).matches()) {
      throw new WidenException("config key " + key + " is '" + v
          + "': use 1 to 64 letters, digits, - or _");
    } else if (kind == Setting.Kind.JDBC_URL) {
      checkJdbcUrl(key, v);
    } else if (kind == Setting.Kind.AMQP_URL) {
      checkAmqpUrl(key, v);
    } else if (!kind.choices().isEmpty() && !kind.choices().contains(v)) {
      throw new WidenException("config key " + key + " is '" + v + "': use one of "
          + String.join(", ", kind.choices()));
    } else if (kind == Setting.Kind.BOOLEAN && !v.equals("true") && !v.equals("false")) {
      throw new WidenException("config key " + key + " is '" + v + "': use true or false");
    } else if (kind == Setting.Kind.HTTP_URL && !v.isEmpty() && !v.matches("https?://[^@\\s]+")) {
      throw new WidenException("config key " + key + " is not of the form http(s)://host[:port]/path"
          + " (no credentials in it): correct it or leave it empty");
    } else if (kind == Setting.Kind.FILE && !v.isEmpty() && !Files.isReadable(Path.of(v))) {
      throw new WidenException("config key " + key + " names " + v + ", which is not a readable file");
    }
    return v;
  }

  private static void checkJdbcUrl(String key, String v) {
    if (v.toLowerCase().contains("keystorepassword=")) {
      // A URL shows up in process listings and tickets; a trust store needs no password here.
      throw new WidenException("config key " + key + " contains a key store password: for TLS"
          + " use a JKS trust store, which the driver opens without one"
          + " (trustCertificateKeyStoreUrl=file:/path/ca.jks), or the JVM's default trust store"
          + " (see docs/security.md)");
    }
    if (v.toLowerCase().contains("password=") || v.matches("jdbc:[a-z]+://[^/?]*@.*")) {
      String base = key.substring(0, key.indexOf('.'));
      throw new WidenException("config key " + key + " contains credentials: put them in "
          + base + ".user and the password in "
          + base + ".password or " + base + ".password_file");
    }
    if (!JDBC.matcher(v).matches()) {
      throw new WidenException("config key " + key
          + " is not of the form jdbc:mysql://host:port/database[?options]: correct it");
    }
  }

  private static void checkAmqpUrl(String key, String v) {
    if (!v.startsWith("amqp://") && !v.startsWith("amqps://")) {
      throw new WidenException("config key " + key
          + " is not of the form amqp://host:port/vhost (or amqps://): correct it");
    }
    if (v.contains("@")) {
      throw new WidenException("config key " + key
          + " contains credentials: put them in broker.user and broker.password instead");
    }
  }

  private static void checkPasswordSources(Map<Setting, String> values, Setting inline, Setting file) {
    boolean inlineSet = !values.get(inline).isEmpty() && !values.get(inline).equals(inline.defaultValue());
    if (inlineSet && !values.get(file).isEmpty()) {
      throw new WidenException("both " + inline.key() + " and " + file.key()
          + " are set: keep one");
    }
  }

  /** A trust store with a plain amqp:// URL would silently go unused: the operator meant TLS. */
  private static void checkBrokerTls(Map<Setting, String> values) {
    if (!values.get(Setting.BROKER_TLS_TRUST_STORE).isEmpty()
        && !values.get(Setting.BROKER_URL).startsWith("amqps://")) {
      throw new WidenException("config key broker.tls_trust_store is set but broker.url is not"
          + " amqps://, so no TLS would be used: make broker.url amqps://host:5671/ or remove"
          + " broker.tls_trust_store");
    }
  }

  /** The database part of a JDBC URL validated by {@link #checkJdbcUrl}. */
  static String databaseOf(String jdbcUrl) {
    var m = JDBC.matcher(jdbcUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a validated JDBC URL");
    }
    return m.group(2);
  }
}
