"""OpenSearch unreachable for 30 s mid-stream: the indexer holds its batches (retrying with
back-off, consuming nothing meanwhile), writes them when the index is back, and nothing is lost.

The indexer reaches OpenSearch through a TCP proxy in this test; "unreachable" closes every
proxied connection and refuses new ones, as a network partition or a node restart would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any

import httpx
import orjson
import pytest

from services.indexer.opensearch_index import index_names
from shared.settings import Settings
from tests.chaos.conftest import CleanRun
from tests.chaos.harness import IndexSnapshot, Stack, dead_letters, publish_timed, wait_done
from tests.conftest import free_port

pytestmark = pytest.mark.chaos
log = logging.getLogger(__name__)
ARTICLES = 500
OUTAGE_S = 30.0


class Proxy:
    """Forwards 127.0.0.1:``port`` to ``target``; ``cut`` makes it unreachable for a while."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for w in list(self.writers):
            w.close()

    async def cut(self, seconds: float) -> None:
        await self.close()
        await asyncio.sleep(seconds)
        await self.open()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()


async def scan(client: httpx.AsyncClient, index: str, fields: list[str], key: str) -> list[dict[str, Any]]:
    """Every document of ``index`` (sorted by ``key``, paged with search_after)."""
    await client.post(f"/{index}/_refresh")
    docs: list[dict[str, Any]] = []
    after: list[Any] | None = None
    while True:
        body: dict[str, Any] = {"size": 5000, "_source": fields, "sort": [{key: "asc"}]}
        if after is not None:
            body["search_after"] = after
        hits = (await client.post(f"/{index}/_search", json=body)).json()["hits"]["hits"]
        if not hits:
            return docs
        docs.extend(h["_source"] for h in hits)
        after = hits[-1]["sort"]


async def os_snapshot(url: str, prefix: str) -> IndexSnapshot:
    names = index_names(prefix)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        arts = await scan(
            client, names.articles, ["article_id", "claim_count", "claim_ids", "text"], "article_id"
        )
        claims = await scan(
            client,
            names.claims,
            ["claim_id", "article_id", "kind", "speaker", "text", "cluster_id"],
            "claim_id",
        )
    return IndexSnapshot(
        {a["article_id"]: (a["claim_count"], tuple(a["claim_ids"]), a["text"]) for a in arts},
        {c["claim_id"]: (c["article_id"], c["kind"], c["speaker"], c["text"]) for c in claims},
        {c["claim_id"]: c.get("cluster_id") for c in claims},
    )


async def os_counts(url: str, prefix: str) -> tuple[int, int, int]:
    names = index_names(prefix)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        try:
            body = {"size": 0, "track_total_hits": True, "aggs": {"n": {"sum": {"field": "claim_count"}}}}
            arts = (await client.post(f"/{names.articles}/_search", json=body)).json()
            claims = (await client.get(f"/{names.claims}/_count")).json()
            return arts["hits"]["total"]["value"], claims["count"], int(arts["aggregations"]["n"]["value"])
        except (KeyError, httpx.HTTPError):  # indices not created yet
            return 0, 0, 0


async def test_opensearch_unreachable_for_30s(
    chaos: Settings, opensearch: Any, messages: list[bytes], clean_run: CleanRun
) -> None:
    proxy = Proxy(opensearch.http_port)
    await proxy.open()
    prefix = f"cw-chaos-{uuid.uuid4().hex[:6]}-"
    settings = chaos.model_copy(
        update={"opensearch_url": f"http://127.0.0.1:{proxy.port}", "opensearch_index_prefix": prefix}
    )
    first = messages[:ARTICLES]
    try:
        async with Stack(settings) as stack:
            await stack.wait_running()
            await publish_timed(settings, first)
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:  # until indexing is under way
                if (await os_counts(opensearch.url, prefix))[0] >= ARTICLES // 10:
                    break
                await asyncio.sleep(0.5)
            before = stack.pids()
            at_cut = await os_counts(opensearch.url, prefix)
            await proxy.cut(OUTAGE_S)
            at_return = await os_counts(opensearch.url, prefix)
            seconds = await wait_done(settings, ARTICLES, counts=lambda: os_counts(opensearch.url, prefix))
            restarted = sorted(n for n, pid in stack.pids().items() if before.get(n) != pid)
    finally:
        await proxy.close()
    log.warning(
        "OpenSearch cut for %.0fs at %s (articles, claims, listed); %s when it came back; all %d "
        "indexed %.0fs after it came back; services restarted: %s",
        OUTAGE_S,
        at_cut,
        at_return,
        ARTICLES,
        seconds,
        restarted,
    )
    assert at_return[0] < ARTICLES, "the outage did not happen mid-stream"
    assert await dead_letters(settings) == {}
    expected = clean_run.index.restricted({orjson.loads(m)["id"] for m in first})
    after = await os_snapshot(opensearch.url, prefix)
    difference = expected.content_diff(after.restricted(set(after.articles)))
    assert not difference, difference
