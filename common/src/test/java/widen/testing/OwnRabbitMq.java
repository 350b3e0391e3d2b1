package widen.testing;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A RabbitMQ node of a test's own, with its data under a temp dir, so a fault test can kill it,
 * stop it and start it again (durable queues and persistent messages survive) without touching
 * the shared node {@code rabbit@localhost} on 5672.
 *
 * <p>The node runs as a child process in the foreground under this process's user, with every
 * setting from environment variables pointing into the temp dir: a node name of its own, free
 * AMQP and distribution ports, no plugins (the management plugin would want 15672, which the
 * shared node holds), an empty env file instead of /etc/rabbitmq/rabbitmq-env.conf, and a config
 * file instead of /etc/rabbitmq/rabbitmq.conf (whose listener is the shared node's port). HOME
 * is the temp dir too, so the Erlang cookie is the node's own and {@code rabbitmqctl} run with
 * the same environment reaches it. The shared epmd on 4369 is used; that is harmless.
 *
 * <p>Debian's /usr/sbin/rabbitmq-server switches to the rabbitmq user, which cannot read the
 * temp dir, so the scripts in /usr/lib/rabbitmq/bin are run directly. On a 2-core machine
 * (RabbitMQ 3.10.8, Erlang 25) a start took 6 to 8 s, up to 16 s when the machine was busy; a
 * graceful stop about 2 s.
 */
public final class OwnRabbitMq implements AutoCloseable {
  private static final String BIN = Files.isDirectory(Path.of("/usr/lib/rabbitmq/bin"))
      ? "/usr/lib/rabbitmq/bin/" : "";
  private static final long TIMEOUT_SECONDS = 60;

  private final String node;
  private final String host;
  private final int port;
  private final int distPort;
  private final Path dir;
  private final Thread hook;
  private Process process;

  private OwnRabbitMq(String node, String host, int port, int distPort, Path dir) {
    this.node = node;
    this.host = host;
    this.port = port;
    this.distPort = distPort;
    this.dir = dir;
    this.hook = Processes.onJvmExit(node, this::closeQuietly);
  }

  /**
   * Creates a node named {@code widen-test-<name>-<random>@localhost} listening for AMQP on
   * {@code bindAddress} at a free port, starts it and waits until guest/guest can connect.
   */
  public static OwnRabbitMq start(String name, String bindAddress) throws IOException,
      TimeoutException {
    String safe = name.replaceAll("[^A-Za-z0-9_-]", "_");
    String node = "widen-test-" + safe + "-"
        + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36) + "@localhost";
    Path dir = Files.createTempDirectory("widen-mq-" + safe + "-");
    OwnRabbitMq mq = new OwnRabbitMq(node, bindAddress, Processes.freePort(bindAddress),
        Processes.freePort(bindAddress), dir);
    try {
      mq.configure();
      mq.start();
      return mq;
    } catch (IOException | TimeoutException | RuntimeException e) {
      mq.close();
      throw e;
    }
  }

  private void configure() throws IOException {
    Files.createDirectories(dir.resolve("mnesia"));
    Files.createDirectories(dir.resolve("log"));
    Path cookie = dir.resolve(".erlang.cookie");
    Files.writeString(cookie, "WIDEN" + Long.toString(
        ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36).toUpperCase());
    // Erlang refuses a cookie file others can read.
    Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
    Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
    // guest may only log in over loopback by default; tests connect from namespaces too.
    Files.writeString(dir.resolve("rabbitmq.conf"), "loopback_users = none\n");
  }

  /** The environment both the server and rabbitmqctl run with. */
  private ProcessBuilder withEnvironment(ProcessBuilder pb) {
    Map<String, String> env = pb.environment();
    // Nothing of the caller's own RabbitMQ or Erlang settings may leak in.
    env.keySet().removeIf(k -> k.startsWith("RABBITMQ_") || k.startsWith("ERL_"));
    env.put("HOME", dir.toString());
    env.put("RABBITMQ_NODENAME", node);
    env.put("RABBITMQ_NODE_IP_ADDRESS", host);
    env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_MNESIA_DIR", dir.resolve("mnesia").resolve(node).toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
    env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
    // Only used if no epmd runs yet: then the one this node starts stays off the network.
    env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
    return pb;
  }

  /**
   * Starts the node (again) on the same ports and data directory and waits until guest/guest
   * can open an AMQP connection.
   */
  public void start() throws IOException, TimeoutException {
    if (alive()) {
      throw new IllegalStateException(node + " is already running");
    }
    process = withEnvironment(new ProcessBuilder(BIN + "rabbitmq-server"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
        .start();
    ConnectionFactory f = new ConnectionFactory();
    f.setHost(host);
    f.setPort(port);
    f.setUsername("guest");
    f.setPassword("guest");
    f.setConnectionTimeout(2_000);
    f.setAutomaticRecoveryEnabled(false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      try (Connection c = f.newConnection("widen-test-probe")) {
        return;
      } catch (IOException | TimeoutException notYet) {
        if (!process.isAlive()) {
          throw new IOException(node + " exited with " + process.exitValue()
              + " while starting; " + logs(), notYet);
        }
        if (System.nanoTime() > deadline) {
          kill();
          throw new TimeoutException(node + " not ready after " + TIMEOUT_SECONDS + " s; "
              + logs());
        }
        Processes.sleep(200);
      }
    }
  }

  private String logs() {
    return Processes.tail(dir.resolve("stdout.log"), 20) + "\n"
        + Processes.tail(dir.resolve("log").resolve(node + ".log"), 30);
  }

  public String nodeName() {
    return node;
  }

  /** The address the AMQP listener is bound to. */
  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** amqp://host:port/, as {@link TestServices#amqpUrl}; user guest, password guest. */
  public String amqpUrl() {
    return "amqp://" + host + ":" + port + "/";
  }

  /** A graceful shutdown with {@code rabbitmqctl stop}; waits until the node has exited. */
  public void stop() throws IOException {
    if (!alive()) {
      return;
    }
    Processes.run(withEnvironment(new ProcessBuilder(BIN + "rabbitmqctl", "-n", node, "stop")),
        TIMEOUT_SECONDS);
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException(node + " still running " + TIMEOUT_SECONDS
            + " s after rabbitmqctl stop; " + logs());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + node + " to stop", e);
    }
  }

  /** SIGKILLs the node's whole process tree (script, Erlang VM, its helpers), as a crash. */
  public void kill() {
    if (process != null) {
      Processes.killTree(process);
    }
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  private void closeQuietly() {
    try {
      kill();
      Processes.deleteTree(dir);
    } catch (RuntimeException e) {
      // Best effort on the way out.
    }
  }

  /**
   * Ends the node and deletes its data. It is killed rather than stopped: nothing of it is
   * kept, and a kill is instant where a stop takes seconds.
   */
  @Override
  public void close() {
    Processes.cancel(hook);
    kill();
    Processes.deleteTree(dir);
  }
}
