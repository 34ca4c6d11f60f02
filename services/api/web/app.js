// claimwire search page: reads the form, calls /api/claims, groups hits by cluster.
// Every value from the index is inserted as text, except `highlighted`, which the API returns
// HTML-escaped with <mark> around matches.
"use strict";

const FIELDS = ["q", "speaker", "outlet", "kind", "from", "to", "language"];
let page = 1;

function params() {
  const p = new URLSearchParams();
  for (const name of FIELDS) {
    const value = $(name).value.trim();
    if (value) p.set(name, value);
  }
  if (page > 1) p.set("page", String(page));
  return p;
}

// Hits in rank order, grouped by cluster (claims without a cluster stand alone).
function groupByCluster(hits) {
  const groups = new Map();
  for (const hit of hits) {
    const key = hit.cluster_id || "claim:" + hit.claim_id;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(hit);
  }
  return [...groups.values()];
}

function renderGroup(hits) {
  const first = hits[0];
  const quote = el("blockquote", { className: "text" });
  quote.innerHTML = first.highlighted;
  const outlets = first.cluster_outlets.length ? first.cluster_outlets : [first.outlet || "?"];
  const carried = el("p", { className: "carried" },
    `carried by ${outlets.length} outlet${outlets.length === 1 ? "" : "s"}: `,
    ...outlets.map((o) => el("span", { className: "outlet-tag", textContent: o })));
  const versions = el("ul", { className: "members" },
    ...hits.map((h) => {
      const item = el("li", { className: "hit" });
      const text = el("span", { className: "hit-text" });
      text.innerHTML = h.highlighted;
      item.append(el("span", { className: "outlet-tag", textContent: h.outlet || "?" }), text,
        h.published_at ? el("small", { textContent: " " + h.published_at }) : "");
      return item;
    }));
  const li = el("li", { className: "cluster" },
    el("div", { className: "speaker", textContent: (first.speaker || "unknown speaker") + ` (${first.kind})` }),
    quote, carried, versions);
  li.dataset.clusterId = first.cluster_id || "";
  li.dataset.size = String(first.cluster_size);
  return li;
}

function renderFacets(facets) {
  const box = $("facets");
  box.replaceChildren();
  for (const [name, values] of Object.entries(facets)) {
    if (!values.length) continue;
    box.append(el("h3", { textContent: name + "s" }), el("ul", { className: "facet", id: "facet-" + name },
      ...values.map((v) => el("li", {}, el("button", {
        type: "button", textContent: `${v.value} (${v.count})`,
        onclick: () => { $(name).value = v.value; page = 1; search(); },
      })))));
  }
}

async function search() {
  const p = params();
  history.replaceState(null, "", p.toString() ? "?" + p : location.pathname);
  $("status").textContent = "searching…";
  let body;
  try {
    const response = await fetch("/api/claims?" + p);
    body = await response.json();
    if (!response.ok) throw new Error(response.status === 422 ? "invalid search" : "search failed");
  } catch (err) {
    $("status").textContent = err.message;
    document.body.dataset.state = "error";
    return;
  }
  const groups = groupByCluster(body.hits);
  $("results").replaceChildren(...groups.map(renderGroup));
  renderFacets(body.facets);
  $("status").textContent = body.total ? `${body.total} claim${body.total === 1 ? "" : "s"}` : "no claims found";
  const pages = Math.ceil(body.total / body.size);
  $("pager").hidden = pages <= 1;
  $("pageinfo").textContent = `page ${body.page} of ${pages}`;
  $("prev").disabled = body.page <= 1;
  $("next").disabled = body.page >= pages;
  document.body.dataset.state = "done";
}

document.addEventListener("DOMContentLoaded", () => {
  const initial = new URLSearchParams(location.search);
  for (const name of FIELDS) $(name).value = initial.get(name) || "";
  page = Number(initial.get("page")) || 1;
  $("search").addEventListener("submit", (e) => { e.preventDefault(); page = 1; search(); });
  for (const name of ["kind", "from", "to"]) {
    $(name).addEventListener("change", () => { page = 1; search(); });
  }
  $("prev").addEventListener("click", () => { page -= 1; search(); });
  $("next").addEventListener("click", () => { page += 1; search(); });
  if (FIELDS.some((name) => initial.get(name))) search();
});
