package widen.e2e;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.testing.TestServices;

/**
 * A test migration whose target refuses one source row (a trigger raises an error for its id),
 * so with copy.max_attempts 1 exactly one range is parked, with that error, until
 * {@link #accept()} drops the trigger: a fleet with something to show.
 */
final class RefusingFleet implements AutoCloseable {
  final Csmh tables;
  final Fleet fleet;
  /** The error the target gives for the refused row, as the ledger records it. */
  final String refusal;

  private RefusingFleet(Csmh tables, Fleet fleet, String refusal) {
    this.tables = tables;
    this.fleet = fleet;
    this.refusal = refusal;
  }

  /** {@code rows} source rows; the one at {@code offset} (in id order) is refused. */
  static RefusingFleet create(String name, long rows, long offset, Path logs,
      Map<String, String> extra) throws Exception {
    Csmh tables = Csmh.create(name, rows, false);
    long id = tables.source.queryLong("SELECT id FROM " + CsmhFixture.SOURCE_TABLE
        + " ORDER BY id LIMIT 1 OFFSET " + offset);
    String refusal = name + " test refuses id " + id;
    tables.target.execute("CREATE TRIGGER refuse BEFORE INSERT ON " + CsmhFixture.TARGET_TABLE
        + " FOR EACH ROW BEGIN IF NEW.id = " + id + " THEN SIGNAL SQLSTATE '45000'"
        + " SET MESSAGE_TEXT = '" + refusal + "'; END IF; END");
    Map<String, String> settings = new HashMap<>(Map.of("copy.max_attempts", "1",
        "worker.http_port", "0"));
    settings.putAll(extra);
    WidenConfig config = WidenConfig.of(TestServices.config(name + "-" + tables.control.name(),
        tables.source, CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE,
        tables.control)).with(settings);
    Fleet fleet = new Fleet(config, tables.control, logs);
    fleet.prepare();
    return new RefusingFleet(tables, fleet, refusal);
  }

  /** The target takes the refused row from now on (the parked range still needs a retry). */
  void accept() throws Exception {
    tables.target.execute("DROP TRIGGER refuse");
  }

  @Override
  public void close() throws Exception {
    try (Csmh t = tables) {
      fleet.close();
    }
  }

  /** A test class's base: its processes log to a temporary folder, and the fleet goes after it. */
  abstract static class Test {
    @TempDir
    Path logs;
    RefusingFleet run;

    /** Sets up the tables and prepares them (see {@link RefusingFleet#create}). */
    Fleet start(String name, long rows, long offset, Map<String, String> extra) throws Exception {
      run = create(name, rows, offset, logs, extra);
      return run.fleet;
    }

    @AfterEach
    void tearDown() throws Exception {
      if (run != null) {
        run.close();
      }
    }
  }
}
