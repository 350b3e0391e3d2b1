package widen.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A network namespace joined to this host by a veth pair, so processes started in it (see
 * {@link #command}) reach the servers bound to the host side's address (or 0.0.0.0) over a link
 * a test can cut ({@link #cut}) and, where the kernel has netem, slow down or make lossy
 * ({@link #impair}). Needs root and iproute2 ({@code ip}, {@code tc}).
 *
 * <p>The host side gets {@code hostAddress/24}, the namespace side {@code nsAddress/24}; the
 * namespace has no other route. Give each namespace a /24 of its own (10.231.1.0/24,
 * 10.231.2.0/24, ...): two host sides in one subnet would compete for its route. Interface names
 * derive from the namespace's name, so a namespace left behind by a killed run is found and
 * removed when one of the same name is created; names should therefore be unique per test class
 * (tests run one class at a time per JVM, but several JVMs may run at once).
 *
 * <p>On this project's CI machine (Firecracker kernel 6.18) namespaces and veth pairs work, but
 * the kernel is built without {@code sch_netem} (CONFIG_NET_SCH_NETEM unset, no loadable
 * modules): {@link #impair} then throws {@link UnsupportedOperationException}; check
 * {@link #netemAvailable()} first. The kernel has tbf and htb, which could limit bandwidth, but
 * nothing that delays or drops packets.
 */
public final class NetNamespace implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 30;

  private final String name;
  private final String hostAddress;
  private final String nsAddress;
  private final String hostIf;
  private final String nsIf;
  private final Thread hook;

  private NetNamespace(String name, String hostAddress, String nsAddress) {
    this.name = name;
    this.hostAddress = hostAddress;
    this.nsAddress = nsAddress;
    // Interface names have at most 15 characters; a namespace name may be longer.
    String tag = "v" + shortHash(name);
    this.hostIf = tag + "-h";
    this.nsIf = tag + "-n";
    this.hook = Processes.onJvmExit("netns-" + name, this::deleteQuietly);
  }

  /**
   * Creates namespace {@code name} (removing one of that name left behind first) with a veth
   * pair: {@code hostAddress/24} on this host's side, {@code nsAddress/24} on the namespace's,
   * both up, and the namespace's loopback up.
   */
  public static NetNamespace create(String name, String hostAddress, String nsAddress)
      throws IOException {
    if (!name.matches("[A-Za-z0-9_.-]{1,40}")) {
      throw new IllegalArgumentException("namespace name: letters, digits, _ . - only: " + name);
    }
    NetNamespace ns = new NetNamespace(name, hostAddress, nsAddress);
    ns.deleteQuietly();
    try {
      ip("netns", "add", name);
      ip("link", "add", ns.hostIf, "type", "veth", "peer", "name", ns.nsIf, "netns", name);
      ip("addr", "add", hostAddress + "/24", "dev", ns.hostIf);
      ip("link", "set", ns.hostIf, "up");
      ip("-n", name, "addr", "add", nsAddress + "/24", "dev", ns.nsIf);
      ip("-n", name, "link", "set", ns.nsIf, "up");
      ip("-n", name, "link", "set", "lo", "up");
      return ns;
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    return Processes.run(cmd, TIMEOUT_SECONDS);
  }

  private static String tc(List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("tc"));
    cmd.addAll(args);
    return Processes.run(cmd, TIMEOUT_SECONDS);
  }

  public String name() {
    return name;
  }

  /** This host's address on the link; servers bound to it (or 0.0.0.0) are reachable. */
  public String hostAddress() {
    return hostAddress;
  }

  /** The namespace's own address, where connections from it come from. */
  public String nsAddress() {
    return nsAddress;
  }

  /** The veth end on this host (the one {@link #cut} takes down). */
  public String hostInterface() {
    return hostIf;
  }

  /** The veth end inside the namespace. */
  public String namespaceInterface() {
    return nsIf;
  }

  /**
   * {@code cmd} prefixed with {@code ip netns exec <name>}, for a ProcessBuilder. {@code ip}
   * execs the command in place, so the process started is the command itself and can be killed
   * as such.
   */
  public List<String> command(List<String> cmd) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
    all.addAll(cmd);
    return all;
  }

  /** True if the kernel has netem; tried on the namespace's loopback, which nothing uses. */
  public boolean netemAvailable() throws IOException {
    try {
      tc(List.of("-n", name, "qdisc", "replace", "dev", "lo", "root", "netem", "delay", "0ms"));
      tc(List.of("-n", name, "qdisc", "del", "dev", "lo", "root"));
      return true;
    } catch (IOException e) {
      if (noNetem(e)) {
        return false;
      }
      throw e;
    }
  }

  private static boolean noNetem(IOException e) {
    return String.valueOf(e.getMessage()).contains("Specified qdisc kind is unknown");
  }

  /**
   * Applies {@code tc qdisc replace dev <veth> root netem <netemArgs>} on both ends, e.g.
   * {@code "delay 20ms 10ms loss 2%"}. Each end delays what it sends, so a round trip gets the
   * delay twice and each direction loses its own share.
   *
   * @throws UnsupportedOperationException if the kernel has no netem
   */
  public void impair(String netemArgs) throws IOException {
    List<String> args = List.of(netemArgs.trim().split("\\s+"));
    List<String> host = new ArrayList<>(List.of("qdisc", "replace", "dev", hostIf, "root",
        "netem"));
    host.addAll(args);
    List<String> inside = new ArrayList<>(List.of("-n", name, "qdisc", "replace", "dev", nsIf,
        "root", "netem"));
    inside.addAll(args);
    try {
      tc(host);
      tc(inside);
    } catch (IOException e) {
      clearImpairment();
      if (noNetem(e)) {
        throw new UnsupportedOperationException("tc netem is not available: this kernel has no"
            + " sch_netem (CONFIG_NET_SCH_NETEM unset or the module cannot be loaded), so"
            + " links cannot be delayed or made lossy here; " + e.getMessage(), e);
      }
      throw e;
    }
  }

  /** Removes what {@link #impair} installed; the link is as created again. */
  public void clearImpairment() throws IOException {
    for (List<String> del : List.of(List.of("qdisc", "del", "dev", hostIf, "root"),
        List.of("-n", name, "qdisc", "del", "dev", nsIf, "root"))) {
      try {
        tc(del);
      } catch (IOException e) {
        // Nothing installed: the default qdisc cannot be deleted, which is the state wanted.
        String m = String.valueOf(e.getMessage());
        if (!m.contains("handle of zero") && !m.contains("No such file or directory")) {
          throw e;
        }
      }
    }
  }

  /** {@code tc qdisc show} for both ends, to check what is installed. */
  public String qdiscs() throws IOException {
    return tc(List.of("qdisc", "show", "dev", hostIf))
        + tc(List.of("-n", name, "qdisc", "show", "dev", nsIf));
  }

  /**
   * Takes the host side of the link down: a partition. Nothing is refused: new connections from
   * the namespace time out, and once its ARP for the host side has failed (about 3 s) they fail
   * with "No route to host"; open connections stall until their own timeouts.
   */
  public void cut() throws IOException {
    ip("link", "set", hostIf, "down");
  }

  /**
   * Brings the host side up again; the kernel restores the link's route with it. The neighbour
   * entries that failed during the cut are flushed, or the first connections after it would
   * still fail with "No route to host".
   */
  public void restore() throws IOException {
    ip("link", "set", hostIf, "up");
    ip("-n", name, "neigh", "flush", "dev", nsIf);
    ip("neigh", "flush", "dev", hostIf);
  }

  private void deleteQuietly() {
    // Deleting one end of a veth pair deletes both. It goes first because deleting a namespace
    // frees its devices asynchronously, and a lingering host end would block a new pair.
    for (List<String> cmd : List.of(List.of("ip", "link", "del", hostIf),
        List.of("ip", "netns", "del", name))) {
      try {
        Processes.run(cmd, TIMEOUT_SECONDS);
      } catch (IOException | RuntimeException absent) {
        // Not there: nothing to remove.
      }
    }
  }

  /**
   * Deletes the veth pair and the namespace. Processes still running in the namespace keep it
   * alive without a network; end them first.
   */
  @Override
  public void close() {
    Processes.cancel(hook);
    deleteQuietly();
  }
}
