package widen.coordinator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.WidenException;
import widen.config.Secret;
import widen.observe.ObserveServer;

/**
 * The control endpoints ({@code POST /api/flip}, {@code /api/retry-failed?range=ID},
 * {@code /api/pause}, {@code /api/resume}, {@code /api/throttle?rows_per_second=N}). They change
 * the migration, so they need {@code Authorization: Bearer <http.token>}; without a configured
 * token they are off. Each runs an {@link OperatorActions} action, as the CLI does.
 */
final class ControlApi {
  private static final Logger log = LoggerFactory.getLogger(ControlApi.class);

  private final Vertx vertx;
  private final Secret token;
  private final OperatorActions actions;

  ControlApi(Vertx vertx, Secret token, OperatorActions actions) {
    this.vertx = vertx;
    this.token = token;
    this.actions = actions;
  }

  boolean enabled() {
    return !token.isEmpty();
  }

  /** True if {@code req} was a control request (answered here). */
  boolean handle(HttpServerRequest req) {
    if (!req.method().name().equals("POST")) {
      return false;
    }
    switch (req.path()) {
      case "/api/flip" -> control(req, OperatorActions::flip);
      case "/api/pause" -> control(req, OperatorActions::pause);
      case "/api/resume" -> control(req, OperatorActions::resume);
      case "/api/throttle" -> {
        String rate = req.getParam("rows_per_second");
        if (rate == null || !rate.matches("[0-9]{1,12}")) {
          send(req, 400, "give ?rows_per_second=N (0: no limit)");
        } else {
          control(req, a -> a.throttle(Long.valueOf(rate)));
        }
      }
      case "/api/retry-failed" -> {
        String range = req.getParam("range");
        if (range != null && !range.matches("[0-9]{1,9}")) {
          send(req, 400, "range must be a range id (a number)");
        } else {
          control(req, a -> a.retryFailed(range == null ? null : Integer.valueOf(range)));
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  interface Control {
    String run(OperatorActions actions) throws Exception;
  }

  /** Runs a control action if the request carries the token; refusals come back as JSON. */
  private void control(HttpServerRequest req, Control action) {
    if (token.isEmpty()) {
      send(req, 403, "control endpoints are off: set http.token (or http.token_file) on the"
          + " coordinator");
      return;
    }
    String given = req.getHeader("Authorization");
    byte[] expected = ("Bearer " + token.reveal()).getBytes(StandardCharsets.UTF_8);
    if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      send(req, 401, "missing or wrong token: send Authorization: Bearer <http.token>");
      return;
    }
    vertx.executeBlocking(() -> action.run(actions), false)
        .onSuccess(message -> {
          log.info("control {} {}: {}", req.method(), req.path(), message);
          ObserveServer.json(req, 200, new JsonObject().put("result", message));
        })
        .onFailure(e -> send(req, e instanceof WidenException ? 409 : 500, e.getMessage()));
  }

  private static void send(HttpServerRequest req, int status, String error) {
    ObserveServer.json(req, status, new JsonObject().put("error", error));
  }
}
