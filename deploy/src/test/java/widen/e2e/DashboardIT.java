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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import widen.demo.WidenProcess;

/**
 * The dashboard in a real (headless) browser: the numbers it renders are those of
 * {@code /api/status}, first with a range parked (its error listed, the fleet shown), then with
 * the flip advised (the banner). Screenshots go to target/dashboard-parked.png and
 * target/dashboard.png.
 */
class DashboardIT extends RefusingFleet.Test {
  private static final long ROWS = 20_000;

  @Test
  void theDashboardShowsWhatTheStatusApiSays() throws Exception {
    Chromium.require();
    Fleet fleet = start("dash", ROWS, 12_000, Map.of("plan.range_rows", "500"));
    WidenProcess coordinator = fleet.start("coordinator");
    fleet.start("worker");
    int port = Http.port(coordinator, Http.COORDINATOR_PORT);
    String url = "http://127.0.0.1:" + port + "/";

    await("every copy range done but the parked one", coordinator, 300,
        () -> Http.onlyParkedLeft(port, 1));
    JsonObject before = status(port);
    String dom = Chromium.dumpDom(url);
    JsonObject s = status(port);
    assertPageMatches(dom, before, s);
    assertTrue(dom.contains(run.refusal), "the parked range's error is listed: " + dom);
    String worker = s.getJsonArray("fleet").getJsonObject(0).getString("worker");
    assertTrue(dom.contains("data-worker=\"" + worker + "\""), "the worker is listed: " + dom);
    assertTrue(cells(dom, "map-copy", "failed") > 0, "the parked range is red on the map");
    assertTrue(hidden(dom, "flip-banner"), "no flip advice while a range is parked");
    Chromium.screenshot(url, Path.of("target", "dashboard-parked.png"));

    run.accept();
    assertEquals(0, fleet.run("retry-failed"));
    await("the flip advice, on the range map too", coordinator, 300,
        () -> Http.advisedAndMapped(port));
    before = status(port);
    dom = Chromium.dumpDom(url);
    s = status(port);
    assertPageMatches(dom, before, s);
    assertFalse(hidden(dom, "flip-banner"), "the flip advice shows as a banner: " + dom);
    assertTrue(element(dom, "flip-banner").startsWith("FLIP ADVISED: " + String.format("%,d",
        ROWS) + " rows verified equal"), element(dom, "flip-banner"));
    assertEquals(0, cells(dom, "map-copy", "failed"));
    Chromium.screenshot(url, Path.of("target", "dashboard.png"));
  }

  /**
   * The page's numbers equal the API's (the migration stands still while both are read), but for
   * the ETA: its rate is over the last minute, so it moves with the clock even then, and the page
   * must show one between the API's just {@code before} the page was read and just after ({@code
   * s}). A CI run saw the page say 0m03s and the API 0m01s a moment later.
   */
  private static void assertPageMatches(String dom, JsonObject before, JsonObject s) {
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
    String etaBefore = before.getJsonObject("progress").getString("eta");
    String etaAfter = p.getString("eta");
    String shown = element(dom, "eta");
    boolean between = Stream.of(etaBefore, etaAfter, shown).allMatch(e -> seconds(e) >= 0)
        && Math.min(seconds(etaBefore), seconds(etaAfter)) <= seconds(shown)
        && seconds(shown) <= Math.max(seconds(etaBefore), seconds(etaAfter));
    assertTrue(shown.equals(etaBefore) || shown.equals(etaAfter) || between,
        "page ETA " + shown + ", the API's " + etaBefore + " before and " + etaAfter + " after");
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

  /** An ETA ("1h02m", "3m05s") in seconds; -1 for any other text ("done", "unknown"). */
  private static long seconds(String eta) {
    Matcher m = Pattern.compile("(\\d+)h(\\d+)m|(\\d+)m(\\d+)s").matcher(eta);
    if (!m.matches()) {
      return -1;
    }
    return m.group(1) != null ? Long.parseLong(m.group(1)) * 3600 + Long.parseLong(m.group(2)) * 60
        : Long.parseLong(m.group(3)) * 60 + Long.parseLong(m.group(4));
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
