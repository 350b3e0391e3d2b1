package widen.coordinator;

import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;
import widen.db.MysqlErrors;

/**
 * Sorts the coordinator's failures into those a reconnect cures (a database or broker that went
 * away, a lock conflict) and those it does not (bad config, a refusal, a bug), which end the run
 * with their message. The first are what a days-long migration meets: failovers, restarts,
 * network cuts.
 */
final class Recoverable {
  private Recoverable() {}

  static boolean test(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PossibleAuthenticationFailureException) {
        return false; // a password changed under us: waiting will not fix it
      }
      if (t instanceof Coordinator.SessionLost || t instanceof ShutdownSignalException
          || t instanceof TimeoutException || t instanceof java.net.SocketException) {
        return true;
      }
      if (t instanceof SQLException s && MysqlErrors.isTransient(s)) {
        return true;
      }
      if (t instanceof IOException && !String.valueOf(t.getMessage()).contains("PRECONDITION")
          && !(String.valueOf(t.getCause()).contains("PRECONDITION"))) {
        return true; // the broker connection or channel failed
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
