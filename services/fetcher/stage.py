"""Fetcher: submissions in, article text out (given text, HTML extracted, or URL fetched)."""

from __future__ import annotations

import time
from collections.abc import Sequence

import httpx

from services.fetcher.fetch import FetchError, fetch_page, make_client
from services.fetcher.html import extract_html
from shared.ids import article_id, canonical_url
from shared.records import FetchedArticle, Submission
from shared.topics import FETCHED, SUBMITTED
from shared.worker import Out, Rejected, Source, Stage


def from_submission(sub: Submission, submitted_ts: float, fetched_html: str | None = None) -> FetchedArticle:
    """The article a submission stands for; ``fetched_html`` is the page when only a URL came.

    Raises Rejected("no-article-text") when HTML holds no recognisable article.
    """
    url = canonical_url(sub.url) if sub.url else None
    if sub.text:
        text, source, title, outlet, lang = sub.text, "text", sub.title, sub.outlet, None
    else:
        html = sub.html or fetched_html or ""
        found = extract_html(html, url)
        if found is None:
            raise Rejected("no-article-text", "no article text found in the HTML")
        url = url or found.canonical_url
        text, title, outlet, lang = (
            found.text,
            sub.title or found.title,
            sub.outlet or found.site_name,
            found.language,
        )
        source = "html" if sub.html else "url"
    return FetchedArticle(
        article_id=article_id(sub.id, url, sub.text or sub.html or url),
        url=url,
        outlet=outlet,
        title=title,
        published_at=sub.published_at,
        submitted_ts=submitted_ts,
        source=source,  # type: ignore[arg-type]
        text=text,
        language=lang,
    )


class Fetcher(Stage[Submission]):
    name = "fetcher"
    source = SUBMITTED
    input_model = Submission
    outputs = (FETCHED,)
    client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self.client = make_client(self.settings.fetch_timeout_s, self.settings.user_agent)

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.aclose()

    async def process(self, record: Submission, source: Source) -> Sequence[Out]:
        ts = source.timestamp or time.time()
        page = None
        if not (record.text or record.html):
            page = await self._fetch(record.url or "")
        article = from_submission(record, ts, page)
        # Keyed by outlet so the cleaner's per-outlet boilerplate state is co-partitioned with it.
        return [Out(FETCHED, article.outlet or article.article_id, article)]

    async def _fetch(self, url: str) -> str:
        if self.client is None:
            await self.start()
        assert self.client is not None
        s = self.settings
        try:
            page = await fetch_page(
                self.client, url, max_bytes=s.fetch_max_bytes, allow_private=s.fetch_allow_private
            )
        except FetchError as exc:
            raise Rejected(exc.reason, str(exc)) from None
        return page.text
