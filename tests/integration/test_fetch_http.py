"""PageFetcher against a real HTTP server on 127.0.0.1 serving our fixture pages (no Kafka).

Every behaviour is checked by outcome, never by timing: slow and stalled servers are made far
slower than the (small) timeouts the tests configure.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

from services.fetcher import transport
from services.fetcher.errors import FetchError
from services.fetcher.feeds import FeedPoller
from services.fetcher.fetch import PageFetcher
from services.fetcher.localserver import LocalServer, Request, respond
from services.fetcher.ssrf import classify
from shared.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fetch"
Route = Callable[[Request, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Site:
    """Routes by path; counts hits and remembers the Host header of each request."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    hosts: list[str] = field(default_factory=list)

    async def __call__(self, request: Request, writer: asyncio.StreamWriter) -> None:
        path = request.target.split("?")[0]
        self.hits[path] += 1
        self.hosts.append(request.headers.get("host", ""))
        route = self.routes.get(path)
        if route is None:
            await respond(writer, 404, b"not found", content_type="text/plain")
        else:
            await route(request, writer)


def page(body: bytes, content_type: str | None = "text/html; charset=utf-8", **headers: str) -> Route:
    async def route(request: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, body, headers, content_type=content_type)

    return route


def redirect(location: str, status: int = 302) -> Route:
    async def route(request: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, status, b"", {"location": location})

    return route


def sleeping(seconds: float) -> Route:
    async def route(request: Request, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(seconds)
        await respond(writer, 200, b"<p>late</p>")

    return route


ARTICLE = (FIXTURES / "article.html").read_bytes()


@pytest.fixture
async def site() -> AsyncIterator[tuple[Site, LocalServer]]:
    s = Site()
    async with LocalServer(s) as server:
        s.routes["/robots.txt"] = page((FIXTURES / "robots.txt").read_bytes(), "text/plain")
        yield s, server


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "fetch_allow_hosts": "127.0.0.1,localhost",
        "fetch_per_host_delay_s": 0.0,
        "fetch_retry_base_s": 0.01,
        "fetch_timeout_s": 2.0,
        "fetch_deadline_s": 5.0,
    }
    return Settings(**(base | overrides))


async def fetch_error(settings: Settings, url: str, **kwargs: Any) -> FetchError:
    async with PageFetcher(settings) as fetcher:
        with pytest.raises(FetchError) as err:
            await fetcher.fetch(url, **kwargs)
    return err.value


def counted(outcome: str) -> float:
    return REGISTRY.get_sample_value("claimwire_fetch_total", {"outcome": outcome}) or 0.0


# --- fetching and redirects -----------------------------------------------------------------------


