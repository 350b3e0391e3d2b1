package widen.coordinator;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.WidenException;
import widen.config.DbEndpoint;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.AutoIncLock;
import widen.db.Databases;
import widen.db.DryRun;
import widen.db.Privileges;
import widen.queue.Broker;
import widen.range.RangePlanner;
import widen.schema.Column;
import widen.schema.TablePair;
import widen.schema.TableShape;
import widen.schema.TargetTableDdl;
import widen.sql.Sql;
import widen.verify.TableChecksum;

/**
 * Every check that can refuse a migration, run before anything is written: both databases and
 * the broker reachable with the given credentials, the users' privileges (source readable, target
 * table and ledger writable), both tables present and compatible, no negative ids bound for an
 * unsigned target. Bad input stops here with one line.
 */
public final class Preflight {
  private static final Logger log = LoggerFactory.getLogger(Preflight.class);

  private Preflight() {}

  /**
   * What the checks found: the table pair, the source's ids at this moment, and warnings about
   * what the operator should know before starting ({@link AutoIncLock}'s, {@link
   * #sweepWarning}'s): the plan prints them, the coordinator logs them.
   */
  public record Checked(TablePair tables, RangePlanner.Bounds bounds, List<String> warnings) {}

  /**
   * Runs the checks. With {@code createTarget}, a missing target table is created from the
   * source's definition with the id widened to BIGINT UNSIGNED: the only write, made after
   * every check that does not need it, and dropped again if one that does (the pair's
   * compatibility, the dry run of its statements) refuses.
   */
  public static Checked run(WidenConfig config, boolean createTarget) {
    DbEndpoint source = config.source();
    DbEndpoint target = config.target();
    try (Connection src = Databases.connect(source); Connection dst = Databases.connect(target)) {
      Broker.connect(config.broker(), "widen-preflight", null).abort();
      TableShape s = TableShape.introspect(src, "source", source.database(), source.table());
      Privileges.requireProcess(src, "source");
      // Write privileges before any write (--create-target's table, the ledger, the queues):
      // a target user that can only read would otherwise park every range.
      Privileges.requireUpsert(dst, "target", target.database(), target.table(), s.primaryKey(),
          config.getBoolean(Setting.VERIFY_DELETE_EXTRA));
      Ledger.requireAccess(dst, config.get(Setting.CONTROL_SCHEMA));
      boolean created = createTarget && !TableShape.exists(dst, target.database(), target.table());
      if (created) {
        createTarget(src, dst, s, target);
      }
      try {
        return checkPair(config, src, dst);
      } catch (RuntimeException | SQLException e) {
        if (created) {
          dropCreatedTarget(dst, target);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new WidenException("preflight checks failed: " + Databases.oneLine(e.getMessage())
          + " (check the users' privileges)", e);
    }
  }

  /** The checks that need both tables: compatible, and every range's statements runnable. */
  private static Checked checkPair(WidenConfig config, Connection src, Connection dst)
      throws SQLException {
    DbEndpoint source = config.source();
    TablePair tables = TablePair.inspect(src, dst, source, config.target());
    tables.unchecked().forEach(c -> log.warn("source column {} is not indexed, so its values were"
        + " not checked for negatives; a negative value would fail its range loudly", c));
    RangePlanner.Bounds bounds = RangePlanner.bounds(src, source.database(), source.table(),
        tables.mapping().primaryKey());
    // The statements of every range, on no rows: a server that cannot run one says so now.
    DryRun.copyAndVerify(src, dst, tables, TableChecksum.Hash.bestFor(src, dst));
    List<String> warnings = new ArrayList<>();
    AutoIncLock.warning(dst, tables.target()).ifPresent(warnings::add);
    sweepWarning(tables.source()).ifPresent(warnings::add);
    warnings.addAll(timestampWarnings(tables));
    return new Checked(tables, bounds, warnings);
  }

  /**
   * Delta sweeps look only above the last high-water mark, which catches every new row when the
   * source's ids come from AUTO_INCREMENT. Ids the application picks itself may land below it,
   * in a range already copied: verification finds such a row only if it has yet to reach that
   * range, so after it the row would not reach the new table.
   */
  static Optional<String> sweepWarning(TableShape source) {
    Column key = source.primaryKeyColumn();
    if (key.autoIncrement()) {
      return Optional.empty();
    }
    return Optional.of("source primary key " + key.name() + " does not auto-increment: the"
        + " delta sweeps find only rows above the last high-water mark, so a row written later"
        + " with a lower id reaches the new table only if verification has yet to reach its"
        + " range; start only if new rows always take ids above every existing one");
  }

  /**
   * A TIMESTAMP is stored in UTC and shown in the session's time zone; a DATETIME is shown as
   * stored. widen's sessions run in UTC, so a TIMESTAMP copied into a DATETIME keeps UTC's wall
   * clock: equal to widen's eyes, shifted to an application whose sessions use another zone.
   */
  static List<String> timestampWarnings(TablePair tables) {
    return tables.mapping().columns().stream()
        .filter(c -> tables.source().column(c).dataType().equals("timestamp")
            && tables.target().column(c).dataType().equals("datetime"))
        .map(c -> "column " + c + " is a TIMESTAMP in the source and a DATETIME in the target:"
            + " values arrive as UTC wall-clock times, which an application whose database"
            + " sessions are not in UTC will read shifted; keep it a TIMESTAMP unless they are")
        .toList();
  }

  private static void createTarget(Connection src, Connection dst, TableShape s, DbEndpoint target)
      throws SQLException {
    String ddl = TargetTableDdl.createTableSql(TableShape.showCreate(src, s.database(), s.table()),
        target.database(), target.table(), s.primaryKey());
    try (Statement st = dst.createStatement()) {
      st.execute(ddl);
    }
    log.info("created target table {} with {} widened to BIGINT UNSIGNED", target.qualifiedTable(),
        s.primaryKey());
  }

  /** Takes back {@link #createTarget}'s table when a check after it refuses: nothing is left. */
  private static void dropCreatedTarget(Connection dst, DbEndpoint target) {
    try (Statement st = dst.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + Sql.quote(target.database(), target.table()));
    } catch (SQLException e) {
      log.warn("could not drop the target table {} created moments ago: {}",
          target.qualifiedTable(), Databases.oneLine(e.getMessage()));
    }
  }
}
