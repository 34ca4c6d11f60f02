"""The search API over both backends (SQLite and a real OpenSearch node): the same answers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.api.app import create_app
from services.indexer.backend import IndexBackend
from services.indexer.opensearch_index import OpenSearchBackend
from services.indexer.samples import sample_batch
from services.indexer.sqlite_index import SqliteBackend
from shared.infra import opensearch as local_os
from shared.settings import Settings

pytestmark = pytest.mark.integration

QUERIES: list[dict[str, Any]] = [
    {"q": "bridge"},
    {"q": "bridge may", "outlet": "Wire"},
    {"q": "inflation", "kind": "reported"},
    {"speaker": "saalberg"},
    {"speaker": "Ilse Varga", "language": "de"},
    {"from": "2026-03-02", "to": "2026-03-03"},
    {"q": "school pool"},
    {"q": "nothing matches this"},
    {"q": '") OR * speaker:x', "speaker": "NEAR("},
    {"size": 2, "page": 2},
]


@asynccontextmanager
async def serve_samples(
    kind: str, tmp_path: Path, node: local_os.LocalOpenSearch
) -> AsyncIterator[httpx.AsyncClient]:
    """An API client over a fresh index of ``kind`` holding the sample claims."""
    backend: IndexBackend
    if kind == "sqlite":
        settings = Settings(data_dir=tmp_path)
        backend = SqliteBackend(settings.index_file)
    else:
        settings = Settings(opensearch_url=node.url, opensearch_index_prefix=f"t{uuid.uuid4().hex[:8]}-")
        backend = OpenSearchBackend(settings)
    await backend.start()
    await backend.write(*sample_batch())
    if isinstance(backend, OpenSearchBackend):
        await backend.refresh()
    app = create_app(settings, backend)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api.test"
        ) as client:
            yield client
    finally:
        if isinstance(backend, OpenSearchBackend):
            await backend.drop()
        await backend.close()


@pytest.fixture(params=["sqlite", "opensearch"])
async def api(
    request: pytest.FixtureRequest, tmp_path: Path, opensearch: local_os.LocalOpenSearch
) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_samples(request.param, tmp_path, opensearch) as client:
        yield client


async def _answers(api: httpx.AsyncClient) -> list[Any]:
    answers = []
    for params in QUERIES:
        r = await api.get("/api/claims", params=params)
        assert r.status_code == 200, (params, r.text)
        body = r.json()
        # BM25 scores differ between engines, so the order of equally matching hits may too.
        answers.append({**body, "hits": sorted(body["hits"], key=lambda h: h["claim_id"])})
    for path in ("/api/clusters/gbridge", "/api/clusters/ginflation", "/api/articles/s-wire-2"):
        r = await api.get(path)
        assert r.status_code == 200, (path, r.text)
        answers.append(r.json())
    return answers


async def test_both_backends_answer_alike(tmp_path: Path, opensearch: local_os.LocalOpenSearch) -> None:
    async with (
        serve_samples("sqlite", tmp_path, opensearch) as sqlite,
        serve_samples("opensearch", tmp_path, opensearch) as os_api,
    ):
        expected, got = await _answers(sqlite), await _answers(os_api)
    for params, a, b in zip([*QUERIES, "cluster", "cluster", "article"], expected, got, strict=True):
        assert a == b, params


async def test_expected_answers(api: httpx.AsyncClient) -> None:
    body = (await api.get("/api/claims", params={"q": "bridge", "outlet": "Wire"})).json()
    assert body["total"] == 1
    [hit] = body["hits"]
    assert hit["highlighted"] == "The <mark>bridge</mark> reopens in May"
    assert hit["cluster_size"] == 3 and hit["cluster_outlets"] == ["Courier", "Ledger", "Wire"]

    body = (await api.get("/api/claims", params={"q": "school"})).json()
    assert (
        body["hits"][0]["highlighted"]
        == "We have no plans to close the &lt;b&gt;<mark>school</mark>&lt;/b&gt; &amp; pool"
    )

    body = (await api.get("/api/claims", params={"speaker": "varga"})).json()
    assert body["facets"]["outlet"][0] == {"value": "Courier", "count": 1}
    assert [f["value"] for f in body["facets"]["speaker"]] == ["Ilse Varga"]
    # Newest first without words.
    assert [h["outlet"] for h in body["hits"]] == ["Kurier", "Courier", "Wire", "Ledger"]

    cluster = (await api.get("/api/clusters/gbridge")).json()
    assert cluster["count"] == 3 and cluster["first_seen"] == "2026-03-01"
    assert cluster["last_seen"] == "2026-03-03" and [m["outlet"] for m in cluster["members"]] == [
        "Ledger",
        "Wire",
        "Courier",
    ]
    assert (await api.get("/api/clusters/nope")).status_code == 404
    assert (await api.get("/api/articles/nope")).status_code == 404
    assert (await api.get("/api/claims", params={"size": 500})).status_code == 422
    assert (await api.get("/healthz")).json() == {"status": "ok"}
