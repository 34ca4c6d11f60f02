"""The OpenSearch backend against a scripted HTTP transport: bulk splitting, retries, rejections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest

from services.indexer.backend import Filters, IndexUnavailable, SearchRequest
from services.indexer.opensearch_index import Action, OpenSearchBackend, search_body, split_by_bytes
from shared.records import Claim, ClaimGroup
from shared.settings import Settings

BulkReply = Callable[[str, str, int], int]  # (action, _id, attempt) -> item status


def _group(n: int, text: str = "The bridge will reopen") -> ClaimGroup:
    claim = Claim(
        claim_id=f"k{n}",
        article_id=f"a{n}",
        kind="quote",
        speaker="Ilse Varga",
        text=text,
        span=(0, 5),
        sentence=0,
    )
    return ClaimGroup(block="varga", article_id=f"a{n}", outlet="Wire", submitted_ts=1.0, claims=[claim])


class FakeNode:
    """Answers the requests the backend makes; ``_bulk`` items get the status ``bulk`` says."""

    def __init__(self, bulk: BulkReply, status: int = 200) -> None:
        self.bulk = bulk
        self.status = status
        self.bulk_bodies: list[bytes] = []
        self.attempts: dict[str, int] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.status != 200:
            return httpx.Response(self.status, json={"error": "unavailable"})
        path = request.url.path
        if path.endswith("/_bulk"):
            return self._bulk(request.content)
        if path.endswith("/_mget"):
            return httpx.Response(200, json={"docs": []})
        if path.endswith("/_search"):
            return httpx.Response(200, json={"hits": {"hits": []}, "aggregations": {"c": {"buckets": []}}})
        return httpx.Response(200, json={"acknowledged": True})

    def _bulk(self, body: bytes) -> httpx.Response:
        self.bulk_bodies.append(body)
        lines = [orjson.loads(line) for line in body.splitlines()]
        items = []
        i = 0
        while i < len(lines):
            action, meta = next(iter(lines[i].items()))
            i += 1 if action == "delete" else 2
            key = f"{action}:{meta['_id']}"
            self.attempts[key] = self.attempts.get(key, 0) + 1
            status = self.bulk(action, meta["_id"], self.attempts[key])
            error = {"type": "mapper_parsing_exception", "reason": "bad field"} if status >= 300 else None
            items.append({action: {"_id": meta["_id"], "status": status, "error": error}})
        return httpx.Response(
            200, json={"errors": any(it[a]["status"] >= 300 for it in items for a in it), "items": items}
        )


def _backend(node: FakeNode, **settings: Any) -> OpenSearchBackend:
    s = Settings(opensearch_url="http://os.invalid:9200", opensearch_retries=2, **settings)
    backend = OpenSearchBackend(s, transport=httpx.MockTransport(node))
    backend.retry_delay = 0.0
    return backend


async def test_per_document_failures_are_rejected_and_throttled_items_retried() -> None:
    def reply(action: str, doc_id: str, attempt: int) -> int:
        if action == "delete":
            return 404  # cluster documents not there: fine
        if doc_id == "k2":
            return 400
        if doc_id == "k3" and attempt == 1:
            return 429
        return 201

    node = FakeNode(reply)
    backend = _backend(node)
    groups = [_group(1), _group(2), _group(3)]
    rejected = await backend.write([], groups)
    assert [(r.record, r.reason) for r in rejected] == [(groups[1], "index-rejected")]
    assert "mapper_parsing_exception" in rejected[0].detail
    assert node.attempts["index:k3"] == 2 and node.attempts["index:k1"] == 1
    await backend.close()


async def test_items_refused_with_5xx_every_time_make_the_write_raise() -> None:
    node = FakeNode(lambda action, doc_id, attempt: 503)
    backend = _backend(node)
    with pytest.raises(IndexUnavailable):
        await backend.write([], [_group(1)])
    assert node.attempts["index:k1"] == 3  # the first try and two retries
    await backend.close()


@pytest.mark.parametrize("status", [429, 502, 503])
async def test_an_overloaded_or_failing_node_makes_the_write_raise(status: int) -> None:
    backend = _backend(FakeNode(lambda *_: 201, status=status))
    with pytest.raises(IndexUnavailable):
        await backend.write([], [_group(1)])
    await backend.close()


async def test_an_unreachable_node_makes_the_write_raise() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    s = Settings(opensearch_url="http://os.invalid:9200", opensearch_retries=1)
    backend = OpenSearchBackend(s, transport=httpx.MockTransport(refuse))
    backend.retry_delay = 0.0
    with pytest.raises(IndexUnavailable):
        await backend.write([], [_group(1)])
    assert not await backend.healthy()
    await backend.close()


async def test_big_batches_are_split_by_bytes() -> None:
    node = FakeNode(lambda action, doc_id, attempt: 404 if action == "delete" else 201)
    backend = _backend(node, opensearch_bulk_max_bytes=10_000)
    await backend.write([], [_group(n, "word " * 300) for n in range(20)])
    claim_bodies = [b for b in node.bulk_bodies if b'-claims"' in b.split(b"\n")[0]]
    assert len(claim_bodies) > 1 and all(len(b) <= 10_000 for b in claim_bodies)
    assert sum(b.count(b'"index"') for b in claim_bodies) == 20
    await backend.close()


def test_split_by_bytes_keeps_an_oversized_action_alone() -> None:
    actions = [Action({"index": {"_id": str(i)}}, {"t": "x" * size}) for i, size in enumerate([10, 5000, 10])]
    chunks = [len(c) for c, _ in split_by_bytes(actions, 1000)]
    assert chunks == [1, 1, 1]


def test_user_text_only_reaches_match_queries() -> None:
    nasty = 'speaker:x OR (a AND "b") *:* {"script": 1}'
    body = search_body(SearchRequest(nasty, Filters(speaker=nasty, outlet=nasty)))
    dumped = orjson.dumps(body).decode()
    assert "query_string" not in dumped and "script" not in orjson.dumps(body["sort"]).decode()
    must = body["query"]["bool"]["must"][0]["multi_match"]
    assert must["query"] == nasty and must["operator"] == "and"
    assert {"term": {"outlet": nasty}} in body["query"]["bool"]["filter"]
    assert (
        search_body(SearchRequest("x" * 2000))["query"]["bool"]["must"][0]["multi_match"]["query"]
        == "x" * 500
    )
