package widen.coordinator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's files (plain HTML, JS and CSS in {@code widen/dashboard/} on the classpath, no
 * build step, nothing fetched from elsewhere: the coordinator's host may have no internet), read
 * once at start.
 */
final class DashboardFiles {
  private static final Map<String, String> FILES = Map.of(
      "/", "index.html",
      "/dashboard.js", "dashboard.js",
      "/dashboard.css", "dashboard.css");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8");

  private final Map<String, Buffer> loaded = new java.util.HashMap<>();

  DashboardFiles() {
    FILES.forEach((path, file) -> {
      try (InputStream in = DashboardFiles.class.getResourceAsStream("/widen/dashboard/" + file)) {
        if (in == null) {
          throw new IllegalStateException("dashboard file " + file + " missing from the jar");
        }
        loaded.put(path, Buffer.buffer(in.readAllBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** True if {@code req} asked for a dashboard file (answered here). */
  boolean handle(HttpServerRequest req) {
    Buffer body = loaded.get(req.path());
    if (body == null || !req.method().name().equals("GET")) {
      return false;
    }
    String file = FILES.get(req.path());
    req.response().putHeader("Content-Type", TYPES.get(file.substring(file.indexOf('.') + 1)))
        .putHeader("Cache-Control", "no-cache").end(body);
    return true;
  }
}
