"""The OpenSearch backend: the same documents and queries as the embedded index, at scale.

Plain HTTP with httpx (no client library): three indices, ``<prefix>articles``, ``<prefix>claims``
and ``<prefix>clusters``, each with an index template and a strict mapping created at start-up
(text fields analysed with ``opensearch_analyzer``; keyword fields for ids, speaker, outlet,
language, kind and dates; ``ignore_above`` keeps keywords under Lucene's term limit, and long
text fields are truncated to ``index_max_field_chars``).

Contract of ``write`` (see ``backend``), for one process:

- documents use deterministic ``_id``s (article_id, claim_id, cluster_id): replays change nothing;
- bulk bodies are split by ``opensearch_bulk_max_bytes``; requests are retried with back-off on
  429/5xx and connection errors, then ``IndexUnavailable`` is raised (the sink runner retries the
  batch and stops consuming meanwhile: backpressure). Items refused with 429/5xx are retried the
  same way; items refused with another 4xx (mapping errors) become ``WriteRejection``s;
- claims an article no longer lists are deleted by id: claims arriving for a known article that
  does not list them are not written, and when an article is written its indexed claims are
  looked up (after a refresh) and the unlisted ones deleted. The article's language is copied
  onto its claims (for the language filter) in whichever order they arrive;
- cluster documents are rebuilt after each batch from the claims index (an aggregation over the
  touched cluster ids): no scripts, which the integ-test distribution lacks.

Writes are serialised within a process (the sink's agents share one backend). Two indexer
processes writing an article and its claims at the same moment can still race (a stale claim or
a missing language may survive until the article is written again): SQLite has one writer, and
a single indexer process with several partitions avoids the race on OpenSearch.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from services.indexer.backend import (
    MARK_END,
    MARK_START,
    MAX_CLUSTER_MEMBERS,
    MAX_QUERY_CHARS,
    ArticleView,
    ClaimHit,
    ClaimView,
    ClusterView,
    FacetValue,
    IndexUnavailable,
    SearchPage,
    SearchRequest,
    marks_to_html,
    published_day,
)
from shared.records import ArticleDoc, ClaimGroup, Record
from shared.settings import Settings
from shared.worker import WriteRejection

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
KEYWORD = {"type": "keyword", "ignore_above": 512}
LONG_KEYWORD = {"type": "keyword", "ignore_above": 4096}
DAY = {"type": "date", "format": "strict_date"}
CLUSTER_CHUNK = 500  # clusters per aggregation request (halved while it hits search.max_buckets)
# First appearance: publication day (undated last), then submission time, then claim id.
FIRST_SEEN_SORT: list[dict[str, Any]] = [
    {"published_day": {"order": "asc", "missing": "_last"}},
    {"submitted_ts": {"order": "asc", "missing": "_last"}},
    {"claim_id": "asc"},
]
LAST_SEEN_SORT: list[dict[str, Any]] = [
    {"published_day": {"order": "desc", "missing": "_last"}},
    {"submitted_ts": {"order": "desc", "missing": "_last"}},
    {"claim_id": "desc"},
]


class OpenSearchRequestError(RuntimeError):
    """OpenSearch refused a request for a reason retrying will not fix (a bug or misconfiguration)."""


@dataclass(frozen=True, slots=True)
class IndexNames:
    articles: str
    claims: str
    clusters: str


def index_names(prefix: str) -> IndexNames:
    return IndexNames(f"{prefix}articles", f"{prefix}claims", f"{prefix}clusters")


def _text(analyzer: str) -> dict[str, Any]:
    return {"type": "text", "analyzer": analyzer}


def mappings() -> dict[str, dict[str, Any]]:
    """The strict mapping of each index (by role); ``claimwire_text`` is the configured analyzer."""
    text = _text("claimwire_text")
    speaker = {**KEYWORD, "ignore_above": 256, "fields": {"text": text}}
    common = {"published_at": KEYWORD, "published_day": DAY, "indexed_ts": {"type": "double"}}
    return {
        "articles": {
            "article_id": KEYWORD,
            "url": LONG_KEYWORD,
            "outlet": KEYWORD,
            "title": text,
            "language": KEYWORD,
            "text": text,
            "claim_count": {"type": "integer"},
            "claim_ids": KEYWORD,
            "removed": {"type": "object", "enabled": False},
            "submitted_ts": {"type": "double"},
            **common,
        },
        "claims": {
            "claim_id": KEYWORD,
            "article_id": KEYWORD,
            "kind": KEYWORD,
            "speaker": speaker,
            "speaker_title": KEYWORD,
            "cue": KEYWORD,
            "text": text,
            "span_start": {"type": "integer"},
            "span_end": {"type": "integer"},
            "sentence": {"type": "integer"},
            "cluster_id": KEYWORD,
            "outlet": KEYWORD,
            "language": KEYWORD,
            "submitted_ts": {"type": "double"},
            **common,
        },
        "clusters": {
            "cluster_id": KEYWORD,
            "canonical_claim_id": KEYWORD,
            "canonical_text": text,
            "speaker": speaker,
            "count": {"type": "integer"},
            "outlet_count": {"type": "integer"},
            "outlets": KEYWORD,
            "member_ids": KEYWORD,
            "first_seen": KEYWORD,
            "last_seen": KEYWORD,
            "first_day": DAY,
            "last_day": DAY,
            "indexed_ts": {"type": "double"},
        },
    }


def index_body(role: str, analyzer: str) -> dict[str, Any]:
    """Settings and mapping for one index: one shard, no replicas (single node), strict fields."""
    return {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "analysis": {"analyzer": {"claimwire_text": {"type": analyzer}}},
        },
        "mappings": {"dynamic": "strict", "properties": mappings()[role]},
    }


def article_doc(a: ArticleDoc, now: float, max_chars: int) -> dict[str, Any]:
    return {
        "article_id": a.article_id,
        "url": a.url,
        "outlet": a.outlet,
        "title": a.title[:max_chars] if a.title else None,
        "published_at": a.published_at,
        "published_day": published_day(a.published_at),
        "language": a.language,
        "text": a.text[:max_chars],
        "claim_count": a.claim_count,
        "claim_ids": a.claim_ids,
        "removed": a.removed,
        "submitted_ts": a.submitted_ts,
        "indexed_ts": now,
    }


def claim_docs(g: ClaimGroup, language: str | None, now: float, max_chars: int) -> Iterator[dict[str, Any]]:
    for c in g.claims:
        yield {
            "claim_id": c.claim_id,
            "article_id": c.article_id,
            "kind": c.kind,
            "speaker": c.speaker,
            "speaker_title": c.speaker_title,
            "cue": c.cue,
            "text": c.text[:max_chars],
            "span_start": c.span[0],
            "span_end": c.span[1],
            "sentence": c.sentence,
            "cluster_id": c.cluster_id,
            "outlet": g.outlet,
            "published_at": g.published_at,
            "published_day": published_day(g.published_at),
            "language": language,
            "submitted_ts": g.submitted_ts,
            "indexed_ts": now,
        }


@dataclass(slots=True)
class Action:
    """One bulk action; ``record`` is the input it came from (None for housekeeping)."""

    meta: dict[str, Any]
    doc: dict[str, Any] | None
    record: Record | None = None
    ok_statuses: frozenset[int] = frozenset()  # e.g. 404 for deletes of documents already gone

    def encode(self) -> bytes:
        line = orjson.dumps(self.meta) + b"\n"
        return line + orjson.dumps(self.doc) + b"\n" if self.doc is not None else line


def split_by_bytes(actions: Sequence[Action], max_bytes: int) -> Iterator[tuple[list[Action], bytes]]:
    """Consecutive chunks of actions whose encoded bodies stay under ``max_bytes`` (one at least)."""
    chunk: list[Action] = []
    body: list[bytes] = []
    size = 0
    for action in actions:
        data = action.encode()
        if chunk and size + len(data) > max_bytes:
            yield chunk, b"".join(body)
            chunk, body, size = [], [], 0
        chunk.append(action)
        body.append(data)
        size += len(data)
    if chunk:
        yield chunk, b"".join(body)


class OpenSearchBackend:
    """``IndexBackend`` on OpenSearch over HTTP (see the module docstring for the write contract)."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        if not settings.opensearch_url:
            raise ValueError("opensearch_url is not set")
        self.settings = settings
        self.names = index_names(settings.opensearch_index_prefix)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._ready = False
        self._write_lock = asyncio.Lock()
        self._aliases: dict[str, str] = {}  # merged cluster -> survivor, seen by this process
        self.retry_delay = 0.5  # seconds before the first retry; doubles each time

    # -- plumbing ----------------------------------------------------------------------------

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            s = self.settings
            auth = None
            if s.opensearch_username and s.opensearch_password:
                auth = httpx.BasicAuth(s.opensearch_username, s.opensearch_password.get_secret_value())
            self._client = httpx.AsyncClient(
                base_url=str(s.opensearch_url).rstrip("/"),
                timeout=httpx.Timeout(s.opensearch_timeout_s, connect=5.0),
                auth=auth,
                verify=s.opensearch_verify_certs,
                transport=self._transport,
                headers={"content-type": "application/json"},
            )
        return self._client

    async def _request(
        self, method: str, path: str, body: Any = None, *, ok: Iterable[int] = (), **params: Any
    ) -> httpx.Response:
        """Send with retries on 429/5xx/connection errors; raise unless 2xx or in ``ok``."""
        content = body if isinstance(body, bytes) or body is None else orjson.dumps(body)
        headers = {"content-type": "application/x-ndjson"} if path.endswith("_bulk") else None
        delay = self.retry_delay
        for attempt in range(self.settings.opensearch_retries + 1):
            try:
                r = await self.client.request(method, path, content=content, params=params, headers=headers)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if r.is_success or r.status_code in ok:
                    return r
                if r.status_code not in RETRY_STATUS:
                    raise OpenSearchRequestError(f"{method} {path}: {r.status_code} {r.text[:500]}")
                problem = f"HTTP {r.status_code} {r.text[:300]}"
            if attempt < self.settings.opensearch_retries:
                log.warning("OpenSearch %s %s failed (%s); retrying in %.1fs", method, path, problem, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        raise IndexUnavailable(f"OpenSearch {method} {path}: {problem}")

    async def _json(self, method: str, path: str, body: Any = None, **params: Any) -> dict[str, Any]:
        r = await self._request(method, path, body, **params)
        out: dict[str, Any] = orjson.loads(r.content)
        return out

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        await self._ensure_indices()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def healthy(self) -> bool:
        try:
            health = await self._json("GET", "/_cluster/health")
        except (IndexUnavailable, OpenSearchRequestError):
            return False
        return health.get("status") in ("green", "yellow")

    async def _ensure_indices(self) -> None:
        """Put each index template and create missing indices (idempotent; once per process)."""
        if self._ready:
            return
        analyzer = self.settings.opensearch_analyzer
        for role in ("articles", "claims", "clusters"):
            name = getattr(self.names, role)
            body = index_body(role, analyzer)
            template = {"index_patterns": [name], "priority": 100, "template": body}
            await self._request("PUT", f"/_index_template/{name}", template)
            r = await self._request("PUT", f"/{name}", body, ok=(400,))
            if r.status_code == 400 and b"resource_already_exists_exception" not in r.content:
                raise OpenSearchRequestError(f"creating index {name}: {r.text[:500]}")
        self._ready = True

    # -- writing -------------------------------------------------------------------------------

    async def write(
        self, articles: Sequence[ArticleDoc], groups: Sequence[ClaimGroup]
    ) -> list[WriteRejection]:
        async with self._write_lock:
            await self._ensure_indices()
            return await self._write(articles, groups)

    async def _write(
        self, articles: Sequence[ArticleDoc], groups: Sequence[ClaimGroup]
    ) -> list[WriteRejection]:
        now = time.time()
        cap = self.settings.index_max_field_chars
        n = self.names
        listed = {a.article_id: (set(a.claim_ids), a.language) for a in articles}
        others = {g.article_id for g in groups} - listed.keys()
        for aid, doc in (await self._mget(n.articles, others, ["claim_ids", "language"])).items():
            listed[aid] = (set(doc.get("claim_ids") or ()), doc.get("language"))

        actions = [
            Action({"index": {"_index": n.articles, "_id": a.article_id}}, article_doc(a, now, cap), a)
            for a in articles
        ]
        touched: set[str] = set()
        incoming: list[str] = []
        for g in groups:
            ids, language = listed.get(g.article_id, (None, None))
            for doc in claim_docs(g, language, now, cap):
                cid = doc["claim_id"]
                doc["cluster_id"] = self._aliases.get(doc["cluster_id"], doc["cluster_id"])
                if ids is not None and cid not in ids:  # a late claim its article no longer lists
                    actions.append(_delete(n.claims, cid))
                else:
                    actions.append(Action({"index": {"_index": n.claims, "_id": cid}}, doc, g))
                    incoming.append(cid)
                if doc["cluster_id"]:
                    touched.add(doc["cluster_id"])
        # A re-clustered claim leaves its previous cluster: rebuild that one too.
        previous = await self._mget(n.claims, incoming, ["cluster_id"])
        touched.update(d["cluster_id"] for d in previous.values() if d.get("cluster_id"))
        actions += await self._sweep_articles(articles, touched)

        rejected = await self._bulk(actions)
        if touched:
            await self._request("POST", f"/{n.claims}/_refresh")
            await self._rebuild_clusters(sorted(touched), now)
        return rejected

    async def merge(self, merges: dict[str, str]) -> int:
        """Re-point the merged clusters' claims at their survivors and rebuild both cluster docs.

        Merges are also remembered in this process (``self._aliases``) so that claims clustered
        before a merge but written after it are remapped on write.
        """
        async with self._write_lock:
            await self._ensure_indices()
            self._aliases.update(merges)
            n = self.names
            await self._request("POST", f"/{n.claims}/_refresh")
            actions = []
            for loser, winner in merges.items():
                async for doc in self._scan(n.claims, {"term": {"cluster_id": loser}}, ["claim_id"]):
                    meta = {"update": {"_index": n.claims, "_id": doc["claim_id"]}}
                    actions.append(Action(meta, {"doc": {"cluster_id": winner}}, None, frozenset({404})))
            await self._bulk(actions)
            await self._request("POST", f"/{n.claims}/_refresh")
            await self._rebuild_clusters(sorted({*merges, *merges.values()}), time.time())
            return len(actions)

    async def _sweep_articles(self, articles: Sequence[ArticleDoc], touched: set[str]) -> list[Action]:
        """Deletes for indexed claims the articles no longer list; their language kept in step."""
        if not articles:
            return []
        n = self.names
        await self._request("POST", f"/{n.claims}/_refresh")  # claims of earlier batches, searchable
        by_id = {a.article_id: a for a in articles}
        query = {"terms": {"article_id": sorted(by_id)}}
        actions = []
        async for doc in self._scan(n.claims, query, ["claim_id", "article_id", "cluster_id", "language"]):
            art = by_id[doc["article_id"]]
            if doc["claim_id"] not in art.claim_ids:
                actions.append(_delete(n.claims, doc["claim_id"]))
                if doc.get("cluster_id"):
                    touched.add(doc["cluster_id"])
            elif doc.get("language") != art.language:
                # Claims written before their article: now the language is known. A claim of
                # this batch is rewritten with it anyway; 404 if it was deleted meanwhile.
                meta = {"update": {"_index": n.claims, "_id": doc["claim_id"]}}
                actions.append(Action(meta, {"doc": {"language": art.language}}, None, frozenset({404})))
        return actions

    async def _bulk(self, actions: Sequence[Action]) -> list[WriteRejection]:
        """Send actions in byte-capped chunks; retry items refused with 429/5xx; reject other 4xx."""
        rejected: dict[int, WriteRejection] = {}
        pending = list(actions)
        delay = self.retry_delay
        for attempt in range(self.settings.opensearch_retries + 1):
            retry: list[Action] = []
            for chunk, body in split_by_bytes(pending, self.settings.opensearch_bulk_max_bytes):
                result = await self._json("POST", "/_bulk", body)
                if not result.get("errors"):
                    continue
                for action, item in zip(chunk, result["items"], strict=True):
                    _, outcome = next(iter(item.items()))
                    status = int(outcome.get("status", 500))
                    if status < 300 or status in action.ok_statuses:
                        continue
                    if status in RETRY_STATUS:
                        retry.append(action)
                    elif action.record is not None:
                        error = outcome.get("error") or {}
                        detail = f"{status} {error.get('type', '')}: {error.get('reason', '')}"[:1000]
                        rejected.setdefault(
                            id(action.record), WriteRejection(action.record, "index-rejected", detail)
                        )
                    else:
                        log.warning("OpenSearch refused housekeeping action %s: %s", action.meta, outcome)
            if not retry:
                return list(rejected.values())
            pending = retry
            if attempt < self.settings.opensearch_retries:
                log.warning("OpenSearch refused %d bulk items for now; retrying in %.1fs", len(retry), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        raise IndexUnavailable(f"OpenSearch kept refusing {len(pending)} bulk items (429/5xx)")

    async def _mget(self, index: str, ids: Iterable[str], fields: list[str]) -> dict[str, dict[str, Any]]:
        """The ``_source`` (only ``fields``) of the documents that exist among ``ids`` (real-time)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        result = await self._json(
            "POST", f"/{index}/_mget", {"ids": wanted}, _source_includes=",".join(fields)
        )
        return {d["_id"]: d["_source"] for d in result["docs"] if d.get("found")}

    async def _scan(self, index: str, query: dict[str, Any], fields: list[str]) -> Any:
        """Every matching document's ``_source`` (``fields``), paged with search_after on the id field."""
        key = fields[0]
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"size": 1000, "query": query, "_source": fields, "sort": [{key: "asc"}]}
            if after is not None:
                body["search_after"] = after
            hits = (await self._json("POST", f"/{index}/_search", body))["hits"]["hits"]
            for h in hits:
                yield h["_source"]
            if len(hits) < 1000:
                return
            after = hits[-1]["sort"]

    async def _rebuild_clusters(self, cluster_ids: Sequence[str], now: float) -> None:
        """Recompute the cluster documents of ``cluster_ids`` from the claims index (refreshed)."""
        n = self.names
        actions: list[Action] = []
        for i in range(0, len(cluster_ids), CLUSTER_CHUNK):
            chunk = list(cluster_ids[i : i + CLUSTER_CHUNK])
            found = await self._cluster_buckets(chunk)
            for cid in chunk:
                bucket = found.get(cid)
                if bucket is None:
                    actions.append(_delete(n.clusters, cid))
                else:
                    doc = _cluster_doc(cid, bucket, now)
                    actions.append(Action({"index": {"_index": n.clusters, "_id": cid}}, doc))
        await self._bulk(actions)

    async def _cluster_buckets(self, chunk: list[str]) -> dict[str, dict[str, Any]]:
        """One aggregation bucket per cluster id that still has claims; split when too many buckets."""
        try:
            result = await self._json("POST", f"/{self.names.claims}/_search", cluster_aggregation(chunk))
        except (OpenSearchRequestError, IndexUnavailable) as exc:
            if "too_many_buckets" not in str(exc) or len(chunk) == 1:
                raise
            half = len(chunk) // 2
            return {**await self._cluster_buckets(chunk[:half]), **await self._cluster_buckets(chunk[half:])}
        return {b["key"]: b for b in result["aggregations"]["c"]["buckets"]}

    # -- reading -------------------------------------------------------------------------------

    async def search(self, request: SearchRequest) -> SearchPage:
        n = self.names
        body = search_body(request)
        result = await self._json("POST", f"/{n.claims}/_search", body)
        hits = result["hits"]["hits"]
        clusters = await self._mget(
            n.clusters,
            {h["_source"]["cluster_id"] for h in hits if h["_source"].get("cluster_id")},
            ["count", "outlets"],
        )
        facets = {
            name: [
                FacetValue(value=b["key"], count=b["doc_count"])
                for b in result["aggregations"][name]["buckets"]
            ]
            for name in request.facets
        }
        return SearchPage(
            total=result["hits"]["total"]["value"],
            page=request.page,
            size=request.size,
            hits=[_claim_hit(h, clusters) for h in hits],
            facets=facets,
        )

    async def cluster(self, cluster_id: str) -> ClusterView | None:
        n = self.names
        r = await self._request("GET", f"/{n.clusters}/_doc/{_path_id(cluster_id)}", ok=(404,))
        if r.status_code == 404:
            return None
        doc = orjson.loads(r.content)["_source"]
        body = {
            "size": MAX_CLUSTER_MEMBERS,
            "query": {"term": {"cluster_id": cluster_id}},
            "sort": FIRST_SEEN_SORT,
        }
        members = (await self._json("POST", f"/{n.claims}/_search", body))["hits"]["hits"]
        return ClusterView(
            cluster_id=cluster_id,
            canonical_text=doc["canonical_text"],
            speaker=doc.get("speaker"),
            count=doc["count"],
            outlets=doc["outlets"],
            first_seen=doc.get("first_seen"),
            last_seen=doc.get("last_seen"),
            members=[_claim_view(h["_source"]) for h in members],
        )

    async def article(self, article_id: str) -> ArticleView | None:
        n = self.names
        r = await self._request("GET", f"/{n.articles}/_doc/{_path_id(article_id)}", ok=(404,))
        if r.status_code == 404:
            return None
        doc = orjson.loads(r.content)["_source"]
        body = {
            "size": MAX_CLUSTER_MEMBERS,
            "query": {"term": {"article_id": article_id}},
            "sort": [{"span_start": "asc"}, {"claim_id": "asc"}],
        }
        claims = (await self._json("POST", f"/{n.claims}/_search", body))["hits"]["hits"]
        keys = (
            "article_id",
            "url",
            "outlet",
            "title",
            "published_at",
            "language",
            "text",
            "claim_count",
            "claim_ids",
        )
        return ArticleView(
            **{k: doc.get(k) for k in keys}, claims=[_claim_view(h["_source"]) for h in claims]
        )

    async def counts(self) -> dict[str, int]:
        n = self.names
        arts = await self._json(
            "POST",
            f"/{n.articles}/_search",
            {"size": 0, "track_total_hits": True, "aggs": {"expected": {"sum": {"field": "claim_count"}}}},
        )
        claims = await self._json("GET", f"/{n.claims}/_count")
        clusters = await self._json("GET", f"/{n.clusters}/_count")
        return {
            "articles": arts["hits"]["total"]["value"],
            "claims": claims["count"],
            "expected_claims": int(arts["aggregations"]["expected"]["value"]),
            "clusters": clusters["count"],
        }

    async def latencies(self, since_ts: float, limit: int = 10_000) -> list[float]:
        """Seconds from submission to indexing of the articles indexed after ``since_ts``."""
        found = await self._json(
            "POST",
            f"/{self.names.articles}/_search",
            {
                "size": limit,
                "_source": ["submitted_ts", "indexed_ts"],
                "query": {"range": {"indexed_ts": {"gt": since_ts}}},
            },
        )
        rows = (h["_source"] for h in found["hits"]["hits"])
        return [r["indexed_ts"] - r["submitted_ts"] for r in rows if r.get("submitted_ts") is not None]

    async def refresh(self) -> None:
        """Make every write so far visible to search (tests, benchmarks; otherwise once a second)."""
        names = ",".join((self.names.articles, self.names.claims, self.names.clusters))
        await self._request("POST", f"/{names}/_refresh")

    async def drop(self) -> None:
        """Delete the three indices and their templates (tests and benchmarks)."""
        for name in (self.names.articles, self.names.claims, self.names.clusters):
            await self._request("DELETE", f"/{name}", ok=(404,))
            await self._request("DELETE", f"/_index_template/{name}", ok=(404,))
        self._ready = False


def search_body(req: SearchRequest) -> dict[str, Any]:
    """The query DSL for a search. User text only ever goes into ``match`` queries, never parsed."""
    f = req.filters
    must: list[dict[str, Any]] = []
    words = req.query.strip()[:MAX_QUERY_CHARS]
    if words:
        must.append(
            {
                "multi_match": {
                    "query": words,
                    "fields": ["text", "speaker.text"],
                    "type": "cross_fields",
                    "operator": "and",
                }
            }
        )
    filters: list[dict[str, Any]] = []
    if f.speaker and f.speaker.strip():
        filters.append({"match": {"speaker.text": {"query": f.speaker[:MAX_QUERY_CHARS], "operator": "and"}}})
    for name, value in (("outlet", f.outlet), ("kind", f.kind), ("language", f.language)):
        if value:
            filters.append({"term": {name: value}})
    if f.date_from or f.date_to:
        day: dict[str, str] = {}
        if f.date_from:
            day["gte"] = f.date_from.isoformat()
        if f.date_to:
            day["lte"] = f.date_to.isoformat()
        filters.append({"range": {"published_day": day}})
    body: dict[str, Any] = {
        "from": req.offset,
        "size": req.limit,
        "track_total_hits": True,
        "query": {"bool": {"must": must or [{"match_all": {}}], "filter": filters}},
        "sort": ["_score", {"claim_id": "asc"}] if words else [{"published_at": "desc"}, {"claim_id": "asc"}],
        "aggs": {name: {"terms": {"field": name, "size": req.facet_size}} for name in req.facets},
    }
    if words and req.highlight:
        body["highlight"] = {
            "pre_tags": [MARK_START],
            "post_tags": [MARK_END],
            "fields": {"text": {"number_of_fragments": 0}},
        }
    return body


def cluster_aggregation(cluster_ids: list[str]) -> dict[str, Any]:
    """Per cluster: outlets, member ids, and the first and last members in order of appearance."""
    fields = ["claim_id", "text", "speaker", "published_at", "published_day"]
    by_key = {"_key": "asc"}
    return {
        "size": 0,
        "query": {"terms": {"cluster_id": cluster_ids}},
        "aggs": {
            "c": {
                "terms": {"field": "cluster_id", "size": len(cluster_ids)},
                "aggs": {
                    "outlets": {"terms": {"field": "outlet", "size": 1000, "order": by_key}},
                    "members": {"terms": {"field": "claim_id", "size": MAX_CLUSTER_MEMBERS, "order": by_key}},
                    # Undated members sort last either way: the first hit of each is dated if
                    # any member is, so these give first/last seen without a filter.
                    "first": {"top_hits": {"size": 1, "sort": FIRST_SEEN_SORT, "_source": fields}},
                    "last": {"top_hits": {"size": 1, "sort": LAST_SEEN_SORT, "_source": fields}},
                },
            }
        },
    }


def _delete(index: str, doc_id: str) -> Action:
    return Action({"delete": {"_index": index, "_id": doc_id}}, None, None, frozenset({404}))


def _path_id(doc_id: str) -> str:
    return quote(doc_id, safe="")


def _first_hit(agg: dict[str, Any]) -> dict[str, Any] | None:
    hits = agg["hits"]["hits"]
    return hits[0]["_source"] if hits else None


def _cluster_doc(cluster_id: str, bucket: dict[str, Any], now: float) -> dict[str, Any]:
    first = _first_hit(bucket["first"]) or {}
    last = _first_hit(bucket["last"]) or {}
    outlets = [b["key"] for b in bucket["outlets"]["buckets"]]
    return {
        "cluster_id": cluster_id,
        "canonical_claim_id": first.get("claim_id"),
        "canonical_text": first.get("text", ""),
        "speaker": first.get("speaker"),
        "count": bucket["doc_count"],
        "outlet_count": len(outlets),
        "outlets": outlets,
        "member_ids": [b["key"] for b in bucket["members"]["buckets"]],
        "first_seen": first.get("published_at"),
        "last_seen": last.get("published_at"),
        "first_day": first.get("published_day"),
        "last_day": last.get("published_day"),
        "indexed_ts": now,
    }


def _claim_hit(hit: dict[str, Any], clusters: dict[str, dict[str, Any]]) -> ClaimHit:
    src = hit["_source"]
    fragments = hit.get("highlight", {}).get("text")
    cluster = clusters.get(src.get("cluster_id") or "")
    return ClaimHit(
        claim_id=src["claim_id"],
        article_id=src["article_id"],
        kind=src["kind"],
        speaker=src.get("speaker"),
        speaker_title=src.get("speaker_title"),
        text=src["text"],
        highlighted=marks_to_html(fragments[0] if fragments else src["text"]),
        outlet=src.get("outlet"),
        published_at=src.get("published_at"),
        language=src.get("language"),
        cluster_id=src.get("cluster_id"),
        cluster_size=cluster["count"] if cluster else 1,
        cluster_outlets=cluster["outlets"] if cluster else [o for o in [src.get("outlet")] if o],
    )


def _claim_view(src: dict[str, Any]) -> ClaimView:
    keys = ("claim_id", "article_id", "kind", "speaker", "text", "outlet", "published_at", "cluster_id")
    return ClaimView.model_validate({k: src.get(k) for k in keys})
