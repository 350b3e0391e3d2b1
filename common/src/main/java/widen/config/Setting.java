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
  BROKER_TLS_TRUST_STORE("broker.tls_trust_store", Kind.FILE, "",
      "For amqps:// only: trust store (PKCS12 or JKS) holding the CA certificate that signed the"
          + " broker's; empty uses the JVM's default trust store."),
  BROKER_TLS_TRUST_STORE_PASSWORD("broker.tls_trust_store_password", Kind.SECRET, "",
      "Password of broker.tls_trust_store (a PKCS12 store needs it to read its certificates)."),
  BROKER_HEARTBEAT_SECONDS("broker.heartbeat_seconds", Kind.count(1, 600), "15",
      "AMQP heartbeat asked of the broker: a connection that carries nothing for about twice this"
          + " (one the network left half-open too) is taken as lost, and widen reconnects."),

  PLAN_RANGE_ROWS("plan.range_rows", Kind.count(1, 10_000_000), "10000",
      "Rows per range task at first (all of them with plan.target_range_ms=0). Boundaries come"
          + " from the primary key, so gaps in ids do not matter."),
  PLAN_TARGET_RANGE_MS("plan.target_range_ms", Kind.count(0, 3_600_000), "1000",
      "Backfill ranges are sized so that one takes about this long to copy, from the speed of"
          + " the ranges before; 0 keeps plan.range_rows."),
  PLAN_MIN_RANGE_ROWS("plan.min_range_rows", Kind.count(1, 10_000_000), "1000",
      "Fewest rows a sized range gets."),
  PLAN_MAX_RANGE_ROWS("plan.max_range_rows", Kind.count(1, 10_000_000), "500000",
      "Most rows a sized range gets (a failed or redelivered range is copied again whole)."),
  COPY_BATCH_ROWS("copy.batch_rows", Kind.count(1, 100_000), "100",
      "Rows per multi-row INSERT statement written by a worker."),
  COPY_PUSHDOWN("copy.pushdown", Kind.choice("auto", "always", "never"), "auto",
      "Where source and target share a server, copy each range with one INSERT ... SELECT on the"
          + " server instead of through the worker: auto (when the target user may read the"
          + " source), always (refuse to start otherwise), never. Where the target's AUTO-INC"
          + " lock serializes such statements, the fleet's ranges take turns by GET_LOCK."),
  COPY_LOAD_DATA("copy.load_data", Kind.choice("auto", "always", "never"), "auto",
      "Through the worker (not pushed down), load each range by LOAD DATA LOCAL INFILE, one per"
          + " 4 MiB chunk, instead of multi-row upserts: auto (when the target server has"
          + " local_infile on, the target user DELETE, and the target table no DELETE trigger,"
          + " no foreign key pointing at it and no column the copy does not write; not where the"
          + " target runs innodb_autoinc_lock_mode=1 and the table has an AUTO_INCREMENT column,"
          + " where each load would hold the AUTO-INC lock), always (refuse to start otherwise),"
          + " never."),
  COPY_MAX_ATTEMPTS("copy.max_attempts", Kind.count(1, 1000), "5",
      "Attempts at a range before it is parked with its error."),
  RETRY_IN_PLACE_TRIES("retry.in_place_tries", Kind.count(1, 100), "4",
      "A worker retries a range this many times on a deadlock or lock wait timeout before it"
          + " reports the attempt failed."),
  RETRY_UNREACHABLE_SECONDS("retry.unreachable_seconds", Kind.count(0, 86_400), "600",
      "A worker that loses a database (connection lost, failover, read-only) keeps retrying the"
          + " range in hand for this long, since no other worker could do better; a worker or"
          + " coordinator whose connection drops while it starts starts again for as long."),
  RETRY_READ_TIMEOUT_SECONDS("retry.read_timeout_seconds", Kind.count(0, 86_400), "600",
      "A statement of a worker or the coordinator that hears nothing from its server this long"
          + " (a connection the network dropped without a reset) fails as a lost connection: the"
          + " worker retries its range, the coordinator reconnects. The server ends worker"
          + " sessions and the migration lock's idle as long, freeing a vanished client's locks,"
          + " and gives up a row-lock wait a second sooner (never later than its own"
          + " innodb_lock_wait_timeout)."
          + " 0: wait for ever."),
  RETRY_DELAY_MS("retry.delay_ms", Kind.count(0, 3_600_000), "5000",
      "A failed attempt goes back to the queue after this delay, doubled at each attempt, with"
          + " jitter (a delay queue whose messages expire into the task queue)."),
  RETRY_MAX_DELAY_MS("retry.max_delay_ms", Kind.count(0, 3_600_000), "120000",
      "The longest delay before a failed range is tried again."),
  RETRY_DELIVERY_LIMIT("retry.delivery_limit", Kind.count(1, 1000), "10",
      "A task handed to workers this many times without a result (each holder died or lost the"
          + " broker) is parked: the range probably kills the worker."),
  WORKER_THREADS("worker.threads", Kind.count(1, 256), "2",
      "Ranges a worker process copies at once (one consumer, prefetch 1, each)."),
  WORKER_DRAIN_SECONDS("worker.drain_seconds", Kind.count(0, 3600), "60",
      "On SIGTERM, how long a worker waits for ranges in hand before handing them back."),
  WORKER_HTTP_PORT("worker.http_port", Kind.count(0, 65_535), "9101",
      "A worker's HTTP port for /metrics, /health/live and /health/ready; 0 picks a free port"
          + " and logs it."),

  THROTTLE_ROWS_PER_SECOND("throttle.rows_per_second", Kind.count(0, 1_000_000_000), "0",
      "Rows per second the whole fleet may copy (0: no limit); widen throttle changes it while"
          + " running."),
  THROTTLE_MAX_THREADS_RUNNING("throttle.max_threads_running", Kind.count(0, 100_000), "0",
      "Pause the fleet while the target's Threads_running is above this (0: off)."),
  THROTTLE_REPLICA_URL("throttle.replica_url", Kind.OPTIONAL_TEXT, "",
      "JDBC URL of a replica to watch (source.user and password); empty: off."),
  THROTTLE_MAX_REPLICA_LAG_SECONDS("throttle.max_replica_lag_seconds", Kind.count(1, 86_400), "10",
      "Pause the fleet while the replica is further behind than this (or not replicating)."),
  THROTTLE_PROBE_SQL("throttle.probe_sql", Kind.OPTIONAL_TEXT, "",
      "A query run on the source each second; while its number is above throttle.probe_max the"
          + " fleet pauses. Empty: off."),
  THROTTLE_PROBE_MAX("throttle.probe_max", Kind.count(0, Long.MAX_VALUE), "0",
      "The largest value of throttle.probe_sql that lets the fleet run."),
  THROTTLE_PROBE_TIMEOUT_SECONDS("throttle.probe_timeout_seconds", Kind.count(1, 3_600), "10",
      "A throttle probe (Threads_running, throttle.probe_sql, the replica) that fails or has not"
          + " answered this long holds the fleet back until it answers again."),
  SWEEP_WINDOW_IDS("sweep.window_ids", Kind.count(0, 1_000_000_000), "1000",
      "Each delta sweep starts this many ids below the previous high-water mark, re-reading rows"
          + " that committed late."),
  SWEEP_UNTIL_ROWS("sweep.until_rows", Kind.count(0, 1_000_000_000), "1000",
      "Delta sweeps repeat until one finds fewer new rows than this; verification follows."),
  SWEEP_TRX_WARN_SECONDS("sweep.trx_warn_seconds", Kind.count(1, 86_400), "300",
      "Each sweep waits for every source transaction open when its high-water mark was read (needs"
          + " PROCESS on the source); past this many seconds it warns, naming them."),
  SWEEP_INTERVAL_SECONDS("sweep.interval_seconds", Kind.count(1, 86_400), "30",
      "While waiting for the flip, how often the rows written since the last sweep are counted;"
          + " past sweep.until_rows a new sweep runs."),
  VERIFY_DELETE_EXTRA("verify.delete_extra", Kind.BOOLEAN, "false",
      "Delete target rows inside a verified range that the source no longer has (else reported"
          + " and the range stays unverified)."),
  HEADROOM_MIN_OFFSET("headroom.min_offset", Kind.count(1, 1_000_000_000_000L), "10000",
      "widen prepare sets the target's AUTO_INCREMENT at least this far above the source's"
          + " largest id (Open edX's STUDENTMODULEHISTORYEXTENDED_OFFSET)."),
  HEADROOM_MIN_FREE("headroom.min_free", Kind.count(1, 1_000_000_000_000L), "1000",
      "The coordinator refuses to start or to advise the flip while fewer ids than this are free"
          + " between the source's largest id and the target's AUTO_INCREMENT."),
  HEADROOM_CUTOVER_MINUTES("headroom.cutover_minutes", Kind.count(1, 525_600), "60",
      "How long the old table may still take writes after widen prepare; with the measured write"
          + " rate this sizes the id offset (twice the expected rows, at least min_offset)."),
  HEADROOM_SAMPLE_SECONDS("headroom.sample_seconds", Kind.count(1, 3600), "10",
      "How long widen prepare watches the source's largest id to measure its write rate."),
  FLIP_QUIET_SECONDS("flip.quiet_seconds", Kind.count(0, 86_400), "60",
      "After the flip, the old table must receive no new row for this long before the final"
          + " sweep."),
  FLIP_WEBHOOK_URL("flip.webhook_url", Kind.HTTP_URL, "",
      "If set, the flip advice (JSON) is POSTed here when the migration is ready to flip."),
  READ_KEY_COLUMN("read.key_column", Kind.NAME, "student_module_id",
      "Column the history read API selects by (GET /history/{key}); it must be indexed."),
  HTTP_PORT("http.port", Kind.count(0, 65_535), "8407",
      "The coordinator's HTTP port (dashboard, /api/status, /metrics, /health, read API); 0"
          + " picks a free port and logs it."),
  HTTP_TOKEN("http.token", Kind.SECRET, "",
      "Bearer token the coordinator's control endpoints (flip, retry-failed, pause...) require;"
          + " empty switches them off. Reads need no token."),
  HTTP_TOKEN_FILE("http.token_file", Kind.FILE, "",
      "File holding http.token (instead of http.token)."),
  LOG_FORMAT("log.format", Kind.choice("text", "json"), "text",
      "Log lines as text, or as one JSON object per line (with migration, range and worker as"
          + " fields) for a log collector."),
  CLEANUP_BATCH_ROWS("cleanup.batch_rows", Kind.count(1, 1_000_000), "20000",
      "widen cleanup --slow-delete deletes the old table's rows this many at a time."),
  CLEANUP_PAUSE_MS("cleanup.pause_ms", Kind.count(0, 600_000), "3000",
      "Pause between two delete batches of widen cleanup --slow-delete.");

  /** The value types a key can have, each with its own validation. */
  public record Kind(String name, long min, long max) {
    static final Kind TEXT = new Kind("text", 0, 0);
    /** Text whose empty value means "off". */
    static final Kind OPTIONAL_TEXT = new Kind("optional-text", 0, 0);
    static final Kind NAME = new Kind("name", 0, 0);
    static final Kind SECRET = new Kind("secret", 0, 0);
    static final Kind FILE = new Kind("file", 0, 0);
    static final Kind JDBC_URL = new Kind("jdbc-url", 0, 0);
    static final Kind AMQP_URL = new Kind("amqp-url", 0, 0);
    static final Kind HTTP_URL = new Kind("http-url", 0, 0);
    static final Kind BOOLEAN = new Kind("boolean", 0, 0);

    static Kind count(long min, long max) {
      return new Kind("count", min, max);
    }

    /** One of a few words, e.g. auto|always|never. */
    static Kind choice(String... words) {
      return new Kind("choice:" + String.join("|", words), 0, 0);
    }

    /** The allowed words of a choice, else an empty list. */
    List<String> choices() {
      return name.startsWith("choice:") ? List.of(name.substring(7).split("\\|")) : List.of();
    }

    boolean isCount() {
      return name.equals("count");
    }

    /** Kinds whose empty value means "not set" rather than "missing". */
    boolean mayBeEmpty() {
      return this == SECRET || this == FILE || this == HTTP_URL || this == OPTIONAL_TEXT;
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
