package widen.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which errors a worker waits out, which it retries a few times, and which it reports at once. */
class MysqlErrorsTest {
  @Test
  void deadlocksAndLockWaitsAreLockConflicts() {
    assertTrue(MysqlErrors.isLockConflict(new SQLException("deadlock", "40001", 1213)));
    assertTrue(MysqlErrors.isLockConflict(new SQLException("wait", "HY000", 1205)));
    assertFalse(MysqlErrors.isConnectionLoss(new SQLException("deadlock", "40001", 1213)));
  }

  @Test
  void theDriversClosedStatementAfterADeadLinkIsAConnectionLoss() {
    // As Connector/J's executeBatch threw it when fault scenario 4 killed the ledger's server:
    // its clean-up (clearBatch) found the statement closed, and that replaced the link failure.
    SQLException fromClearBatch = new SQLException("No operations allowed after statement closed.",
        "S1009", 0, new com.mysql.cj.exceptions.StatementIsClosedException());
    assertTrue(MysqlErrors.isConnectionLoss(fromClearBatch));
    assertTrue(MysqlErrors.isConnectionLoss(new SQLException("closed", "S1009", 0,
        new com.mysql.cj.exceptions.ConnectionIsClosedException())));
    assertFalse(MysqlErrors.isConnectionLoss(new SQLException("syntax", "42000", 1064)));
  }

  @Test
  void lostServersFailoversAndPoolTimeoutsAreConnectionLosses() {
    assertTrue(MysqlErrors.isConnectionLoss(new SQLException("gone", "HY000", 2006)));
    assertTrue(MysqlErrors.isConnectionLoss(new SQLException("lost", "HY000", 2013)));
    assertTrue(MysqlErrors.isConnectionLoss(new SQLException("read only", "HY000", 1290)));
    assertTrue(MysqlErrors.isConnectionLoss(new SQLException("ro trx", "25006", 1836)));
    assertTrue(MysqlErrors.isConnectionLoss(new SQLException("link failure", "08S01", 0)));
    assertTrue(MysqlErrors.isConnectionLoss(new SQLTransientConnectionException("pool timeout")));
    assertTrue(MysqlErrors.isConnectionLoss(new RuntimeException(
        new SQLException("wrapped", "08001", 0))));
    assertTrue(MysqlErrors.isConnectionLoss(new SQLException("Error retrieving record", null, 0,
        new java.io.EOFException("Can not read response from server"))), "cut off mid-stream");
  }

  @Test
  void refusedValuesAndMissingTablesAreNeitherSoTheyFailAtOnce() {
    SQLException check = new SQLException("CONSTRAINT failed", "23000", 4025);
    SQLException noTable = new SQLException("no table", "42S02", 1146);
    for (SQLException e : new SQLException[] {check, noTable}) {
      assertFalse(MysqlErrors.isTransient(e), e.getMessage());
    }
  }
}
