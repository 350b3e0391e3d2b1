package widen.queue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import widen.verify.RangeVerdict;

/**
 * What a worker reports for a task, published only after the rows are committed. {@code error}
 * is null on success; {@code verdict} is set for a verify task. The task's bounds travel back so
 * the coordinator can refuse a result for a range that was planned differently (a stale message
 * from before a restart).
 */
public record RangeResult(RangeTask task, boolean ok, long rows, String worker, long startedAtMillis,
    long finishedAtMillis, String error, RangeVerdict verdict) {

  /** The worker name of a result the broker wrote for a task no worker answered. */
  public static final String BROKER = "(broker)";

  public static RangeResult success(RangeTask task, long rows, String worker, long started) {
    return new RangeResult(task, true, rows, worker, started, System.currentTimeMillis(), null,
        null);
  }

  /** A verify task that ran to its end; a MISMATCH verdict counts as a failed attempt. */
  public static RangeResult verified(RangeTask task, RangeVerdict v, String worker, long started) {
    boolean ok = v.verdict() != RangeVerdict.Verdict.MISMATCH;
    return new RangeResult(task, ok, v.source().rows(), worker, started,
        System.currentTimeMillis(), ok ? null : "verification: " + v.note(), v);
  }

  public static RangeResult failure(RangeTask task, String worker, long started, String error) {
    return new RangeResult(task, false, 0, worker, started, System.currentTimeMillis(), error,
        null);
  }

  /** A task the broker dead-lettered at the delivery limit: no worker lived to report on it. */
  public static RangeResult abandoned(RangeTask task, String error) {
    long now = System.currentTimeMillis();
    return new RangeResult(task, false, 0, BROKER, now, now, error, null);
  }

  /** True for {@link #abandoned} results, which are parked at once rather than retried. */
  public boolean abandoned() {
    return BROKER.equals(worker);
  }

  public byte[] toBytes() {
    return new JsonObject()
        .put("task", task.toJson())
        .put("ok", ok)
        .put("rows", rows)
        .put("worker", worker)
        .put("started", startedAtMillis)
        .put("finished", finishedAtMillis)
        .put("error", error)
        .put("verdict", verdict == null ? null : verdict.toJson())
        .toBuffer().getBytes();
  }

  public static RangeResult fromBytes(byte[] body) {
    JsonObject j = new JsonObject(Buffer.buffer(body));
    JsonObject v = j.getJsonObject("verdict");
    return new RangeResult(RangeTask.fromJson(j.getJsonObject("task")), j.getBoolean("ok"),
        j.getLong("rows"), j.getString("worker"), j.getLong("started"), j.getLong("finished"),
        j.getString("error"), v == null ? null : RangeVerdict.fromJson(v));
  }
}
