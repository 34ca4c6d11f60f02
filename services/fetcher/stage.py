"""Fetcher: submissions in, article text out (given text, HTML extracted, or URL fetched).

Besides ``articles.fetched`` it writes every page it saw (fetched or submitted as HTML) to the
retained ``articles.raw`` topic, as an ``html`` submission that ``claimwire replay`` can send
through again. URL fetches are remembered in a Faust table keyed by article id (the submitted
topic's key): a URL already fetched is a counted ``duplicate-url`` skip unless the submission
says ``refetch``, which then sends a conditional GET (an unchanged page produces nothing).
The app's leader also polls the feeds of ``<data_dir>/feeds.txt`` every ``fetch_feed_interval_s``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import MutableMapping, Sequence
from typing import Any

import faust
import orjson

from services.fetcher.errors import FetchError
from services.fetcher.feeds import FeedPoller, feeds_path
from services.fetcher.fetch import Page, PageFetcher
from services.fetcher.html import HtmlLimits, HtmlTooComplex, extract_html
from shared import metrics
from shared.ids import article_id, canonical_url
from shared.records import FetchedArticle, Submission
from shared.settings import Settings
from shared.topics import FETCHED, FETCHED_URLS, RAW, SUBMITTED
from shared.worker import Out, Rejected, Source, Stage, raw_topic

log = logging.getLogger(__name__)
# What the table remembers of a fetched URL: validators for a conditional GET, and which message
# fetched it (a redelivery of that same message must not count as a duplicate).
UrlEntry = dict[str, Any]


def from_submission(
    sub: Submission,
    submitted_ts: float,
    fetched_html: str | None = None,
    *,
    page_url: str | None = None,
    limits: HtmlLimits | None = None,
) -> FetchedArticle:
    """The article a submission stands for; ``fetched_html`` is the page when only a URL came,
    ``page_url`` where it was fetched from after redirects.

    The URL (hence the id, when none is given) is the page's rel=canonical link, else the page's
    URL, else the submitted URL. Raises Rejected("no-article-text") when HTML holds no
    recognisable article, and Rejected("html-too-large" / "html-too-deep") for HTML beyond
    ``limits``.
    """
    url = canonical_url(sub.url) if sub.url else None
    published_at = sub.published_at
    if sub.text:
        text, source, title, outlet, lang = sub.text, "text", sub.title, sub.outlet, None
    else:
        try:
            found = extract_html(sub.html or fetched_html or "", page_url or sub.url, limits)
        except HtmlTooComplex as exc:
            raise Rejected(exc.reason, str(exc)) from None
        if found is None:
            raise Rejected("no-article-text", "no article text found in the HTML")
        page = found.canonical_url or page_url or sub.url
        url = canonical_url(page) if page else None
        text, title, outlet, lang = (
            found.text,
            sub.title or found.title,
            sub.outlet or found.site_name,
            found.language,
        )
        published_at = published_at or found.published_at
        source = "html" if sub.html else "url"
    return FetchedArticle(
        article_id=article_id(sub.id, url, sub.text or sub.html or url),
        url=url,
        outlet=outlet,
        title=title,
        published_at=published_at,
        submitted_ts=submitted_ts,
        source=source,  # type: ignore[arg-type]
        text=text,
        language=lang,
    )


def html_limits(settings: Settings) -> HtmlLimits:
    return HtmlLimits(settings.fetch_max_html_elements, settings.fetch_max_html_depth)


def url_key(sub: Submission) -> str:
    """The table and message key of a URL submission: its article id before any fetch."""
    return article_id(sub.id, sub.url, None)


def raw_page(sub: Submission, article: FetchedArticle, html: str) -> Submission:
    """The ``articles.raw`` record of a page: an html submission that re-extracts to ``article``."""
    return Submission(
        id=article.article_id,
        url=article.url,
        outlet=sub.outlet,
        title=sub.title,
        published_at=sub.published_at,
        html=html,
    )


class Fetcher(Stage[Submission]):
    name = "fetcher"
    source = SUBMITTED
    input_model = Submission
    outputs = (FETCHED, RAW)
    fetcher: PageFetcher | None = None
    poller: FeedPoller | None = None
    # A plain dict until ``bind`` puts the Faust table there (tests and batch use the dict).
    table: MutableMapping[str, UrlEntry | None]

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.table = {}
        self.busy: dict[str, asyncio.Event] = {}

    def concurrency(self) -> int:
        # Fetching waits on the network: many pages in flight, politeness limits per host.
        return self.settings.fetch_concurrency

    def bind(self, app: faust.App) -> None:
        # Keyed by article id like the submitted topic, so each worker owns its URLs' entries.
        self.table = app.Table(FETCHED_URLS.name, default=None, partitions=self.settings.partitions)
        submitted = raw_topic(app, SUBMITTED, self.settings)

        async def poll_feeds() -> None:
            try:
                for url in await self.poll_feeds():
                    await submitted.send(
                        key=article_id(None, url, None).encode(), value=orjson.dumps({"url": url})
                    )
                    metrics.PRODUCED.labels(self.name, SUBMITTED.name).inc()
            except Exception:  # a feed problem must never stop the worker: log, try next time
                log.exception("feed poll failed")

        app.timer(self.settings.fetch_feed_interval_s, on_leader=True, name="fetcher-feeds")(poll_feeds)

    async def start(self) -> None:
        self.fetcher = PageFetcher(self.settings)
        self.poller = FeedPoller(self.fetcher, feeds_path(self.settings))

    async def stop(self) -> None:
        if self.fetcher is not None:
            await self.fetcher.aclose()

    async def poll_feeds(self) -> list[str]:
        """New article URLs from the listed feeds (to be submitted as URL submissions)."""
        if self.poller is None:
            await self.start()
        assert self.poller is not None
        return await self.poller.poll()

    async def process(self, record: Submission, source: Source) -> Sequence[Out]:
        ts = source.timestamp or time.time()
        if record.text or record.html:
            article = from_submission(record, ts, limits=html_limits(self.settings))
            return self._outputs(record, article, record.html)
        key = url_key(record)
        # Should messages be processed concurrently, the same URL must still be fetched once:
        # a second message for it waits for the first, then finds it in the table.
        while (busy := self.busy.get(key)) is not None:
            await busy.wait()
        self.busy[key] = done = asyncio.Event()
        try:
            return await self._process_url(key, record, source, ts)
        finally:
            del self.busy[key]
            done.set()

    async def _process_url(self, key: str, record: Submission, source: Source, ts: float) -> list[Out]:
        seen = self.table.get(key)
        again = seen is not None and _same_message(seen, source)
        if seen is not None and not record.refetch and not again:
            metrics.FETCH.labels("duplicate-url").inc()
            return []
        # A redelivered message may have updated the entry before its outputs were produced:
        # fetch it in full again rather than trust validators it stored itself.
        validators = seen if seen is not None and not again else {}
        page = await self._fetch(record.url or "", validators)
        self.table[key] = _entry(page, source) if page.status != 304 else {**(seen or {}), **_at(source)}
        if page.status == 304:
            return []
        article = from_submission(record, ts, page.text, page_url=page.url, limits=html_limits(self.settings))
        return self._outputs(record, article, page.text)

    def _outputs(self, record: Submission, article: FetchedArticle, html: str | None) -> list[Out]:
        if len(article.text) > self.settings.max_text_chars:
            raise Rejected("too-large", f"article text of {len(article.text)} chars exceeds max_text_chars")
        # Keyed by outlet so the cleaner's per-outlet boilerplate state is co-partitioned with it.
        outs = [Out(FETCHED, article.outlet or article.article_id, article)]
        if html:
            raw = raw_page(record, article, html)
            # Over the message limit the producer would fail (and the worker exit): keep the article.
            if len(html.encode("utf-8", "surrogatepass")) + 4096 <= self.settings.max_message_bytes:
                outs.append(Out(RAW, article.article_id, raw))
            else:
                log.warning("page of %s too large for %s; not kept", article.article_id, RAW.name)
                metrics.MESSAGES.labels(self.name, "raw-skipped", "too-large").inc()
        return outs

    async def _fetch(self, url: str, validators: UrlEntry) -> Page:
        if self.fetcher is None:
            await self.start()
        assert self.fetcher is not None
        try:
            return await self.fetcher.fetch(
                url, etag=validators.get("etag"), last_modified=validators.get("last_modified")
            )
        except FetchError as exc:
            raise Rejected(exc.reason, str(exc)) from None


def _at(source: Source) -> UrlEntry:
    return {"partition": source.partition, "offset": source.offset}


def _same_message(entry: UrlEntry, source: Source) -> bool:
    return entry.get("partition") == source.partition and entry.get("offset") == source.offset


def _entry(page: Page, source: Source) -> UrlEntry:
    return {
        "url": page.url,
        "etag": page.etag,
        "last_modified": page.last_modified,
        "fetched_at": time.time(),
        **_at(source),
    }
