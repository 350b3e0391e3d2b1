package widen.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy that makes a bad network on purpose: every chunk it forwards waits a delay with
 * jitter, some connections are reset mid-stream, and {@link #cut} drops them all and refuses new
 * ones for a while. It stands in for {@code tc netem} on kernels without it, between the workers
 * and the databases and broker.
 */
final class FlakyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final int delayMs;
  private final int jitterMs;
  private final double resetPerChunk;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  /** Connections {@link #blackhole} silenced: they stay open and never carry a byte again. */
  private final Set<Socket> silenced = ConcurrentHashMap.newKeySet();
  private final AtomicLong resets = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger dropAfterGreeting =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile long refuseUntil;
  private volatile boolean silenceNew;
  private volatile boolean closed;

  /**
   * Listens on {@code bind} (a free port) and forwards to {@code upstream}; each forwarded chunk
   * is delayed {@code delayMs} +- {@code jitterMs} and resets its connection with probability
   * {@code resetPerChunk}.
   */
  FlakyProxy(String bind, InetSocketAddress upstream, int delayMs, int jitterMs,
      double resetPerChunk) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getByName(bind));
    this.upstream = upstream;
    this.delayMs = delayMs;
    this.jitterMs = jitterMs;
    this.resetPerChunk = resetPerChunk;
    Thread accept = new Thread(this::acceptLoop, "flaky-proxy-" + port());
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections reset so far, by chance or by {@link #cut}. */
  long resets() {
    return resets.get();
  }

  /** Drops every open connection and refuses new ones for {@code millis}: a partition. */
  void cut(long millis) {
    refuseUntil = System.currentTimeMillis() + millis;
    open.forEach(this::reset);
  }

  /**
   * Resets each of the next {@code connections} new connections right after the server's first
   * chunk (its greeting) has reached the client: a connection that reached its server, then
   * dropped in the middle of the handshake.
   */
  void dropAfterGreeting(int connections) {
    dropAfterGreeting.set(connections);
  }

  /**
   * Every connection open now stops carrying data, for good, and is never closed (until {@link
   * #close}): no reset and no FIN reaches either end, as when a failover, a NAT or a firewall
   * forgets a connection or a partition eats its packets. New connections pass as before.
   */
  void blackhole() {
    silenced.addAll(open);
  }

  /**
   * As {@link #blackhole}, and every new connection too is accepted and then carries nothing,
   * not even the server's greeting: a server behind a load balancer that still takes
   * connections after the server itself stopped answering. Until {@link #heal}.
   */
  void blackholeAll() {
    silenceNew = true;
    silenced.addAll(open);
  }

  /** Ends {@link #blackholeAll}: every connection still open carries data again. */
  void heal() {
    silenceNew = false;
    silenced.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (System.currentTimeMillis() < refuseUntil) {
          client.close();
          continue;
        }
        Socket up = new Socket();
        up.connect(upstream, 5_000);
        open.add(client);
        open.add(up);
        if (silenceNew) {
          silenced.add(client);
          silenced.add(up);
        }
        pump(client, up, false);
        pump(up, client, dropAfterGreeting.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean dropAfterFirstChunk) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          ThreadLocalRandom r = ThreadLocalRandom.current();
          Thread.sleep(Math.max(0, delayMs + r.nextInt(-jitterMs, jitterMs + 1)));
          if (r.nextDouble() < resetPerChunk) {
            break;
          }
          while (silenced.contains(from) && !closed) {
            Thread.sleep(100); // holds what it read and reads no more: the sender's buffer fills
          }
          out.write(buf, 0, n);
          out.flush();
          if (dropAfterFirstChunk) {
            break;
          }
        }
      } catch (IOException | InterruptedException e) {
        // The other direction or a cut closed the pair; nothing left to forward.
      }
      reset(from);
      reset(to);
    }, "flaky-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Closes with a TCP reset (linger 0), as a dropped connection looks to the driver. */
  private void reset(Socket s) {
    if (open.remove(s)) {
      resets.incrementAndGet();
    }
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    open.forEach(this::reset);
    silenced.clear();
  }
}
