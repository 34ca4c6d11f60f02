"""Feed discovery: RSS/Atom feeds listed in ``<data_dir>/feeds.txt``, polled for new article URLs.

The feeds file holds one URL per line (blank lines and ``#`` comments ignored) and is re-read on
every poll, so ``claimwire feeds add`` takes effect without a restart. Feeds are fetched like
pages (same politeness, robots.txt and address checks) with a conditional GET; entries not seen
in the previous poll of that feed are returned. After a restart every entry is new again: the
fetcher's table of fetched URLs turns those into counted ``duplicate-url`` skips.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import feedparser

from services.fetcher.errors import FetchError
from services.fetcher.fetch import FEED, PageFetcher
from services.fetcher.ssrf import check_url
from shared.settings import Settings

log = logging.getLogger(__name__)
FEEDS_FILE = "feeds.txt"


def feeds_path(settings: Settings) -> Path:
    return settings.data_dir / FEEDS_FILE


def read_feeds(path: Path) -> list[str]:
    """The feed URLs in ``path`` in file order, without duplicates; [] if there is no file."""
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return list(dict.fromkeys(line for line in lines if line))


def add_feed(path: Path, url: str) -> bool:
    """Append ``url`` to the feeds file; False if it is already listed.

    Raises ValueError for a URL that is not an absolute http(s) URL without userinfo.
    """
    url = url.strip()
    try:
        check_url(url)
    except FetchError as exc:
        raise ValueError(str(exc)) from None
    if url in read_feeds(path):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    separator = "" if not text or text.endswith("\n") else "\n"
    path.write_text(f"{text}{separator}{url}\n", encoding="utf-8")
    return True


def entry_urls(document: str, base_url: str) -> list[str]:
    """The article links of an RSS or Atom document, absolute, http(s) only, in feed order."""
    # Always a stream: given a str, feedparser would fetch it if it looks like a URL, or open it
    # if it names a file. The text is already decoded; the header tells feedparser it is UTF-8 now.
    parsed = feedparser.parse(
        io.BytesIO(document.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8"},
    )
    urls: dict[str, None] = {}
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not isinstance(link, str) or not link.strip():
            continue
        url = urljoin(base_url, link.strip())
        if url.lower().startswith(("http://", "https://")):
            urls[url] = None
    return list(urls)


@dataclass
class _FeedState:
    etag: str | None = None
    last_modified: str | None = None
    seen: frozenset[str] = frozenset()


@dataclass
class FeedPoller:
    """Polls the feeds of ``path`` with ``fetcher``; keeps validators and seen entries per feed."""

    fetcher: PageFetcher
    path: Path
    state: dict[str, _FeedState] = field(default_factory=dict)

    async def poll(self) -> list[str]:
        """New entry URLs across all listed feeds; a feed that fails is logged and skipped."""
        feeds = read_feeds(self.path)
        for gone in set(self.state) - set(feeds):
            del self.state[gone]
        found = await asyncio.gather(*(self._poll_one(url) for url in feeds))
        return list(dict.fromkeys(url for urls in found for url in urls))

    async def _poll_one(self, feed: str) -> list[str]:
        state = self.state.setdefault(feed, _FeedState())
        try:
            page = await self.fetcher.fetch(
                feed, etag=state.etag, last_modified=state.last_modified, kind=FEED
            )
        except FetchError as exc:
            log.warning("feed %s not polled: %s", feed, exc)
            return []
        if page.status == 304:
            return []
        urls = await asyncio.to_thread(entry_urls, page.text, page.url)
        new = [url for url in urls if url not in state.seen]
        self.state[feed] = _FeedState(page.etag, page.last_modified, frozenset(urls))
        return new
