"""The fetcher service as a real process on the real broker, fetching from a local HTTP server:
URLs fetched once, pages kept in ``articles.raw``, feeds polled, and ``replay`` sending pages again."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import orjson
import pytest

from services.fetcher.localserver import LocalServer, Request, respond
from services.fetcher.replay import replay
from shared.admin import ensure_topics
from shared.publish import publish
from shared.records import FetchedArticle, Submission
from shared.serde import decode
from shared.settings import Settings
from shared.topics import FETCHED, RAW, SUBMITTED
from tests.conftest import service_env
from tests.helpers import consume, start_service, stop_service

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fetch"


class Site:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()

    async def __call__(self, request: Request, writer: asyncio.StreamWriter) -> None:
        self.hits[request.target] += 1
        if request.target == "/rss":
            await respond(
                writer, 200, (FIXTURES / "rss.xml").read_bytes(), content_type="application/rss+xml"
            )
        elif request.target.startswith("/news/"):
            await respond(writer, 200, (FIXTURES / "nodate.html").read_bytes())
        elif request.target == "/robots.txt":
            await respond(writer, 404, b"", content_type=None)
        else:
            await respond(writer, 200, (FIXTURES / "article.html").read_bytes())


async def test_fetcher_service_fetches_once_keeps_raw_polls_feeds_and_replays(settings: Settings) -> None:
    site = Site()
    async with LocalServer(site) as server:
        settings = settings.model_copy(
            update={
                "fetch_allow_hosts": "127.0.0.1",
                "fetch_per_host_delay_s": 0.0,
                "fetch_feed_interval_s": 1.0,
            }
        )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        (settings.data_dir / "feeds.txt").write_text(server.url("/rss") + "\n")
        await ensure_topics(settings)
        url = orjson.dumps({"url": server.url("/amp/bridge")})
        await publish(
            settings, [url, url, orjson.dumps({"id": "h1", "html": (FIXTURES / "nodate.html").read_text()})]
        )
        proc = start_service("fetcher", service_env(settings), settings.data_dir.parent / "fetcher.log")
        try:
            # the URL (once), the HTML submission, and the feed's two entries
            fetched = await consume(settings, FETCHED, lambda r: len(r) >= 4)
            raw = await consume(settings, RAW, lambda r: len(r) >= 4)
        finally:
            assert stop_service(proc) == 0
        articles = [decode(FetchedArticle, r.value) for r in fetched]
        assert site.hits["/amp/bridge"] == 1
        assert sorted(a.url or "" for a in articles if a.source == "url") == [
            server.url("/news/2026/harbour-bridge-opens"),
            server.url("/news/bridge"),
            server.url("/news/ferry"),
        ]
        assert len(articles) == 4 and len(raw) == 4

        replayed = await replay(settings)
        assert replayed == 4
        submitted = await consume(settings, SUBMITTED, lambda r: len(r) >= 3 + 2 + 4)
        pages = [s for s in (decode(Submission, r.value) for r in submitted) if s.html]
        assert len(pages) == 1 + 4  # the HTML submission, and the four pages replayed
        assert {s.id for s in pages} == {a.article_id for a in articles}
