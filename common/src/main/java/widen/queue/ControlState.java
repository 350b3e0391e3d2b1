package widen.queue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What the coordinator tells every worker each second on the control exchange: whether to take
 * new ranges, why not, and how many rows per second each consumer may copy (0: no limit). A
 * state, not a command, so a worker that missed one message is right again a second later.
 */
public record ControlState(boolean paused, String reason, long rowsPerSecondPerConsumer) {
  public static final ControlState OPEN = new ControlState(false, null, 0);

  public byte[] toBytes() {
    return new JsonObject().put("paused", paused).put("reason", reason)
        .put("rowsPerSecondPerConsumer", rowsPerSecondPerConsumer).toBuffer().getBytes();
  }

  public static ControlState fromBytes(byte[] body) {
    JsonObject j = new JsonObject(Buffer.buffer(body));
    return new ControlState(j.getBoolean("paused"), j.getString("reason"),
        j.getLong("rowsPerSecondPerConsumer"));
  }

  /** "running", "running at most N rows/s per consumer" or "paused: reason", for logs. */
  public String describe() {
    if (paused) {
      return "paused: " + reason;
    }
    return rowsPerSecondPerConsumer > 0 ? "running at most " + rowsPerSecondPerConsumer
        + " rows/s per consumer" : "running";
  }
}
