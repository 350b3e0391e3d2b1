package widen.coordinator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The fleet part of {@code widen status}: the workers' heartbeats live only in the coordinator's
 * memory, so they are read from its {@code GET /api/status}; the rest of the report comes from
 * the ledger and works while the coordinator is down.
 */
final class FleetReport {
  private FleetReport() {}

  /** Where the coordinator of {@code m} answers: its host (from the ledger) and http.port. */
  static String defaultUrl(Migration m, int httpPort) {
    if (m.owner() == null || httpPort == 0) {
      return null;
    }
    return "http://" + m.owner().substring(0, m.owner().lastIndexOf(':')) + ":" + httpPort;
  }

  /** The fleet lines, or one line saying why they cannot be shown. */
  static String render(String coordinatorUrl) {
    if (coordinatorUrl == null) {
      return "fleet      unknown: give --coordinator http://host:port (http.port is 0 or no"
          + " coordinator holds the migration)\n";
    }
    JsonObject status;
    try {
      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
          .build().send(HttpRequest.newBuilder(URI.create(coordinatorUrl + "/api/status"))
              .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      status = new JsonObject(r.body());
      if (r.statusCode() != 200) {
        return "fleet      unknown: " + coordinatorUrl + " says " + status.getString("error")
            + "\n";
      }
    } catch (IOException | RuntimeException e) {
      return "fleet      unknown: no coordinator answers at " + coordinatorUrl + " (" + e
          + ")\n";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
    JsonArray workers = status.getJsonArray("fleet");
    StringBuilder out = new StringBuilder(String.format("fleet      %d workers sending"
        + " heartbeats; %s tasks waiting on the queue%n", workers.size(),
        status.getLong("task_queue_depth") < 0 ? "unknown" : status.getLong("task_queue_depth")));
    for (int i = 0; i < workers.size(); i++) {
      JsonObject w = workers.getJsonObject(i);
      JsonArray hand = w.getJsonArray("ranges");
      out.append(String.format("  %-28s %d threads, %,d ranges done, %,d failed, %,.0f rows/s,"
              + " in hand: %s; heartbeat %.0f s ago%n", w.getString("worker"),
          w.getInteger("threads"), w.getLong("ranges_done"), w.getLong("ranges_failed"),
          w.getDouble("rows_per_second"), hand.isEmpty() ? "none" : String.join(", ",
              hand.stream().map(String::valueOf).toList()),
          w.getDouble("seconds_since_heartbeat")));
    }
    return out.toString();
  }
}
