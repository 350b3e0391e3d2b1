package widen.queue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import widen.range.IdRange;

/**
 * One unit of work on the task queue: copy the source rows in {@code range} to the target.
 * {@code attempt} counts from 1; the coordinator raises it when it sends a failed range again.
 */
public record RangeTask(String migrationId, int rangeId, int sweep, IdRange range, int attempt) {

  public byte[] toBytes() {
    return new JsonObject()
        .put("migration", migrationId)
        .put("range", rangeId)
        .put("sweep", sweep)
        .put("lo", range.lo())
        .put("hi", range.hi())
        .put("attempt", attempt)
        .toBuffer().getBytes();
  }

  public static RangeTask fromBytes(byte[] body) {
    JsonObject j = new JsonObject(Buffer.buffer(body));
    return new RangeTask(j.getString("migration"), j.getInteger("range"), j.getInteger("sweep"),
        new IdRange(j.getLong("lo"), j.getLong("hi")), j.getInteger("attempt"));
  }
}
