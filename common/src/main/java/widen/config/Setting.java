package widen.config;

import java.util.List;

/**
 * Every config key widen knows, with its type, default and meaning. A key not listed here is an
 * error, so a typo never silently falls back to a default.
 *
 * <p>Each key can also be set by the environment variable {@code WIDEN_} + the key in upper case
 * with dots as underscores ({@code source.url} -> {@code WIDEN_SOURCE_URL}).
 */
public enum Setting {
  MIGRATION_ID("migration.id", Kind.NAME, "csmh",
      "Name of this migration: keys the ledger rows and the queue names. Letters, digits, - and _."),

  SOURCE_URL("source.url", Kind.JDBC_URL, null,
      "JDBC URL of the old table's database, e.g. jdbc:mysql://db1:3306/edxapp"),
  SOURCE_USER("source.user", Kind.TEXT, null, "User for the source database (reads only)."),
  SOURCE_PASSWORD("source.password", Kind.SECRET, "", "Password for source.user."),
  SOURCE_PASSWORD_FILE("source.password_file", Kind.FILE, "",
      "File holding the source password (instead of source.password)."),
  SOURCE_TABLE("source.table", Kind.NAME, "courseware_studentmodulehistory",
      "The old table, in the database of source.url."),

  TARGET_URL("target.url", Kind.JDBC_URL, null,
      "JDBC URL of the new table's database, e.g. jdbc:mysql://db2:3306/student_module_history"),
  TARGET_USER("target.user", Kind.TEXT, null, "User for the target database (writes rows)."),
  TARGET_PASSWORD("target.password", Kind.SECRET, "", "Password for target.user."),
  TARGET_PASSWORD_FILE("target.password_file", Kind.FILE, "",
      "File holding the target password (instead of target.password)."),
  TARGET_TABLE("target.table", Kind.NAME, "coursewarehistoryextended_studentmodulehistoryextended",
      "The new table, in the database of target.url."),

  CONTROL_SCHEMA("control.schema", Kind.NAME, "widen",
      "Database on the target server that holds the ledger (created if missing)."),

  BROKER_URL("broker.url", Kind.AMQP_URL, "amqp://127.0.0.1:5672/",
      "RabbitMQ address: amqp://host:port/vhost (amqps:// for TLS). No password here."),
  BROKER_USER("broker.user", Kind.TEXT, "guest", "RabbitMQ user."),
  BROKER_PASSWORD("broker.password", Kind.SECRET, "guest", "Password for broker.user."),
  BROKER_PASSWORD_FILE("broker.password_file", Kind.FILE, "",
      "File holding the RabbitMQ password (instead of broker.password)."),
  BROKER_QUEUE_PREFIX("broker.queue_prefix", Kind.NAME, "widen",
      "Queue names are <prefix>.<migration.id>.tasks|results|parked."),

  PLAN_RANGE_ROWS("plan.range_rows", Kind.count(1, 10_000_000), "10000",
      "Rows per range task. Boundaries come from the primary key, so gaps in ids do not matter."),
  COPY_BATCH_ROWS("copy.batch_rows", Kind.count(1, 100_000), "1000",
      "Rows per multi-row INSERT statement written by a worker."),
  COPY_MAX_ATTEMPTS("copy.max_attempts", Kind.count(1, 1000), "5",
      "Attempts at a range before it is parked with its error."),
  WORKER_THREADS("worker.threads", Kind.count(1, 256), "2",
      "Ranges a worker process copies at once (one consumer, prefetch 1, each)."),
  WORKER_DRAIN_SECONDS("worker.drain_seconds", Kind.count(0, 3600), "60",
      "On SIGTERM, how long a worker waits for ranges in hand before handing them back.");

  /** The value types a key can have, each with its own validation. */
  public record Kind(String name, long min, long max) {
    static final Kind TEXT = new Kind("text", 0, 0);
    static final Kind NAME = new Kind("name", 0, 0);
    static final Kind SECRET = new Kind("secret", 0, 0);
    static final Kind FILE = new Kind("file", 0, 0);
    static final Kind JDBC_URL = new Kind("jdbc-url", 0, 0);
    static final Kind AMQP_URL = new Kind("amqp-url", 0, 0);

    static Kind count(long min, long max) {
      return new Kind("count", min, max);
    }

    boolean isCount() {
      return name.equals("count");
    }
  }

  private final String key;
  private final Kind kind;
  private final String defaultValue;
  private final String description;

  Setting(String key, Kind kind, String defaultValue, String description) {
    this.key = key;
    this.kind = kind;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  /** The default, or null when the key must be given. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public String envName() {
    return "WIDEN_" + key.toUpperCase().replace('.', '_');
  }

  public static Setting byKey(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }

  /** Environment variables that start with WIDEN_ but are not config keys (used by bin/widen). */
  static final List<String> NON_CONFIG_ENV = List.of("WIDEN_CONFIG", "WIDEN_JAVA_OPTS", "WIDEN_HOME");
}
