package widen.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * What {@link OwnMariaDb}, {@link OwnRabbitMq} and {@link NetNamespace} share: running a short
 * command, finding a free port, killing a process tree, reading a log's tail, removing a
 * directory, and a JVM shutdown hook so a crashed or interrupted test run leaves no servers or
 * namespaces behind.
 */
final class Processes {
  private Processes() {}

  /**
   * Runs a short command to completion and returns its output (stdout and stderr together).
   * A non-zero exit fails with the command and its output.
   */
  static String run(List<String> command, long timeoutSeconds) throws IOException {
    return run(new ProcessBuilder(command), timeoutSeconds);
  }

  /** As {@link #run(List, long)}, for a command that needs an environment or directory. */
  static String run(ProcessBuilder pb, long timeoutSeconds) throws IOException {
    List<String> command = pb.command();
    Process p = pb.redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    // Read on another thread: a command writing more than a pipe's buffer would block forever.
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        killTree(p);
        throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
      }
      String output = out.get(5, TimeUnit.SECONDS);
      if (p.exitValue() != 0) {
        throw new IOException("exit " + p.exitValue() + " from " + command + ":\n" + output);
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree(p.toHandle());
      throw new IOException("interrupted: " + command, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("could not read the output of " + command, e);
    }
  }

  /**
   * A port nothing listens on at the moment. Another process may take it before the server
   * binds it, but with ports from the ephemeral range picked at random that is rare enough for
   * tests.
   */
  static int freePort(String bindAddress) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(bindAddress))) {
      return s.getLocalPort();
    }
  }

  /**
   * SIGKILLs a process and everything below it, and waits until they are gone. The tree is read
   * before the first kill: once a parent dies its children are re-parented and no longer found
   * as its descendants.
   */
  static void killTree(ProcessHandle root) {
    List<ProcessHandle> all = Stream.concat(Stream.of(root), root.descendants()).toList();
    all.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (ProcessHandle h : all) {
      while (!dead(h)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("process " + h.pid() + " did not die after SIGKILL");
        }
        sleep(20);
      }
    }
  }

  /**
   * {@link #killTree} for a child of this JVM, also waiting until the JVM has reaped it, so its
   * {@link Process#isAlive} is false on return (the zombie that {@link #killTree} already counts
   * as dead is reaped by another thread a moment later).
   */
  static void killTree(Process child) {
    killTree(child.toHandle());
    try {
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("process " + child.pid() + " not reaped after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * True once a process has exited. A killed grandchild whose parent died with it stays a zombie
   * until init reaps it, and {@link ProcessHandle#isAlive} counts a zombie as alive; it no longer
   * holds ports or files, so it counts as dead here.
   */
  static boolean dead(ProcessHandle h) {
    if (!h.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
      // The state follows the command name, which is in parentheses and may contain spaces.
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException | RuntimeException gone) {
      return !h.isAlive();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The last lines of a log file, for failure messages; empty if it does not exist. */
  static String tail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "(no " + file + ")";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return file + ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines),
          all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  /** Removes a directory and everything in it; a missing directory is fine. */
  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }

  /** Runs {@code cleanUp} if the JVM exits before {@link #cancel} is called. */
  static Thread onJvmExit(String name, Runnable cleanUp) {
    Thread hook = new Thread(cleanUp, name + "-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  static void cancel(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it does the same clean-up.
    }
  }
}
