package widen.queue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import widen.range.IdRange;

/**
 * One unit of work on the task queue: copy the source rows in {@code range} to the target, or
 * verify (and repair) that range. {@code sweep} is 0 for the backfill and counts the delta sweeps
 * after it. {@code attempt} counts from 1; the coordinator raises it when it sends a failed range
 * again.
 */
public record RangeTask(String migrationId, int rangeId, Kind kind, int sweep, IdRange range,
    int attempt) {

  /** What a worker does with the range. */
  public enum Kind {
    /** Upsert every source row of the range into the target. */
    COPY,
    /** Compare the range's checksums on both sides; re-copy it if they differ. */
    VERIFY
  }

  public RangeTask nextAttempt() {
    return new RangeTask(migrationId, rangeId, kind, sweep, range, attempt + 1);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("migration", migrationId)
        .put("range", rangeId)
        .put("kind", kind.name())
        .put("sweep", sweep)
        .put("lo", range.lo())
        .put("hi", range.hi())
        .put("attempt", attempt);
  }

  public byte[] toBytes() {
    return toJson().toBuffer().getBytes();
  }

  public static RangeTask fromJson(JsonObject j) {
    return new RangeTask(j.getString("migration"), j.getInteger("range"),
        Kind.valueOf(j.getString("kind")), j.getInteger("sweep"),
        new IdRange(j.getLong("lo"), j.getLong("hi")), j.getInteger("attempt"));
  }

  public static RangeTask fromBytes(byte[] body) {
    return fromJson(new JsonObject(Buffer.buffer(body)));
  }
}
