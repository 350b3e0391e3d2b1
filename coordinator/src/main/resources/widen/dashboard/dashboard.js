// The dashboard: polls /api/status (the coordinator's snapshot, refreshed every 2 s) and draws
// it. Plain DOM and SVG, nothing fetched from elsewhere.
"use strict";
const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);
const fmt = (n) => Math.round(n).toLocaleString("en-US");

function text(id, value) { $(id).textContent = value; }

function render(s) {
  $("error-banner").hidden = true;
  text("migration", s.migration || "");
  text("phase", s.phase);
  text("coordinator", s.coordinator ? "(coordinator " + s.coordinator + ")" : "");
  text("updated", "as of " + s.taken_at);
  text("queue-depth", s.task_queue_depth < 0 ? "unknown" : fmt(s.task_queue_depth));
  text("throttle", s.throttle.state || "running");
  fleet(s.fleet);
  if (!s.progress) { return; }
  text("tables", s.source_table + " \u2192 " + s.target_table);
  const p = s.progress;
  $("bar-fill").style.width = (100 * p.fraction_done).toFixed(1) + "%";
  text("percent", (100 * p.fraction_done).toFixed(1));
  text("eta", p.eta);
  text("rows-copied", fmt(p.rows_copied));
  text("rows-planned", fmt(p.rows_planned));
  text("rate-now", fmt(p.rows_per_second));
  text("rate-avg", fmt(p.rows_per_second_average));
  text("ranges-done", fmt(s.ranges.copy.done));
  text("ranges-total", fmt(s.ranges.copy.total));
  text("verify-done", fmt(s.ranges.verify.done));
  text("verify-total", fmt(s.ranges.verify.total));
  chart(s.throughput);
  map("map-copy", s.range_map.copy);
  map("map-verify", s.range_map.verify);
  parked(s.parked);
  flip(s);
}

function flip(s) {
  const b = $("flip-banner");
  if (s.flip.advised) {
    const a = s.flip.advice;
    b.textContent = "FLIP ADVISED: " + fmt(a.source.rows) + " rows verified equal (checksum "
      + a.source.checksum + "); " + a.next;
  } else if (s.report) {
    b.textContent = "COMPLETE: " + fmt(s.report.target.rows) + " rows in the new table, equal to"
      + " the old: " + s.report.match;
  }
  b.hidden = !(s.flip.advised || s.report);
}

// One bar per step of the series; steps without a finished range are gaps (no rows then).
function chart(t) {
  const steps = 120;
  const now = Date.now() / 1000;
  const span = steps * t.step_seconds;
  const max = Math.max(1, ...t.points.map((p) => p.rows_per_second));
  const w = 800 / steps;
  const bars = t.points.filter((p) => now - p.t < span).map((p) => {
    const h = 140 * p.rows_per_second / max;
    const x = 800 * (1 - (now - p.t) / span);
    return '<rect x="' + Math.max(0, x - w).toFixed(1) + '" y="' + (150 - h).toFixed(1)
      + '" width="' + (w - 1).toFixed(1) + '" height="' + h.toFixed(1) + '" fill="#2f6fd6"/>';
  });
  text("chart-max", fmt(max));
  $("chart").innerHTML = '<line x1="0" y1="150" x2="800" y2="150" stroke="#c9ced6"/>' + bars.join("");
}

// Each bucket is a run of consecutive ranges: red if any is parked, green when all are done,
// blue while under way (some queued or done), grey when only planned.
function map(id, m) {
  const el = $(id);
  el.replaceChildren(...m.buckets.map((b) => {
    const [first, last, lo, hi, pending, queued, done, failed] = b;
    const cell = document.createElement("div");
    const total = pending + queued + done + failed;
    cell.className = "cell " + (failed > 0 ? "failed" : done === total ? "done"
      : queued + done > 0 ? "queued" : "pending");
    cell.title = "ranges " + first + "-" + last + ", ids (" + lo + ", " + hi + "]: " + done
      + " done, " + queued + " queued, " + pending + " pending, " + failed + " parked";
    return cell;
  }));
}

function fleet(workers) {
  text("workers-active", workers.length);
  $("fleet").tBodies[0].replaceChildren(...workers.map((w) => {
    const tr = document.createElement("tr");
    tr.className = "worker";
    tr.dataset.worker = w.worker;
    [w.worker, w.host, w.threads, w.ranges.join(", "), fmt(w.ranges_done), fmt(w.ranges_failed),
      fmt(w.rows_per_second), w.seconds_since_heartbeat.toFixed(0) + " s ago"].forEach((v) => {
      const td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    });
    return tr;
  }));
}

function parked(p) {
  text("parked-count", p.count);
  $("parked").replaceChildren(...p.ranges.map((line) => {
    const li = document.createElement("li");
    li.textContent = line;
    return li;
  }));
}

async function poll() {
  try {
    const r = await fetch("api/status", { cache: "no-store" });
    const body = await r.json();
    if (!r.ok) { throw new Error(body.error || r.status); }
    render(body);
  } catch (e) {
    const b = $("error-banner");
    b.textContent = "status not available: " + e.message;
    b.hidden = false;
  }
  setTimeout(poll, POLL_MS);
}
poll();
