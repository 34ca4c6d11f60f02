"""The search API over the embedded index: endpoints, validation, the page and its headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.api.app import create_app
from services.indexer.samples import sample_batch
from services.indexer.sqlite_index import SqliteIndex
from shared.settings import Settings


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(data_dir=tmp_path)
    index = SqliteIndex(settings.index_file)
    index.write(*sample_batch())
    index.close()
    app = create_app(settings)
    # httpx's ASGI transport, with the app's lifespan run around it (as a server would).
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as c,
    ):
        yield c


async def test_search_with_filters_facets_and_highlights(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/claims", params={"q": "bridge", "outlet": "Wire"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 1 and body["page"] == 1
    [hit] = body["hits"]
    assert hit["highlighted"] == "The <mark>bridge</mark> reopens in May"
    assert hit["cluster_size"] == 3 and hit["cluster_outlets"] == ["Courier", "Ledger", "Wire"]
    assert body["facets"]["outlet"] == [{"value": "Wire", "count": 1}]

    r = await client.get("/api/claims", params={"q": "inflation", "from": "2026-02-11", "to": "2026-02-28"})
    assert [h["outlet"] for h in r.json()["hits"]] == ["Herald"]
    r = await client.get("/api/claims", params={"speaker": "Varga", "kind": "quote", "size": 1, "page": 2})
    assert r.json()["total"] == 3 and len(r.json()["hits"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"size": "101"},
        {"size": "0"},
        {"page": "0"},
        {"page": "200", "size": "100"},  # past the first 10,000 results
        {"q": "x" * 501},
        {"kind": "rumour"},
        {"from": "yesterday"},
        {"from": "2026-03-02", "to": "2026-03-01"},
        {"speaker": "x" * 201},
    ],
)
async def test_invalid_input_is_422(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    assert (await client.get("/api/claims", params=params)).status_code == 422


async def test_query_syntax_is_inert(client: httpx.AsyncClient) -> None:
    for q in ['"', "NEAR(", "speaker:x", ") AND (", "*", "'; DROP TABLE claims; --"]:
        assert (await client.get("/api/claims", params={"q": q, "speaker": q})).status_code == 200


async def test_cluster_article_and_health(client: httpx.AsyncClient) -> None:
    cluster = (await client.get("/api/clusters/gbridge")).json()
    assert cluster["outlets"] == ["Courier", "Ledger", "Wire"] and cluster["first_seen"] == "2026-03-01"
    assert len(cluster["members"]) == 3
    assert (await client.get("/api/clusters/nope")).status_code == 404
    article = (await client.get("/api/articles/s-kurier-1")).json()
    assert article["language"] == "de" and article["claims"][0]["speaker"] == "Ilse Varga"
    assert (await client.get("/api/articles/nope")).status_code == 404
    assert (await client.get("/healthz")).json() == {"status": "ok"}


async def test_openapi_and_page(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert {"/api/claims", "/api/clusters/{cluster_id}", "/api/articles/{article_id}", "/healthz"} <= set(
        spec["paths"]
    )
    names = {p["name"] for p in spec["paths"]["/api/claims"]["get"]["parameters"]}
    assert {"q", "speaker", "outlet", "kind", "from", "to", "language", "page", "size"} == names
    page = await client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert (await client.get("/static/app.js")).status_code == 200
    assert (await client.get("/static/../app.py")).status_code == 404
