package widen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static widen.e2e.Http.await;
import static widen.e2e.Http.status;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import widen.config.WidenConfig;
import widen.demo.CsmhFixture;
import widen.demo.WidenProcess;
import widen.testing.TestServices;

/**
 * The dashboard in a real (headless) browser: the numbers it renders are those of
 * {@code /api/status}, first with a range parked (its error listed, the fleet shown), then with
 * the flip advised (the banner). Screenshots go to target/dashboard-parked.png and
 * target/dashboard.png.
 */
class DashboardIT {
  private static final long ROWS = 20_000;

  @TempDir
  Path logs;
  private Csmh tables;
  private Fleet fleet;

  @AfterEach
  void tearDown() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    if (tables != null) {
      tables.close();
    }
  }

  @Test
  void theDashboardShowsWhatTheStatusApiSays() throws Exception {
    Chromium.require();
    tables = Csmh.create("dash", ROWS, false);
    long refused = tables.source.queryLong("SELECT id FROM " + CsmhFixture.SOURCE_TABLE
        + " ORDER BY id LIMIT 1 OFFSET 12000");
    tables.target.execute("CREATE TRIGGER refuse BEFORE INSERT ON " + CsmhFixture.TARGET_TABLE
        + " FOR EACH ROW BEGIN IF NEW.id = " + refused + " THEN SIGNAL SQLSTATE '45000'"
        + " SET MESSAGE_TEXT = 'dashboard test refuses id " + refused + "'; END IF; END");
    WidenConfig config = WidenConfig.of(TestServices.config("dash-" + tables.control.name(),
        tables.source, CsmhFixture.SOURCE_TABLE, tables.target, CsmhFixture.TARGET_TABLE,
        tables.control)).with(Map.of("plan.range_rows", "500", "copy.max_attempts", "1",
            "worker.http_port", "0"));
    fleet = new Fleet(config, tables.control, logs);
    fleet.prepare();
    WidenProcess coordinator = fleet.start("coordinator");
    fleet.start("worker");
    int port = Http.port(coordinator, Http.COORDINATOR_PORT);
    String url = "http://127.0.0.1:" + port + "/";

    await("every copy range done but the parked one", coordinator, 300,
        () -> Http.onlyParkedLeft(port, 1));
    String dom = Chromium.dumpDom(url);
    JsonObject s = status(port);
    assertPageMatches(dom, s);
    assertTrue(dom.contains("dashboard test refuses id " + refused), "the parked range's error"
        + " is listed: " + dom);
    String worker = s.getJsonArray("fleet").getJsonObject(0).getString("worker");
    assertTrue(dom.contains("data-worker=\"" + worker + "\""), "the worker is listed: " + dom);
    assertTrue(cells(dom, "map-copy", "failed") > 0, "the parked range is red on the map");
    assertTrue(hidden(dom, "flip-banner"), "no flip advice while a range is parked");
    Chromium.screenshot(url, Path.of("target", "dashboard-parked.png"));

    tables.target.execute("DROP TRIGGER refuse");
    assertEquals(0, fleet.run("retry-failed"));
    await("the flip advice, on the range map too", coordinator, 300,
        () -> Http.advisedAndMapped(port));
    dom = Chromium.dumpDom(url);
    s = status(port);
    assertPageMatches(dom, s);
    assertFalse(hidden(dom, "flip-banner"), "the flip advice shows as a banner: " + dom);
    assertTrue(element(dom, "flip-banner").startsWith("FLIP ADVISED: " + String.format("%,d",
        ROWS) + " rows verified equal"), element(dom, "flip-banner"));
    assertEquals(0, cells(dom, "map-copy", "failed"));
    Chromium.screenshot(url, Path.of("target", "dashboard.png"));
  }

  /** The page's numbers equal the API's (the migration stands still while both are read). */
  private static void assertPageMatches(String dom, JsonObject s) {
    JsonObject copy = s.getJsonObject("ranges").getJsonObject("copy");
    JsonObject p = s.getJsonObject("progress");
    assertEquals(s.getString("phase"), element(dom, "phase"));
    assertEquals(p.getLong("rows_copied"), number(dom, "rows-copied"));
    assertEquals(p.getLong("rows_planned"), number(dom, "rows-planned"));
    assertEquals(copy.getLong("done"), number(dom, "ranges-done"));
    assertEquals(copy.getLong("total"), number(dom, "ranges-total"));
    assertEquals(s.getJsonObject("ranges").getJsonObject("verify").getLong("done"),
        number(dom, "verify-done"));
    assertEquals(s.getJsonObject("parked").getLong("count"), number(dom, "parked-count"));
    assertEquals(s.getJsonArray("fleet").size(), number(dom, "workers-active"));
    assertEquals(String.format("%.1f", 100 * p.getDouble("fraction_done")),
        element(dom, "percent"));
    assertEquals(p.getString("eta"), element(dom, "eta"));
    int buckets = s.getJsonObject("range_map").getJsonObject("copy").getJsonArray("buckets")
        .size();
    assertTrue(buckets > 1 && buckets <= 400, "bounded map: " + buckets);
    assertEquals(buckets, List.of("done", "queued", "pending", "failed").stream()
        .mapToInt(state -> cells(dom, "map-copy", state)).sum(), "one cell per bucket");
  }

  /** The text inside the element with {@code id} (no nested elements). */
  private static String element(String dom, String id) {
    Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(dom);
    assertTrue(m.find(), "no element " + id + " in: " + dom);
    return m.group(1).replace("&amp;", "&").trim();
  }

  private static long number(String dom, String id) {
    return Long.parseLong(element(dom, id).replace(",", ""));
  }

  private static boolean hidden(String dom, String id) {
    return Pattern.compile("id=\"" + id + "\"[^>]*\\bhidden\\b").matcher(dom).find();
  }

  /** Cells of the map {@code mapId} coloured {@code state}. */
  private static int cells(String dom, String mapId, String state) {
    int from = dom.indexOf("id=\"" + mapId + "\"");
    int to = dom.indexOf("</div></", from);
    Matcher m = Pattern.compile("class=\"cell " + state + "\"").matcher(dom.substring(from, to));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
