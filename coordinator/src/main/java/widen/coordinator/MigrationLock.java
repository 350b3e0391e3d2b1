package widen.coordinator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import widen.WidenException;

/**
 * Makes sure only one coordinator runs a migration: a named server lock (GET_LOCK) held on a
 * connection of its own for the coordinator's whole life.
 *
 * <p>The server releases the lock when that connection ends, so a coordinator killed with -9 does
 * not leave a stale lock behind for an operator to clear by hand, as a lock row would.
 */
public final class MigrationLock implements AutoCloseable {
  private final Connection connection;
  private final String name;

  private MigrationLock(Connection connection, String name) {
    this.connection = connection;
    this.name = name;
  }

  /** Lock name: at most 64 characters, as MySQL requires. */
  static String lockName(String schema, String migrationId) {
    String n = "widen:" + schema + ":" + migrationId;
    return n.length() <= 64 ? n : n.substring(0, 64);
  }

  /**
   * Takes the lock on {@code connection} (which it then owns and closes), or throws naming who
   * holds it: {@code holder} is read from the ledger only to make the message useful.
   */
  public static MigrationLock acquire(Connection connection, String schema, String migrationId,
      Optional<String> holder) throws SQLException {
    String name = lockName(schema, migrationId);
    try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, 0)")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getInt(1) == 1) {
          return new MigrationLock(connection, name);
        }
      }
    }
    connection.close();
    throw new Refused("migration " + migrationId + " is already run by coordinator "
        + holder.orElse("(unknown)") + ": stop that coordinator first, or use another migration.id",
        holder);
  }

  /** The lock is held by another session; {@code holder} is the ledger's owner, if known. */
  public static final class Refused extends WidenException {
    private final transient Optional<String> holder;

    Refused(String message, Optional<String> holder) {
      super(message);
      this.holder = holder;
    }

    public Optional<String> holder() {
      return holder;
    }
  }

  /** True while this connection still holds the lock (it may not, after a lost connection). */
  public boolean held() {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT IS_USED_LOCK(?) = CONNECTION_ID()")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