async def test_fetches_a_page_and_counts_it(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    s.routes["/a"] = page(ARTICLE, etag='"v1"', **{"last-modified": "Mon, 02 Mar 2026 09:40:00 GMT"})
    before = counted("fetched")
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        got = await fetcher.fetch(server.url("/a"))
    assert got.status == 200 and "harbour bridge in Norvik" in got.text
    assert (got.etag, got.last_modified) == ('"v1"', "Mon, 02 Mar 2026 09:40:00 GMT")
    assert counted("fetched") == before + 1


async def test_follows_redirects_and_reports_the_final_url(
    site: tuple[Site, LocalServer], tmp_path: Path
) -> None:
    s, server = site
    s.routes |= {
        "/r1": redirect("/r2", 301),
        "/r2": redirect(server.url("/a#frag"), 307),
        "/a": page(ARTICLE),
    }
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        got = await fetcher.fetch(server.url("/r1"))
    assert got.url == server.url("/a")


async def test_redirect_loop_and_limit(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    s.routes |= {"/loop1": redirect("/loop2"), "/loop2": redirect("/loop1"), "/nowhere": redirect("")}
    err = await fetch_error(make_settings(tmp_path), server.url("/loop1"))
    assert err.reason == "too-many-redirects"
    assert s.hits["/loop1"] + s.hits["/loop2"] == 6  # the first request and five redirects
    assert (await fetch_error(make_settings(tmp_path), server.url("/nowhere"))).reason == "bad-redirect"


async def test_redirect_to_another_scheme_is_refused(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    s.routes["/file"] = redirect("file:///etc/passwd")
    assert (await fetch_error(make_settings(tmp_path), server.url("/file"))).reason == "bad-url"


# --- back-off, retries, timeouts ----------------------------------------------------------------------


def flaky(failures: list[tuple[int, dict[str, str]]], then: Route) -> Route:
    """Answers with the given (status, headers) in turn, then with ``then``."""

    async def route(request: Request, writer: asyncio.StreamWriter) -> None:
        if failures:
            status, headers = failures.pop(0)
            await respond(writer, status, b"busy", headers, content_type="text/plain")
        else:
            await then(request, writer)

    return route


async def test_429_and_503_honour_retry_after_then_succeed(
    site: tuple[Site, LocalServer], tmp_path: Path
) -> None:
    s, server = site
    s.routes["/busy"] = flaky([(429, {"retry-after": "0"}), (503, {"retry-after": "0"})], page(ARTICLE))
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        got = await fetcher.fetch(server.url("/busy"))
    assert got.status == 200 and s.hits["/busy"] == 3


async def test_long_retry_after_gives_up_and_marks_the_host_down(
    site: tuple[Site, LocalServer], tmp_path: Path
) -> None:
    s, server = site
    s.routes["/later"] = flaky([(503, {"retry-after": "3600"})], page(ARTICLE))
    s.routes["/a"] = page(ARTICLE)
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        with pytest.raises(FetchError) as first:
            await fetcher.fetch(server.url("/later"))
        with pytest.raises(FetchError) as second:
            await fetcher.fetch(server.url("/a"))
    assert (first.value.reason, second.value.reason) == ("http-5xx", "host-down")
    assert s.hits["/later"] == 1 and s.hits["/a"] == 0


async def test_transient_5xx_is_retried_but_4xx_is_not(
    site: tuple[Site, LocalServer], tmp_path: Path
) -> None:
    s, server = site
    s.routes["/flaky"] = flaky([(502, {}), (504, {})], page(ARTICLE))
    s.routes["/gone"] = flaky([(410, {})] * 5, page(ARTICLE))
    s.routes["/broken"] = flaky([(500, {})] * 5, page(ARTICLE))
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        assert (await fetcher.fetch(server.url("/flaky"))).status == 200
    assert (await fetch_error(make_settings(tmp_path), server.url("/gone"))).reason == "http-4xx"
    assert (await fetch_error(make_settings(tmp_path), server.url("/broken"))).reason == "http-5xx"
    assert (s.hits["/flaky"], s.hits["/gone"], s.hits["/broken"]) == (3, 1, 1)


async def test_slow_response_times_out_and_is_retried(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    s.routes["/slow"] = sleeping(30)
    err = await fetch_error(
        make_settings(tmp_path, fetch_timeout_s=0.2, fetch_retries=1), server.url("/slow")
    )
    assert err.reason == "timeout" and s.hits["/slow"] == 2


async def test_stalled_and_trickling_bodies_time_out(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site

    async def stalled(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 1000\r\n\r\n<p>half")
        await writer.drain()
        await asyncio.sleep(30)

    async def trickle(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 100000\r\n\r\n")
        for _ in range(3000):  # a byte every 10 ms: never a read timeout, always past the deadline
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.01)

    s.routes |= {"/stalled": stalled, "/trickle": trickle}
    settings = make_settings(tmp_path, fetch_timeout_s=0.3, fetch_deadline_s=0.6, fetch_retries=0)
    assert (await fetch_error(settings, server.url("/stalled"))).reason == "timeout"
    assert (await fetch_error(settings, server.url("/trickle"))).reason == "timeout"


async def test_connection_refused_repeatedly_marks_host_down(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = make_settings(tmp_path, fetch_retries=2, fetch_host_down_after=3)
    async with PageFetcher(settings) as fetcher:
        with pytest.raises(FetchError) as first:
            await fetcher.fetch(f"http://127.0.0.1:{port}/a")
        with pytest.raises(FetchError) as second:
            await fetcher.fetch(f"http://127.0.0.1:{port}/b")
    assert (first.value.reason, second.value.reason) == ("connect-error", "host-down")


async def test_unresolvable_host_is_a_dns_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, fetch_retries=0, fetch_connect_timeout_s=2.0)
    assert (await fetch_error(settings, "http://no-such-host.invalid/a")).reason == "dns-error"


# --- size, type, encoding -------------------------------------------------------------------------------


async def test_body_over_the_cap(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    big = b"<html><body>" + b"<p>word</p>" * 3000 + b"</body></html>"

    async def unannounced(request: Request, writer: asyncio.StreamWriter) -> None:
        # No Content-Length: the body runs until the connection closes.
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n" + big)
        await writer.drain()
        writer.close()

    s.routes |= {
        "/big": page(big),
        "/unannounced": unannounced,
        "/bomb": page(gzip.compress(big * 10), **{"content-encoding": "gzip"}),
    }
    settings = make_settings(tmp_path, fetch_max_bytes=10_000)
    for path in ("/big", "/unannounced", "/bomb"):
        assert (await fetch_error(settings, server.url(path))).reason == "too-large", path


async def test_gzip_page_is_decoded(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    s.routes["/gz"] = page(gzip.compress(ARTICLE), **{"content-encoding": "gzip"})
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        assert "harbour bridge in Norvik" in (await fetcher.fetch(server.url("/gz"))).text


async def test_content_type_check(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    s.routes |= {
        "/pdf": page(b"%PDF-1.4", "application/pdf"),
        "/untyped-html": page(ARTICLE, None),
        "/untyped-binary": page(b"\x00\x01\x02", None),
    }
    assert (await fetch_error(make_settings(tmp_path), server.url("/pdf"))).reason == "bad-content-type"
    assert (
        await fetch_error(make_settings(tmp_path), server.url("/untyped-binary"))
    ).reason == "bad-content-type"
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        assert (await fetcher.fetch(server.url("/untyped-html"))).status == 200


@pytest.mark.parametrize(
    ("fixture", "content_type", "expected"),
    [
        ("cp1251.html", "text/html", "Мэр города заявил во вторник"),
        ("cp1251.html", "text/html; charset=ISO-8859-1", "Мэр города заявил во вторник"),
        ("cp1251.html", "text/html; charset=windows-1251", "Мэр города заявил во вторник"),
        ("latin1.html", "text/html", "Le maire a déclaré mardi"),
        ("latin1.html", "text/html; charset=utf-8", "« C'est une très bonne nouvelle"),
    ],
)
async def test_legacy_charsets_decode_without_mojibake(
    site: tuple[Site, LocalServer], tmp_path: Path, fixture: str, content_type: str, expected: str
) -> None:
    s, server = site
    s.routes["/p"] = page((FIXTURES / fixture).read_bytes(), content_type)
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        got = await fetcher.fetch(server.url("/p"))
    assert expected in got.text and "\ufffd" not in got.text


# --- robots.txt ----------------------------------------------------------------------------------------


async def test_robots_txt_is_respected_and_cached(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    s.routes |= {"/private/page": page(ARTICLE), "/private/open": page(ARTICLE), "/a": page(ARTICLE)}
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        with pytest.raises(FetchError) as err:
            await fetcher.fetch(server.url("/private/page"))
        await fetcher.fetch(server.url("/private/open"))
        await fetcher.fetch(server.url("/a"))
    assert err.value.reason == "robots-denied" and s.hits["/private/page"] == 0
    assert s.hits["/robots.txt"] == 1


async def test_robots_server_error_disallows_and_missing_allows(
    site: tuple[Site, LocalServer], tmp_path: Path
) -> None:
    s, server = site
    s.routes |= {"/robots.txt": flaky([(500, {})] * 10, page(b"")), "/a": page(ARTICLE)}
    err = await fetch_error(make_settings(tmp_path, fetch_retries=0), server.url("/a"))
    assert err.reason == "robots-denied"
    del s.routes["/robots.txt"]  # 404: no rules at all
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        assert (await fetcher.fetch(server.url("/a"))).status == 200


async def test_robots_can_be_switched_off(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    s.routes["/private/page"] = page(ARTICLE)
    async with PageFetcher(make_settings(tmp_path, fetch_respect_robots=False)) as fetcher:
        assert (await fetcher.fetch(server.url("/private/page"))).status == 200
    assert s.hits["/robots.txt"] == 0


# --- conditional GET ----------------------------------------------------------------------------------


async def test_conditional_get_not_modified(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site

    async def validated(request: Request, writer: asyncio.StreamWriter) -> None:
        if request.headers.get("if-none-match") == '"v1"':
            await respond(writer, 304, b"", {"etag": '"v1"'}, content_type=None)
        else:
            await respond(writer, 200, ARTICLE, {"etag": '"v1"'})

    s.routes["/v"] = validated
    before = counted("not-modified")
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        first = await fetcher.fetch(server.url("/v"))
        second = await fetcher.fetch(server.url("/v"), etag=first.etag)
    assert (first.status, second.status, second.text) == (200, 304, "")
    assert counted("not-modified") == before + 1


# --- address checks --------------------------------------------------------------------------------------


async def test_redirect_to_loopback_is_blocked_unless_allowed(
    site: tuple[Site, LocalServer], tmp_path: Path
) -> None:
    s, server = site
    s.routes |= {"/out": redirect(server.url("/a")), "/a": page(ARTICLE)}
    start = f"http://localhost:{server.port}/out"
    err = await fetch_error(make_settings(tmp_path, fetch_allow_hosts="localhost"), start)
    assert err.reason == "ssrf-blocked" and "loopback" in str(err)
    assert s.hits["/a"] == 0
    async with PageFetcher(make_settings(tmp_path, fetch_allow_hosts="localhost,127.0.0.0/8")) as fetcher:
        assert (await fetcher.fetch(start)).url == server.url("/a")


async def test_loopback_is_blocked_by_default(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    s.routes["/a"] = page(ARTICLE)
    err = await fetch_error(make_settings(tmp_path, fetch_allow_hosts=""), server.url("/a"))
    assert err.reason == "ssrf-blocked" and s.hits["/a"] == 0


def private_address() -> str | None:
    """This machine's own non-loopback, non-public IPv4 address, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("10.255.255.255", 1))  # no packet is sent: this only picks a route
            addr = str(sock.getsockname()[0])
    except OSError:
        return None
    why = classify(ipaddress.ip_address(addr))
    return addr if why not in (None, "loopback") else None


async def test_redirect_to_private_address_is_blocked_unless_allowed(
    site: tuple[Site, LocalServer], tmp_path: Path
) -> None:
    addr = private_address()
    if addr is None:
        pytest.skip("this machine has no private non-loopback address to serve on")
    inner = Site(routes={"/secret": page(ARTICLE)})
    async with LocalServer(inner, host=addr) as private:
        s, server = site
        s.routes["/leak"] = redirect(private.url("/secret"))
        err = await fetch_error(make_settings(tmp_path), server.url("/leak"))
        assert err.reason == "ssrf-blocked" and inner.hits["/secret"] == 0
        allowed = make_settings(tmp_path, fetch_allow_hosts=f"127.0.0.1,{addr}/32")
        async with PageFetcher(allowed) as fetcher:
            assert (await fetcher.fetch(server.url("/leak"))).url == private.url("/secret")


async def test_connection_goes_to_the_checked_address(
    site: tuple[Site, LocalServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved once, by the checker, and the socket connects to that very address;
    Host header and URL keep the name (as TLS would for SNI)."""
    s, server = site
    s.routes["/a"] = page(ARTICLE)
    answers = {"pinned.test": "127.0.0.1", "rebound.test": "169.254.169.254"}

    async def fake_resolve(host: str, port: int, timeout: float | None) -> list[Any]:
        return [ipaddress.ip_address(answers[host])]

    monkeypatch.setattr(transport, "resolve", fake_resolve)
    settings = make_settings(tmp_path, fetch_allow_hosts="pinned.test", fetch_allow_private=True)
    async with PageFetcher(settings) as fetcher:
        got = await fetcher.fetch(f"http://pinned.test:{server.port}/a")
    assert got.url == f"http://pinned.test:{server.port}/a"
    assert f"pinned.test:{server.port}" in s.hosts
    err = await fetch_error(settings, f"http://rebound.test:{server.port}/a")
    assert err.reason == "ssrf-blocked" and "metadata" in str(err)


async def test_userinfo_and_unusual_ports_are_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, fetch_allow_hosts="")
    assert (await fetch_error(settings, "http://user:pw@example.org/")).reason == "ssrf-blocked"


# --- feeds -----------------------------------------------------------------------------------------------


async def test_feed_poller_submits_new_entries_once(site: tuple[Site, LocalServer], tmp_path: Path) -> None:
    s, server = site
    rss, atom = (FIXTURES / "rss.xml").read_bytes(), (FIXTURES / "atom.xml").read_bytes()

    def feed(body: bytes, content_type: str) -> Route:
        async def route(request: Request, writer: asyncio.StreamWriter) -> None:
            if request.headers.get("if-none-match") == '"f1"':
                await respond(writer, 304, b"", {"etag": '"f1"'}, content_type=None)
            else:
                await respond(writer, 200, body, {"etag": '"f1"'}, content_type=content_type)

        return route

    s.routes |= {"/rss": feed(rss, "application/rss+xml"), "/atom": feed(atom, "application/atom+xml")}
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"{server.url('/rss')}\n{server.url('/atom')}\n")
    async with PageFetcher(make_settings(tmp_path)) as fetcher:
        poller = FeedPoller(fetcher, feeds)
        first = await poller.poll()
        second = await poller.poll()
    assert first == [
        server.url(p) for p in ("/news/bridge", "/news/ferry", "/story/dockworkers", "/story/port-plan")
    ]
    assert second == []
    assert s.hits["/rss"] == 2 and s.hits["/atom"] == 2
