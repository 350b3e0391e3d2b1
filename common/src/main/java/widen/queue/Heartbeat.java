package widen.queue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a worker says about itself every few seconds on the heartbeat exchange: who it is, where
 * its metrics are, what it holds now and how fast it copies. A state, not an event: a lost
 * heartbeat is replaced by the next, and a worker that stops sending drops out of the fleet.
 *
 * @param ranges the ranges in hand now, as "copy 12" or "verify 40"
 * @param rowsPerSecond rows copied per second over the worker's last few heartbeats
 */
public record Heartbeat(String worker, String host, int threads, int httpPort, List<String> ranges,
    double rowsPerSecond, long rowsCopied, long rangesDone, long rangesFailed, long sentAtMillis) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("worker", worker)
        .put("host", host)
        .put("threads", threads)
        .put("http_port", httpPort)
        .put("ranges", new JsonArray(List.copyOf(ranges)))
        .put("rows_per_second", rowsPerSecond)
        .put("rows_copied", rowsCopied)
        .put("ranges_done", rangesDone)
        .put("ranges_failed", rangesFailed)
        .put("sent_at", sentAtMillis);
  }

  public byte[] toBytes() {
    return toJson().toBuffer().getBytes();
  }

  public static Heartbeat fromBytes(byte[] body) {
    JsonObject j = new JsonObject(Buffer.buffer(body));
    return new Heartbeat(j.getString("worker"), j.getString("host"), j.getInteger("threads"),
        j.getInteger("http_port"), j.getJsonArray("ranges").stream().map(String::valueOf).toList(),
        j.getDouble("rows_per_second"), j.getLong("rows_copied"), j.getLong("ranges_done"),
        j.getLong("ranges_failed"), j.getLong("sent_at"));
  }
}
