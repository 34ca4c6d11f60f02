"""Downloading article pages with one shared httpx client, refusing private-network targets.

URLs come from a topic anyone may write to, so every request (and every redirect hop) is checked
after DNS resolution: loopback, private, link-local, multicast, reserved and cloud-metadata
addresses are refused unless the deployment allows private targets explicitly.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

ALLOWED_PORTS = frozenset({80, 443, 8080, 8443})
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A URL that could not be fetched; ``reason`` is the counted outcome."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    status: int
    content_type: str
    text: str


def _blocked(addr: str) -> bool:
    ip = ipaddress.ip_address(addr)
    return not ip.is_global or ip.is_multicast


async def check_target(url: str, *, allow_private: bool) -> None:
    """Raise FetchError unless ``url`` is an http(s) URL to a public address on a usual port."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("bad-url", f"not an http(s) URL: {url[:200]}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if allow_private:
        return
    if port not in ALLOWED_PORTS:
        raise FetchError("ssrf-blocked", f"port {port} is not allowed")
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError("dns-error", str(exc)) from None
    if any(_blocked(str(info[4][0])) for info in infos):
        raise FetchError("ssrf-blocked", f"{parts.hostname} resolves to a non-public address")


async def fetch_page(client: httpx.AsyncClient, url: str, *, max_bytes: int, allow_private: bool) -> Page:
    """GET ``url`` following redirects by hand (each hop checked), the body capped at max_bytes."""
    for _ in range(MAX_REDIRECTS + 1):
        await check_target(url, allow_private=allow_private)
        try:
            async with client.stream("GET", url) as resp:
                if resp.is_redirect:
                    url = urljoin(url, resp.headers.get("location", ""))
                    continue
                if resp.status_code >= 400:
                    raise FetchError(f"http-{resp.status_code // 100}xx", f"{resp.status_code} for {url}")
                ctype = resp.headers.get("content-type", "")
                if "html" not in ctype and "text" not in ctype:
                    raise FetchError("bad-content-type", ctype or "none")
                body = await _read_capped(resp, max_bytes)
                return Page(
                    url=str(resp.url),
                    status=resp.status_code,
                    content_type=ctype,
                    text=_decode(body, resp.charset_encoding),
                )
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"{type(exc).__name__} for {url}") from None
        except httpx.HTTPError as exc:
            raise FetchError("http-error", f"{type(exc).__name__}: {exc}") from None
    raise FetchError("too-many-redirects", url)


async def _read_capped(resp: httpx.Response, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too-large", f"body exceeds {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, declared: str | None) -> str:
    for enc in (declared, "utf-8"):
        if enc:
            try:
                return body.decode(enc)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("cp1252", errors="replace")


def make_client(timeout_s: float, user_agent: str) -> httpx.AsyncClient:
    """The one shared client: explicit timeouts and pool limits, redirects handled by us."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)),
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        headers={"user-agent": user_agent},
        follow_redirects=False,
    )
