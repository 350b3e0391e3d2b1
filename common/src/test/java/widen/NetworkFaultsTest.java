package widen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class NetworkFaultsTest {
  private static SQLException linkFailure(Throwable cause) {
    return new SQLException("Communications link failure", "08S01", 0, cause);
  }

  @Test
  void aResetOrACutOffStreamAfterReachingTheServerIsDropped() {
    assertTrue(NetworkFaults.droppedAfterReaching(linkFailure(
        new SocketException("Connection reset"))));
    assertTrue(NetworkFaults.droppedAfterReaching(new WidenException("cannot inspect",
        linkFailure(new EOFException("Can not read response from server")))));
    assertTrue(NetworkFaults.droppedAfterReaching(new IOException(new SocketTimeoutException(
        "Read timed out"))));
    assertTrue(NetworkFaults.droppedAfterReaching(new IOException(new SocketException(
        "Broken pipe"))));
  }

  @Test
  void anAddressThatNeverAnsweredIsNotDropped() {
    assertFalse(NetworkFaults.droppedAfterReaching(linkFailure(
        new ConnectException("Connection refused"))));
    assertFalse(NetworkFaults.droppedAfterReaching(linkFailure(
        new UnknownHostException("widen-no-such-host.invalid"))));
    assertFalse(NetworkFaults.droppedAfterReaching(linkFailure(
        new SocketTimeoutException("Connect timed out"))));
    assertFalse(NetworkFaults.droppedAfterReaching(new SQLException("Access denied", "28000",
        1045)));
    assertFalse(NetworkFaults.droppedAfterReaching(linkFailure(
        new SocketException("Network is unreachable"))));
  }

  /** As amqp-client reported a reset during the handshake in a CI run: no cause under it. */
  @Test
  void aBrokerConnectionThatFailedUnderItIsDroppedAndOneTheBrokerClosedIsNot() {
    var lost = new com.rabbitmq.client.ShutdownSignalException(true, false, null, null);
    assertTrue(NetworkFaults.droppedAfterReaching(new IOException(
        new com.rabbitmq.client.AlreadyClosedException(lost))));
    var refused = new com.rabbitmq.client.ShutdownSignalException(true, false,
        new com.rabbitmq.client.impl.AMQImpl.Connection.Close(530, "NOT_ALLOWED", 0, 0), null);
    assertFalse(NetworkFaults.droppedAfterReaching(new IOException(refused)));
    var ours = new com.rabbitmq.client.ShutdownSignalException(true, true, null, null);
    assertFalse(NetworkFaults.droppedAfterReaching(new IOException(ours)));
  }

  @Test
  void aLocalPortInUseIsNotTheNetwork() {
    assertFalse(NetworkFaults.droppedAfterReaching(new WidenException("cannot listen on"
        + " worker.http_port 9400", new java.net.BindException("Address already in use"))));
  }

  @Test
  void theInnermostMessageNamesWhatTheSocketSaw() {
    assertEquals("Connection reset", NetworkFaults.innermostMessage(new WidenException("outer",
        linkFailure(new SocketException("Connection reset")))));
  }
}
