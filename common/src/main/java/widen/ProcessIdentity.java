package widen;

import java.io.IOException;
import java.net.InetAddress;

/** How a widen process names itself in the ledger, logs and locks: {@code host:pid}. */
public final class ProcessIdentity {
  private ProcessIdentity() {}

  public static String current() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return host + ":" + ProcessHandle.current().pid();
  }
}
