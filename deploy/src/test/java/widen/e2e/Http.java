package widen.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.vertx.core.json.JsonObject;
import widen.demo.WidenProcess;

/** What the observability tests ask of the processes' HTTP ports, and how they wait. */
final class Http {
  static final Pattern COORDINATOR_PORT = Pattern.compile("coordinator HTTP on port (\\d+)");
  static final Pattern WORKER_PORT = Pattern.compile("worker \\S+ HTTP on port (\\d+)");
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private Http() {}

  /** The port {@code process} logged with {@code pattern}, waiting for the line. */
  static int port(WidenProcess process, Pattern pattern) throws Exception {
    await("a port logged by " + process.name(), process, 120, () -> pattern.matcher(
        process.tail(1000)).find());
    Matcher m = pattern.matcher(process.tail(1000));
    m.find();
    return Integer.parseInt(m.group(1));
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(int port, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject status(int port) throws Exception {
    HttpResponse<String> r = get(port, "/api/status");
    if (r.statusCode() != 200) {
      throw new AssertionError("GET /api/status -> " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  /**
   * As {@link #status}, but an empty object while the coordinator is starting (503: no status
   * read yet, the ledger's tables being created): for conditions waited for.
   */
  static JsonObject statusOnceUp(int port) throws Exception {
    HttpResponse<String> r = get(port, "/api/status");
    if (r.statusCode() == 503) {
      return new JsonObject();
    }
    if (r.statusCode() != 200) {
      throw new AssertionError("GET /api/status -> " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  /**
   * Copy ranges the status's range map counts as done. The map is refreshed less often than the
   * counts (every 10 s), so a test waits for it to catch up.
   */
  static long mapDone(JsonObject status) {
    return status.getJsonObject("range_map").getJsonObject("copy").getJsonArray("buckets")
        .stream().mapToLong(b -> ((io.vertx.core.json.JsonArray) b).getLong(6)).sum();
  }

  /**
   * True once planning is done and every copy range is done but one, parked, with
   * {@code workers} workers in the fleet and the range map caught up.
   */
  static boolean onlyParkedLeft(int port, int workers) throws Exception {
    JsonObject s = statusOnceUp(port);
    if (s.getJsonObject("parked", new JsonObject()).getLong("count", 0L) != 1) {
      return false;
    }
    JsonObject copy = s.getJsonObject("ranges").getJsonObject("copy");
    return s.getJsonObject("sweeps").getBoolean("planning_done")
        && copy.getLong("done") == copy.getLong("total") - 1
        && mapDone(s) == copy.getLong("done") && s.getJsonArray("fleet").size() == workers;
  }

  /** True once the flip is advised and the range map shows every copy range done. */
  static boolean advisedAndMapped(int port) throws Exception {
    JsonObject s = status(port);
    return s.getJsonObject("flip").getBoolean("advised")
        && mapDone(s) == s.getJsonObject("ranges").getJsonObject("copy").getLong("total");
  }

  /**
   * The value of one series in a Prometheus scrape, e.g. {@code widen_ranges{kind="copy",...}};
   * NaN if the scrape does not have it.
   */
  static double metric(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .orElse(Double.NaN);
  }

  static String metrics(int port) throws Exception {
    HttpResponse<String> r = get(port, "/metrics");
    if (r.statusCode() != 200) {
      throw new AssertionError("GET /metrics -> " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** Waits up to {@code seconds} for {@code condition}; fails early if {@code process} dies. */
  static void await(String what, WidenProcess process, int seconds, Callable<Boolean> condition)
      throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.call()) {
      if (!process.alive() || System.nanoTime() > deadline) {
        throw new AssertionError("not reached: " + what + "; " + process.tail(40));
      }
      Thread.sleep(200);
    }
  }
}
