"""Polite, safe page fetching: ``PageFetcher.fetch(url)`` → ``Page`` or ``FetchError``.

One ``PageFetcher`` per process owns the shared httpx client (``transport.py``: connections only
to addresses the SSRF policy allows) and the per-host state: politeness gate, robots.txt cache,
hosts that are down. One fetch is:

1. for each redirect hop (at most ``fetch_max_redirects``): check the URL, refuse a host that is
   down, check robots.txt (cached per origin for ``fetch_robots_ttl_s``);
2. GET within the host's concurrency and spacing, the whole exchange bounded by
   ``fetch_deadline_s``; retry timeouts, connection failures, 429 and 502/503/504 with jittered
   back-off or the server's Retry-After (up to ``fetch_max_retry_after_s``; longer, and the host
   counts as down until then);
3. accept only the expected content types, read at most ``fetch_max_bytes``, decode the text
   (``charset.py``).

Every fetch ends in one outcome counted in ``claimwire_fetch_total`` (see ``errors.py``).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from services.fetcher.body import read_capped
from services.fetcher.charset import decode_page
from services.fetcher.errors import HOST_FAILURES, FetchError
from services.fetcher.politeness import DownHosts, HostGate, Lru, backoff_delay, parse_retry_after
from services.fetcher.robots import (
    ALLOW_ALL,
    DISALLOW_ALL,
    MAX_ROBOTS_BYTES,
    RobotsRules,
    parse_robots,
    product_token,
)
from services.fetcher.ssrf import AddressPolicy, check_url
from services.fetcher.transport import make_client
from shared import metrics
from shared.settings import Settings

REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# robots.txt that cannot be read because of a server error: disallow, but ask again soon.
ROBOTS_ERROR_TTL_S = 600.0


@dataclass(frozen=True, slots=True)
class Kind:
    """What is being fetched: the Accept header sent and the media types accepted back."""

    accept: str
    types: frozenset[str]


PAGE = Kind(
    "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1", frozenset({"text/html", "application/xhtml+xml"})
)
FEED = Kind(
    "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
    frozenset(
        {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
    ),
)
ANY = Kind("*/*", frozenset())


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page; ``status`` 304 (not modified) comes with an empty ``text``."""

    url: str  # after redirects
    status: int
    content_type: str
    text: str
    etag: str | None = None
    last_modified: str | None = None
    encoding: str | None = None


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str


