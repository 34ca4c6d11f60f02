// claimwire dashboard: polls /api/pipeline/status and /api/pipeline/deadletters and draws the
// samples as SVG line charts. Every value is inserted as text; nothing is loaded from elsewhere.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const SERVICES = ["fetcher", "cleaner", "extractor", "dedup", "indexer"];
const COLORS = { fetcher: "#1f77b4", cleaner: "#2ca02c", extractor: "#ff7f0e", dedup: "#9467bd", indexer: "#d62728" };
const W = 640, H = 220, PAD = { left: 56, right: 10, top: 10, bottom: 24 };
let pollMs = 5000;

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
}

function clock(ts) {
  return new Date(ts * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

// One line per service over the samples; `value(service)` picks the plotted field.
function drawChart(node, samples, value) {
  node.replaceChildren();
  const points = samples.filter((s) => !s.error);
  const maxY = Math.max(1, ...points.flatMap((s) => s.services.map(value)));
  const t0 = points.length ? points[0].ts : 0;
  const t1 = points.length > 1 ? points[points.length - 1].ts : t0 + 1;
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  node.append(svg("line", { x1: PAD.left, y1: y(0), x2: W - PAD.right, y2: y(0), class: "axis" }));
  node.append(svg("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: y(0), class: "axis" }));
  for (const [v, label] of [[0, "0"], [maxY, String(Math.round(maxY))]]) {
    const text = svg("text", { x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick" });
    text.textContent = label;
    node.append(text);
  }
  if (points.length) {
    for (const [t, anchor] of [[t0, "start"], [t1, "end"]]) {
      const text = svg("text", { x: x(t), y: H - 6, "text-anchor": anchor, class: "tick" });
      text.textContent = clock(t);
      node.append(text);
    }
  }
  for (const name of SERVICES) {
    const coords = points
      .map((s) => [s.ts, s.services.find((x) => x.service === name)])
      .filter(([, svc]) => svc)
      .map(([t, svc]) => `${x(t).toFixed(1)},${y(value(svc)).toFixed(1)}`);
    if (!coords.length) continue;
    const line = svg("polyline", { points: coords.join(" "), class: "series", stroke: COLORS[name] });
    line.dataset.service = name;
    node.append(line);
  }
  node.dataset.points = String(points.length);
}

function deadLetterCount(svc) {
  return Object.values(svc.dead_letters || {}).reduce((a, b) => a + b, 0);
}

function renderServices(latest) {
  const rows = (latest ? latest.services : []).map((s) => {
    const row = el("tr", { className: "verdict-" + s.verdict },
      el("td", { textContent: s.service }), el("td", { textContent: s.verdict, className: "verdict" }),
      el("td", { textContent: s.state }), el("td", { textContent: String(s.members) }),
      el("td", { textContent: String(s.lag), className: "lag" }),
      el("td", { textContent: (s.lag_trend > 0 ? "+" : "") + s.lag_trend }),
      el("td", { textContent: String(s.in_per_min) }), el("td", { textContent: String(s.out_per_min) }),
      el("td", { textContent: String(deadLetterCount(s)) }));
    row.dataset.service = s.service;
    return row;
  });
  $("services").tBodies[0].replaceChildren(...rows);
}

function renderSummary(history) {
  const last = history.samples[history.samples.length - 1];
  if (!last) return;
  if (last.error) {
    $("summary").textContent = `Kafka not reachable at ${clock(last.ts)}: ${last.error}`;
    return;
  }
  const lat = last.latency ? `; submission to index p50 ${last.latency.p50_s}s, p99 ${last.latency.p99_s}s` : "";
  $("summary").textContent =
    `${last.healthy ? "Healthy" : "Stalled service"}: total lag ${last.total_lag}${lat} (sampled ${clock(last.ts)})`;
}

function renderDeadLetters(data) {
  $("dlq-summary").textContent = `${data.total} dead letter${data.total === 1 ? "" : "s"}`;
  const counts = Object.entries(data.counts).flatMap(([stage, reasons]) =>
    Object.entries(reasons).map(([reason, n]) => el("li", { textContent: `${stage} · ${reason}: ${n}` })));
  $("dlq-counts").replaceChildren(...counts);
  const rows = data.recent.map((d) => {
    const row = el("tr", {},
      el("td", { textContent: clock(d.dead_at) }), el("td", { textContent: d.stage }),
      el("td", { textContent: d.reason, className: "reason" }), el("td", { textContent: d.error, className: "error" }),
      el("td", { textContent: `${d.topic} [${d.partition}] @${d.offset}` }), el("td", { textContent: d.ref }));
    row.dataset.ref = d.ref;
    return row;
  });
  $("dead-letters").tBodies[0].replaceChildren(...rows);
}

function renderLegend() {
  $("legend").replaceChildren(...SERVICES.map((name) => {
    const swatch = el("span", { className: "swatch" });
    swatch.style.background = COLORS[name];
    return el("li", {}, swatch, name);
  }));
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

async function refresh() {
  try {
    const history = await getJSON("/api/pipeline/status");
    pollMs = Math.max(1000, history.interval_s * 1000);
    renderSummary(history);
    renderServices(history.latest);
    drawChart($("lag-chart"), history.samples, (s) => s.lag);
    drawChart($("rate-chart"), history.samples, (s) => s.in_per_min);
    renderDeadLetters(await getJSON("/api/pipeline/deadletters?limit=20"));
    document.body.dataset.state = "done";
  } catch (err) {
    $("summary").textContent = String(err.message || err);
    document.body.dataset.state = "error";
  }
  setTimeout(refresh, pollMs);
}

renderLegend();
refresh();
