package widen;

import com.rabbitmq.client.ShutdownSignalException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/**
 * Tells a connection that was dropped after it reached its server (a reset, a cut-off stream, a
 * missed heartbeat) from one that never reached it (refused, unknown host, no route, TLS).
 *
 * <p>The first kind is the network's fault and passes: trying again works. The second usually
 * means a wrong address or a server that is down, which an operator must fix, so widen says so
 * in one line and exits instead of trying for ever.
 */
public final class NetworkFaults {
  private NetworkFaults() {}

  /** True if {@code e} was caused by a connection lost after it had reached its server. */
  public static boolean droppedAfterReaching(Throwable e) {
    boolean dropped = false;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (neverReached(t)) {
        return false;
      }
      // SocketTimeoutException includes amqp-client's MissedHeartbeatException.
      dropped |= t instanceof EOFException || t instanceof SocketTimeoutException
          || t instanceof SocketException && lostEstablished(t.getMessage())
          || brokerTransportLost(t);
    }
    return dropped;
  }

  /** The message of the innermost cause, which names what the socket saw ("Connection reset"). */
  public static String innermostMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  /**
   * What the JDK says of an established connection that ended under it. Other socket errors are
   * not the network's passing fault: a port in use (BindException), "Network is unreachable".
   */
  private static boolean lostEstablished(String message) {
    String m = String.valueOf(message).toLowerCase(java.util.Locale.ROOT);
    return m.contains("reset") || m.contains("broken pipe") || m.contains("socket closed")
        || m.contains("socket is closed") || m.contains("connection abort");
  }

  /**
   * amqp-client's word for a connection whose socket failed under it: a shutdown neither the
   * application asked for nor the broker sent a reason with (a refused login or a missing
   * virtual host comes with the broker's close method). Its cause is not always chained: seen
   * as "connection is already closed due to connection error; cause: java.io.EOFException" with
   * nothing under it, from a connection reset during the handshake.
   */
  private static boolean brokerTransportLost(Throwable t) {
    return t instanceof ShutdownSignalException s && !s.isInitiatedByApplication()
        && s.getReason() == null;
  }

  private static boolean neverReached(Throwable t) {
    return t instanceof ConnectException || t instanceof NoRouteToHostException
        || t instanceof UnknownHostException || t instanceof SSLException
        // The connect itself timed out (connectTimeout): nothing answered at that address.
        || t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).toLowerCase(
            java.util.Locale.ROOT).contains("connect timed out");
  }
}