class PageFetcher:
    """Fetches pages politely and safely; use as ``async with PageFetcher(settings) as f``.

    Raises ValueError at construction for a malformed ``fetch_allow_hosts``.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = s = settings
        self.policy = AddressPolicy.parse(s.fetch_allow_hosts, allow_private=s.fetch_allow_private)
        self.client = make_client(
            self.policy,
            user_agent=s.user_agent,
            timeout_s=s.fetch_timeout_s,
            connect_timeout_s=s.fetch_connect_timeout_s,
            max_connections=s.fetch_max_connections,
            per_host=s.fetch_per_host_concurrency,
        )
        self.gate = HostGate(s.fetch_per_host_concurrency, s.fetch_per_host_delay_s)
        self.down = DownHosts(s.fetch_host_down_after, s.fetch_host_down_s)
        self.agent = product_token(s.user_agent)
        self.robots: Lru[str, tuple[float, RobotsRules]] = Lru()
        self.robots_locks: Lru[str, asyncio.Lock] = Lru()

    async def __aenter__(self) -> PageFetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, kind: Kind = PAGE
    ) -> Page:
        """GET ``url`` (conditionally when validators are given); see the module docstring.

        Raises FetchError whose reason is the outcome; the outcome is counted either way.
        """
        headers = {"accept": kind.accept}
        if etag:
            headers["if-none-match"] = etag
        if last_modified:
            headers["if-modified-since"] = last_modified
        try:
            page = await self._follow(url, headers, kind)
        except FetchError as exc:
            metrics.FETCH.labels(exc.reason).inc()
            raise
        metrics.FETCH.labels("not-modified" if page.status == 304 else "fetched").inc()
        return page

    async def _follow(self, url: str, headers: dict[str, str], kind: Kind) -> Page:
        for _ in range(self.settings.fetch_max_redirects + 1):
            host = check_url(url)
            if self.down.is_down(host):
                raise FetchError("host-down", f"{host} failed repeatedly; not retried yet")
            if self.settings.fetch_respect_robots and not (await self._robots(url)).allows(url):
                raise FetchError("robots-denied", url[:500])
            result = await self._request(url, host, headers, kind, self.settings.fetch_max_bytes)
            if isinstance(result, Page):
                return result
            url = result.location
        raise FetchError("too-many-redirects", f"more than {self.settings.fetch_max_redirects}: {url[:500]}")

    async def _request(
        self, url: str, host: str, headers: dict[str, str], kind: Kind, cap: int, *, truncate: bool = False
    ) -> Page | _Redirect:
        """One hop, retried on transient failures; every attempt passes the host's gate."""
        retries = self.settings.fetch_retries
        for attempt in range(retries + 1):
            try:
                async with self.gate.slot(host):
                    result = await self._once(url, headers, kind, cap, truncate)
            except FetchError as exc:
                if exc.reason in HOST_FAILURES:
                    self.down.failed(host)
                wait = self._retry_wait(host, exc, attempt)
                if wait is None or attempt == retries or self.down.is_down(host):
                    raise
                self.gate.defer(host, wait)
                continue
            self.down.succeeded(host)
            return result
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _retry_wait(self, host: str, exc: FetchError, attempt: int) -> float | None:
        """Seconds before the next attempt, or None when ``exc`` is final."""
        if not exc.retryable:
            return None
        if exc.retry_after is None:
            return backoff_delay(attempt, self.settings.fetch_retry_base_s)
        if exc.retry_after > self.settings.fetch_max_retry_after_s:
            # Too long to hold a worker: the host is unavailable until then (bounded).
            self.down.mark_down(host, min(exc.retry_after, self.settings.fetch_host_down_s))
            return None
        return exc.retry_after

    async def _once(
        self, url: str, headers: dict[str, str], kind: Kind, cap: int, truncate: bool
    ) -> Page | _Redirect:
        deadline = self.settings.fetch_deadline_s
        try:
            async with asyncio.timeout(deadline):
                async with self.client.stream("GET", url, headers=headers) as resp:
                    return await self._read(resp, url, kind, cap, truncate)
        except TimeoutError:
            raise FetchError("timeout", f"no complete response within {deadline}s: {url[:300]}") from None
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"{type(exc).__name__}: {url[:300]}") from None
        except httpx.ConnectError as exc:
            reason = "tls-error" if _caused_by(exc, ssl.SSLError) else "connect-error"
            raise FetchError(reason, f"{exc}: {url[:300]}") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError("bad-url", f"{exc}: {url[:300]}") from None
        except httpx.HTTPError as exc:
            raise FetchError("protocol-error", f"{type(exc).__name__}: {exc}") from None

    async def _read(
        self, resp: httpx.Response, url: str, kind: Kind, cap: int, truncate: bool
    ) -> Page | _Redirect:
        status = resp.status_code
        if status in REDIRECTS:
            location = resp.headers.get("location", "").strip()
            if not location:
                raise FetchError("bad-redirect", f"{status} without Location: {url[:300]}")
            return _Redirect(urldefrag(urljoin(url, location)).url)
        validators = {"etag": resp.headers.get("etag"), "last_modified": resp.headers.get("last-modified")}
        if status == 304:
            return Page(url, status, "", "", **validators)
        if status >= 300:
            retry_after = parse_retry_after(resp.headers.get("retry-after")) if status in (429, 503) else None
            raise FetchError(
                f"http-{status // 100}xx",
                f"{status} for {url[:300]}",
                status=status,
                retry_after=retry_after,
                retryable=status in RETRY_STATUSES,
            )
        ctype = resp.headers.get("content-type", "")
        mime = ctype.split(";")[0].strip().lower()
        if kind.types and mime and mime not in kind.types:
            raise FetchError("bad-content-type", f"{mime[:100]} for {url[:300]}")
        length = resp.headers.get("content-length", "")
        if not truncate and length.isdigit() and int(length) > cap:
            raise FetchError("too-large", f"content-length {length} exceeds {cap} bytes")
        body = await read_capped(
            resp.aiter_raw(), resp.headers.get("content-encoding", ""), cap, truncate=truncate
        )
        if kind.types and not mime and not body.lstrip()[:1] == b"<":
            raise FetchError("bad-content-type", f"no content-type and no markup: {url[:300]}")
        decoded = decode_page(body, resp.charset_encoding)
        return Page(url, status, ctype, decoded.text, encoding=decoded.encoding, **validators)

    async def _robots(self, url: str) -> RobotsRules:
        """The robots.txt rules of ``url``'s origin, from the cache or fetched once (per origin)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        lock = self.robots_locks.get(origin) or self.robots_locks.put(origin, asyncio.Lock())
        async with lock:
            cached = self.robots.get(origin)
            if cached is not None and cached[0] > time.monotonic():
                return cached[1]
            rules, ttl = await self._load_robots(origin)
            self.robots.put(origin, (time.monotonic() + ttl, rules))
        if rules.crawl_delay:
            self.gate.set_delay(
                parts.hostname or "", min(rules.crawl_delay, self.settings.fetch_max_crawl_delay_s)
            )
        return rules

    async def _load_robots(self, origin: str) -> tuple[RobotsRules, float]:
        """RFC 9309: 2xx → parse; 4xx → no rules; 5xx/429 → disallow all (briefly); up to 5 redirects.

        Network failures propagate: the page would fail the same way, and its outcome says why.
        """
        ttl = self.settings.fetch_robots_ttl_s
        url = f"{origin}/robots.txt"
        for _ in range(5):
            try:
                result = await self._request(url, check_url(url), {}, ANY, MAX_ROBOTS_BYTES, truncate=True)
            except FetchError as exc:
                if exc.reason == "http-4xx" and exc.status != 429:
                    return ALLOW_ALL, ttl
                if exc.reason in ("http-4xx", "http-5xx"):
                    return DISALLOW_ALL, min(ttl, ROBOTS_ERROR_TTL_S)
                raise
            if isinstance(result, Page):
                return parse_robots(result.text, self.agent), ttl
            url = result.location
        return ALLOW_ALL, ttl  # RFC 9309: more than five redirects count as "unavailable" (4xx)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
