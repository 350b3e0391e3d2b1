package widen.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's package), to load the dashboard as a browser would: run its
 * script, then print the rendered DOM or take a screenshot. Each run gets a fresh profile and
 * none of Chromium's own network traffic (updates, sync, QUIC).
 */
final class Chromium {
  private static final Path BINARY = Path.of("/usr/bin/chromium");

  private Chromium() {}

  /** Fails, saying how to install it, when Chromium is missing: the dashboard test must run. */
  static void require() {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError("headless Chromium is needed for the dashboard test and "
          + BINARY + " is missing: install it with `apt-get install -y chromium` (or"
          + " `bin/setup --browser`)");
    }
  }

  /** The DOM of {@code url} after its scripts ran for up to 5 s of virtual time. */
  static String dumpDom(String url) throws Exception {
    return run(List.of("--dump-dom", url), null);
  }

  static void screenshot(String url, Path png) throws Exception {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=1400,1000", url), png);
    if (!Files.exists(png) || Files.size(png) == 0) {
      throw new AssertionError("Chromium wrote no screenshot at " + png);
    }
  }

  private static String run(List<String> what, Path png) throws Exception {
    require();
    Path profile = Files.createTempDirectory("widen-chromium");
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--virtual-time-budget=5000"));
    cmd.addAll(what);
    Path err = Files.createTempFile("widen-chromium", ".log");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("Chromium did not finish in 120 s: " + Files.readString(err));
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("Chromium exited " + p.exitValue() + ": " + Files.readString(err));
    }
    return out;
  }
}
