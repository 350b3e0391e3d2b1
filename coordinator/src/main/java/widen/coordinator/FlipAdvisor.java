package widen.coordinator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import widen.verify.TableChecksum;

/**
 * Writes the flip advice and the final report, each with its evidence: both sides' rows and
 * checksums summed over every verified range (the checksum is a sum over rows, so these equal the
 * whole tables' up to the mark), the marks, the headroom and what verification repaired.
 */
final class FlipAdvisor {
  private static final Logger log = LoggerFactory.getLogger(FlipAdvisor.class);

  private final Ledger ledger;
  private final String webhook;

  FlipAdvisor(Ledger ledger, String webhook) {
    this.ledger = ledger;
    this.webhook = webhook;
  }

  /** Records READY_TO_FLIP with its evidence, logs it and posts it to the webhook if any. */
  JsonObject advise(Sweep last, Headroom headroom, long tail) throws SQLException {
    JsonObject advice = evidence(last)
        .put("advice", "READY_TO_FLIP")
        .put("advised_at", Instant.now().toString())
        .put("tail_rows", tail)
        .put("headroom", headroom.toJson())
        .put("next", "switch the application to the new table only (READ_ONLY_FROM_CSMHE), then"
            + " run: widen flip --confirm");
    ledger.advise(advice.encode());
    log.warn("migration={} READY TO FLIP: {} rows verified equal up to id {}, {} rows since;"
        + " switch the application to the new table, then run `widen flip --confirm`",
        ledger.migrationId(), advice.getJsonObject("source").getLong("rows"), last.mark(), tail);
    post(advice);
    return advice;
  }

  /** The final report, recorded with COMPLETE. */
  JsonObject complete(Sweep last, Headroom headroom) throws SQLException {
    JsonObject report = evidence(last)
        .put("phase", "COMPLETE")
        .put("completed_at", Instant.now().toString())
        .put("final_mark", last.mark())
        .put("headroom", headroom.toJson());
    ledger.complete(report.encode());
    log.warn("migration={} COMPLETE: {}", ledger.migrationId(), report.encode());
    return report;
  }

  private JsonObject evidence(Sweep last) throws SQLException {
    TableChecksum.Sum[] sums = ledger.reports().verifiedSums();
    JsonArray sweeps = new JsonArray();
    for (Sweep s : ledger.sweeps()) {
      sweeps.add(new JsonObject().put("sweep", s.number()).put("from", s.fromMark())
          .put("mark", s.mark()).put("rows_new", s.rowsNew()).put("final", s.isFinal()));
    }
    List<String> repairs = ledger.reports().repairs(100);
    return new JsonObject()
        .put("migration", ledger.migrationId())
        .put("verified_through", last.mark())
        .put("source", sum(sums[0]))
        .put("target", sum(sums[1]))
        .put("match", sums[0].equals(sums[1]))
        .put("sweeps", sweeps)
        .put("repaired_ranges", new JsonArray(repairs));
  }

  private static JsonObject sum(TableChecksum.Sum s) {
    return new JsonObject().put("rows", s.rows()).put("checksum", s.checksum());
  }

  /** Best effort: a webhook that is down must not stop the migration; the ledger has the advice. */
  private void post(JsonObject advice) {
    if (webhook.isEmpty()) {
      return;
    }
    try {
      HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          webhook)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(advice.encode())).build(),
          HttpResponse.BodyHandlers.discarding());
      log.info("flip advice posted to {}: HTTP {}", webhook, r.statusCode());
    } catch (java.io.IOException e) {
      log.warn("flip advice not posted to {}: {}", webhook, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
