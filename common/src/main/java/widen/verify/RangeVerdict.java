package widen.verify;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * The outcome of verifying one range: the checksums of both sides as they stood at the end, and
 * what was done to make them equal.
 */
public record RangeVerdict(Verdict verdict, TableChecksum.Sum source, TableChecksum.Sum target,
    String note) {

  public enum Verdict {
    /** Equal at the first comparison. */
    MATCH,
    /** Different at first, equal after a re-copy (and, if allowed, removing extra target rows). */
    REPAIRED,
    /** Still different: the note says why and what to do. */
    MISMATCH
  }

  public JsonObject toJson() {
    return new JsonObject().put("verdict", verdict.name()).put("source", sum(source))
        .put("target", sum(target)).put("note", note);
  }

  public static RangeVerdict fromJson(JsonObject j) {
    return new RangeVerdict(Verdict.valueOf(j.getString("verdict")), sum(j.getJsonObject("source")),
        sum(j.getJsonObject("target")), j.getString("note"));
  }

  private static JsonObject sum(TableChecksum.Sum s) {
    return new JsonObject().put("rows", s.rows()).put("high", s.high().toPlainString())
        .put("low", s.low().toPlainString());
  }

  private static TableChecksum.Sum sum(JsonObject j) {
    return new TableChecksum.Sum(j.getLong("rows"), new BigDecimal(j.getString("high")),
        new BigDecimal(j.getString("low")));
  }
}
