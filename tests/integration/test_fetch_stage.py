"""The Fetcher stage on a real local HTTP server, without Kafka (its table is a plain dict here)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from services.fetcher.localserver import LocalServer, Request, respond
from services.fetcher.stage import Fetcher, url_key
from shared.records import FetchedArticle, Submission
from shared.settings import Settings
from shared.topics import FETCHED, RAW
from shared.worker import Rejected, Source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fetch"
ARTICLE = (FIXTURES / "article.html").read_bytes()


class Site:
    """Serves the article with ETag ``version``; ``/missing`` is a 404."""

    def __init__(self) -> None:
        self.version = "v1"
        self.requests: list[Request] = []

    async def __call__(self, request: Request, writer: asyncio.StreamWriter) -> None:
        self.requests.append(request)
        etag = f'"{self.version}"'
        if request.target == "/robots.txt":
            await respond(writer, 404, b"", content_type=None)
        elif request.target == "/missing":
            await respond(writer, 404, b"gone", content_type="text/plain")
        elif request.headers.get("if-none-match") == etag:
            await respond(writer, 304, b"", {"etag": etag}, content_type=None)
        else:
            await respond(writer, 200, ARTICLE, {"etag": etag})


@pytest.fixture
async def stage(tmp_path: Path) -> AsyncIterator[tuple[Fetcher, Site, LocalServer]]:
    site = Site()
    async with LocalServer(site) as server:
        settings = Settings(data_dir=tmp_path, fetch_allow_hosts="127.0.0.1", fetch_per_host_delay_s=0.0)
        fetcher = Fetcher(settings)
        await fetcher.start()
        try:
            yield fetcher, site, server
        finally:
            await fetcher.stop()


def at(offset: int) -> Source:
    return Source("articles.submitted", 0, offset, 1_700_000_000.0, None)


def duplicates() -> float:
    return REGISTRY.get_sample_value("claimwire_fetch_total", {"outcome": "duplicate-url"}) or 0.0


async def test_url_is_fetched_once_and_kept_raw(stage: tuple[Fetcher, Site, LocalServer]) -> None:
    fetcher, site, server = stage
    sub = Submission(url=server.url("/amp/bridge?utm_source=x"))
    outs = await fetcher.process(sub, at(0))
    assert [o.topic for o in outs] == [FETCHED, RAW]
    article = outs[0].value
    assert isinstance(article, FetchedArticle)
    # rel=canonical (relative, resolved against the fetched URL) names the article
    assert article.url == server.url("/news/2026/harbour-bridge-opens")
    assert (article.outlet, article.published_at, article.source) == ("Norvik Daily", "2026-03-02", "url")
    raw = outs[1].value
    assert isinstance(raw, Submission) and raw.id == article.article_id and raw.html
    assert outs[1].key == article.article_id
    entry = fetcher.table[url_key(sub)]
    assert entry is not None and entry["etag"] == '"v1"'

    before = duplicates()
    assert await fetcher.process(Submission(url=server.url("/amp/bridge")), at(1)) == []
    assert duplicates() == before + 1
    assert len([r for r in site.requests if r.target.startswith("/amp")]) == 1


async def test_redelivered_message_is_fetched_again(stage: tuple[Fetcher, Site, LocalServer]) -> None:
    """A crash after the table was updated but before the outputs were produced must not lose them."""
    fetcher, _, server = stage
    sub = Submission(url=server.url("/a"))
    assert len(await fetcher.process(sub, at(7))) == 2
    assert len(await fetcher.process(sub, at(7))) == 2  # same offset: a redelivery, not a duplicate


async def test_refetch_uses_a_conditional_get(stage: tuple[Fetcher, Site, LocalServer]) -> None:
    fetcher, site, server = stage
    url = server.url("/a")
    await fetcher.process(Submission(url=url), at(0))
    assert await fetcher.process(Submission(url=url, refetch=True), at(1)) == []  # 304
    assert site.requests[-1].headers.get("if-none-match") == '"v1"'
    site.version = "v2"
    outs = await fetcher.process(Submission(url=url, refetch=True), at(2))
    assert len(outs) == 2
    entry = fetcher.table[url_key(Submission(url=url))]
    assert entry is not None and entry["etag"] == '"v2"'


async def test_fetch_failure_is_rejected_with_its_outcome(stage: tuple[Fetcher, Site, LocalServer]) -> None:
    fetcher, _, server = stage
    with pytest.raises(Rejected) as err:
        await fetcher.process(Submission(url=server.url("/missing")), at(0))
    assert err.value.reason == "http-4xx"
    with pytest.raises(Rejected) as blocked:
        await fetcher.process(Submission(url="http://169.254.169.254/latest/meta-data/"), at(1))
    assert blocked.value.reason == "ssrf-blocked"


async def test_html_submission_is_extracted_and_kept_raw(stage: tuple[Fetcher, Site, LocalServer]) -> None:
    fetcher, site, _ = stage
    sub = Submission(id="given-1", html=ARTICLE.decode(), outlet="Given Outlet")
    fetched, raw = await fetcher.process(sub, at(0))
    assert isinstance(fetched.value, FetchedArticle) and fetched.value.article_id == "given-1"
    assert isinstance(raw.value, Submission) and raw.value.outlet == "Given Outlet"
    assert site.requests == []
    text_only = await fetcher.process(Submission(text="The mayor said the bridge opens."), at(1))
    assert [o.topic for o in text_only] == [FETCHED]


async def test_no_feeds_file_means_no_feed_urls(stage: tuple[Fetcher, Site, LocalServer]) -> None:
    fetcher, site, _ = stage
    assert await fetcher.poll_feeds() == []
    assert site.requests == []


async def test_concurrent_messages_for_one_url_fetch_it_once(
    stage: tuple[Fetcher, Site, LocalServer],
) -> None:
    fetcher, site, server = stage
    sub = Submission(url=server.url("/a"))
    results = await asyncio.gather(*(fetcher.process(sub, at(offset)) for offset in range(3)))
    assert sorted(len(r) for r in results) == [0, 0, 2]
    assert len([r for r in site.requests if r.target == "/a"]) == 1
