package widen.queue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What a worker reports for a task, published only after the rows are committed. {@code error}
 * is null on success. The task's bounds travel back so the coordinator can refuse a result for a
 * range that was planned differently (a stale message from before a restart).
 */
public record RangeResult(RangeTask task, boolean ok, long rows, String worker, long startedAtMillis,
    long finishedAtMillis, String error) {

  public static RangeResult success(RangeTask task, long rows, String worker, long started) {
    return new RangeResult(task, true, rows, worker, started, System.currentTimeMillis(), null);
  }

  public static RangeResult failure(RangeTask task, String worker, long started, String error) {
    return new RangeResult(task, false, 0, worker, started, System.currentTimeMillis(), error);
  }

  public byte[] toBytes() {
    return new JsonObject()
        .put("task", new JsonObject(Buffer.buffer(task.toBytes())))
        .put("ok", ok)
        .put("rows", rows)
        .put("worker", worker)
        .put("started", startedAtMillis)
        .put("finished", finishedAtMillis)
        .put("error", error)
        .toBuffer().getBytes();
  }

  public static RangeResult fromBytes(byte[] body) {
    JsonObject j = new JsonObject(Buffer.buffer(body));
    RangeTask task = RangeTask.fromBytes(j.getJsonObject("task").toBuffer().getBytes());
    return new RangeResult(task, j.getBoolean("ok"), j.getLong("rows"), j.getString("worker"),
        j.getLong("started"), j.getLong("finished"), j.getString("error"));
  }
}
