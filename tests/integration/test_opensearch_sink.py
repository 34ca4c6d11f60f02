"""The OpenSearch backend on a real node: idempotent replays, stale claims, rejections, backpressure."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.indexer.backend import Filters, IndexUnavailable, SearchRequest
from services.indexer.opensearch_index import OpenSearchBackend
from services.indexer.samples import sample_batch
from services.indexer.stage import Indexer
from shared.infra import opensearch as local_os
from shared.records import ArticleDoc, Claim, ClaimGroup
from shared.settings import Settings

pytestmark = pytest.mark.integration


def os_settings(node: local_os.LocalOpenSearch, **overrides: Any) -> Settings:
    """Settings for one test: the session node, indices under a fresh prefix."""
    return Settings(
        opensearch_url=node.url,
        opensearch_index_prefix=f"t{uuid.uuid4().hex[:8]}-",
        opensearch_retries=1,
        **overrides,
    )


@pytest.fixture
async def backend(opensearch: local_os.LocalOpenSearch) -> AsyncIterator[OpenSearchBackend]:
    b = OpenSearchBackend(os_settings(opensearch))
    b.retry_delay = 0.2
    await b.start()
    yield b
    await b.drop()
    await b.close()


def _article(aid: str, claim_ids: list[str], language: str | None = "en") -> ArticleDoc:
    return ArticleDoc(
        article_id=aid,
        outlet="Ledger",
        submitted_ts=1.0,
        text="body",
        language=language,
        claim_count=len(claim_ids),
        claim_ids=claim_ids,
    )


def _group(aid: str, *claims: tuple[str, str, str], span_end: int = 5) -> ClaimGroup:
    cs = [
        Claim(
            claim_id=cid,
            article_id=aid,
            kind="quote",
            speaker="Ilse Varga",
            text=text,
            span=(0, span_end),
            sentence=0,
            cluster_id=cluster,
        )
        for cid, text, cluster in claims
    ]
    return ClaimGroup(block="varga", article_id=aid, outlet="Ledger", submitted_ts=1.0, claims=cs)


async def _snapshot(b: OpenSearchBackend) -> tuple[dict[str, int], list[dict[str, Any]], Any]:
    await b.refresh()
    page = await b.search(SearchRequest("bridge", facets=("speaker", "outlet", "kind")))
    cluster = await b.cluster("gbridge")
    return await b.counts(), [h.model_dump() for h in page.hits], cluster


async def test_replays_change_nothing(backend: OpenSearchBackend) -> None:
    articles, groups = sample_batch()
    assert await backend.write(articles, groups) == []
    first = await _snapshot(backend)
    assert first[0] == {"articles": 7, "claims": 7, "expected_claims": 7, "clusters": 4}
    assert await backend.write(articles, []) == []  # the two topics replayed separately
    assert await backend.write([], groups) == []
    assert await _snapshot(backend) == first
    _, hits, cluster = first
    assert {h["outlet"] for h in hits} == {"Ledger", "Wire", "Courier"}
    assert cluster.outlets == ["Courier", "Ledger", "Wire"] and cluster.first_seen == "2026-03-01"
    assert cluster.canonical_text == "The bridge will reopen in May"


async def test_claims_an_article_no_longer_lists_are_deleted_in_any_order(backend: OpenSearchBackend) -> None:
    # Claims first (article unknown), then the article listing only one of them.
    await backend.write(
        [], [_group("a1", ("k1", "The bridge will reopen", "g1"), ("k2", "Taxes rise", "g2"))]
    )
    await backend.write([_article("a1", ["k1"], language="de")], [])
    await backend.refresh()
    assert (await backend.counts())["claims"] == 1
    assert await backend.cluster("g2") is None  # its only member went: the cluster document too
    # The article's language reached the claim written before it.
    assert (await backend.search(SearchRequest("bridge", Filters(language="de")))).total == 1

    # Re-extracted with no claims; then a late stale group arrives and is not written.
    await backend.write([_article("a1", [])], [])
    await backend.write([], [_group("a1", ("k1", "The bridge will reopen", "g1"))])
    await backend.refresh()
    assert (await backend.counts())["claims"] == 0
    assert await backend.cluster("g1") is None


async def test_a_reclustered_claim_leaves_its_old_cluster(backend: OpenSearchBackend) -> None:
    await backend.write([], [_group("a1", ("k1", "x", "g1")), _group("a2", ("k2", "x", "g1"))])
    await backend.write([], [_group("a2", ("k2", "x", "g2"))])
    await backend.refresh()
    old, new = await backend.cluster("g1"), await backend.cluster("g2")
    assert old is not None and old.count == 1 and [m.claim_id for m in old.members] == ["k1"]
    assert new is not None and new.count == 1


async def test_documents_the_index_refuses_are_rejected_the_rest_written(backend: OpenSearchBackend) -> None:
    good = _group("a1", ("k1", "The bridge will reopen", "g1"))
    bad = _group("a2", ("k2", "Span beyond an integer field", "g2"), span_end=2**40)
    rejected = await backend.write([], [good, bad])
    assert [r.record for r in rejected] == [bad]
    assert rejected[0].reason == "index-rejected" and "mapper_parsing_exception" in rejected[0].detail
    await backend.refresh()
    assert (await backend.counts())["claims"] == 1


async def test_the_indexer_stage_writes_to_opensearch_when_configured(
    opensearch: local_os.LocalOpenSearch,
) -> None:
    sink = Indexer(os_settings(opensearch))
    await sink.start()
    assert isinstance(sink.index, OpenSearchBackend)
    try:
        articles, groups = sample_batch()
        bad = _group("a9", ("k9", "x", "g9"), span_end=2**40)
        rejected = await sink.write([*articles, bad, *groups])
        assert [r.record for r in rejected] == [bad]
        await sink.index.refresh()
        assert (await sink.index.counts())["claims"] == 7
    finally:
        await sink.index.drop()
        await sink.stop()


async def test_write_raises_while_the_node_is_down_and_succeeds_after_restart(
    backend: OpenSearchBackend, opensearch: local_os.LocalOpenSearch
) -> None:
    articles, groups = sample_batch()
    await backend.write(articles, [])
    local_os.stop(opensearch)
    try:
        with pytest.raises(IndexUnavailable):
            await backend.write([], groups)
        assert not await backend.healthy()
    finally:
        local_os.start(opensearch, wait_s=180)
    assert await backend.write([], groups) == []
    await backend.refresh()
    assert (await backend.counts())["claims"] == 7


async def test_status_latency_reads_opensearch(
    backend: OpenSearchBackend, opensearch: local_os.LocalOpenSearch
) -> None:
    from shared.status import latency

    submitted = time.time() - 2.0
    await backend.write([_article("a1", []).model_copy(update={"submitted_ts": submitted})], [])
    await backend.refresh()
    lat = await latency(backend.settings)
    assert lat is not None and lat["articles"] == 1 and 1.5 < lat["p50_s"] < 60
