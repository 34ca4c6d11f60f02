"""The fetcher's pure parts: URLs, addresses, charsets, robots.txt, Retry-After, bodies, HTML, feeds."""

from __future__ import annotations

import gzip
import ipaddress
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest

from services.fetcher.body import read_capped
from services.fetcher.charset import decode_page, plausible_latin
from services.fetcher.errors import FetchError
from services.fetcher.feeds import add_feed, entry_urls, read_feeds
from services.fetcher.html import extract_html
from services.fetcher.politeness import DownHosts, parse_retry_after
from services.fetcher.robots import ALLOW_ALL, parse_robots, product_token
from services.fetcher.ssrf import AddressPolicy, check_url, classify
from services.fetcher.stage import from_submission
from shared.ids import article_id, canonical_url
from shared.publish import _key
from shared.records import Submission

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fetch"
RU = "Мэр города заявил во вторник, что новый мост через реку откроется весной."
FR = "Le maire a déclaré mardi que le nouveau pont sur la rivière ouvrira au printemps, à Paris."


def ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text)


# --- URL canonicalisation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.ORG/a/b?utm_source=x&id=3#frag", "https://example.org/a/b?id=3"),
        ("http://example.org:80/x?b=2&a=1&fbclid=abc&gclid=1", "http://example.org/x?a=1&b=2"),
        ("https://example.org:443", "https://example.org/"),
        ("https://example.org./p?WT.mc_id=1&_ga=2", "https://example.org/p"),
        ("https://example.org:8443/P/Case", "https://example.org:8443/P/Case"),
    ],
)
def test_canonical_url_drops_tracking_fragment_and_default_port(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_article_id_is_the_same_for_equivalent_urls() -> None:
    a = article_id(None, "https://example.org/a?utm_medium=x#top", None)
    assert a == article_id(None, "https://EXAMPLE.org/a", None)
    assert a != article_id(None, "https://example.org/b", None)


def test_publish_keys_url_submissions_by_their_article_id() -> None:
    url = "https://example.org/a?utm_source=x"
    assert _key(orjson.dumps({"url": url})) == article_id(None, url, None).encode()
    assert _key(orjson.dumps({"id": "given", "url": url})) == b"given"
    assert _key(b"[1]") is None and _key(b"{broken") is None


# --- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("addr", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.5.4", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("100.64.0.1", "non-global"),
        ("240.0.0.1", "private"),  # reserved 240/4 counts as private in Python's table
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "metadata"),  # NAT64 of 169.254.169.254
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_classify_addresses(addr: str, why: str | None) -> None:
    assert classify(ip(addr)) == why


def test_policy_blocks_private_and_unusual_ports_unless_allowed() -> None:
    strict = AddressPolicy.parse("")
    with pytest.raises(FetchError, match="ssrf-blocked"):
        strict.check("example.org", ip("10.0.0.5"), 80)
    with pytest.raises(FetchError, match="port 22"):
        strict.check("example.org", ip("93.184.216.34"), 22)
    strict.check("example.org", ip("93.184.216.34"), 443)
    listed = AddressPolicy.parse("intranet.local, 10.0.0.0/8")
    listed.check("intranet.local", ip("192.168.1.1"), 8000)  # by host name
    listed.check("other", ip("10.9.9.9"), 8000)  # by network
    with pytest.raises(FetchError):
        listed.check("other", ip("192.168.1.1"), 80)


def test_allow_private_never_opens_cloud_metadata() -> None:
    loose = AddressPolicy.parse("", allow_private=True)
    loose.check("db", ip("10.0.0.5"), 5432)
    with pytest.raises(FetchError, match="metadata"):
        loose.check("meta", ip("169.254.169.254"), 80)
    AddressPolicy.parse("169.254.169.254/32").check("meta", ip("169.254.169.254"), 80)


def test_policy_rejects_malformed_allow_list() -> None:
    with pytest.raises(ValueError, match="not a host"):
        AddressPolicy.parse("good.example, bad host!")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/x", "bad-url"),
        ("file:///etc/passwd", "bad-url"),
        ("gopher://example.org/", "bad-url"),
        ("http://user:pw@example.org/", "ssrf-blocked"),
        ("http://example.org@169.254.169.254/", "ssrf-blocked"),
        ("http://example.org:99999/", "bad-url"),
        ("http:///nohost", "bad-url"),
    ],
)
def test_check_url_refuses(url: str, reason: str) -> None:
    with pytest.raises(FetchError) as err:
        check_url(url)
    assert err.value.reason == reason


def test_check_url_returns_lower_case_host() -> None:
    assert check_url("https://News.Example.ORG:8443/a") == "news.example.org"


# --- charsets ------------------------------------------------------------------------------------


def test_declared_header_charset_is_used() -> None:
    decoded = decode_page(RU.encode("cp1251"), "windows-1251")
    assert (decoded.text, decoded.source) == (RU, "header")


def test_wrong_header_falls_back_to_meta() -> None:
    body = b'<meta charset="windows-1251">' + RU.encode("cp1251")
    decoded = decode_page(body, "utf-8")
    assert RU in decoded.text and decoded.source == "meta"


def test_server_default_latin1_header_loses_to_meta() -> None:
    body = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">' + RU.encode("cp1251")
    assert RU in decode_page(body, "ISO-8859-1").text


def test_latin1_header_on_cyrillic_bytes_is_not_trusted() -> None:
    assert decode_page(RU.encode("cp1251"), "iso-8859-1").text == RU


def test_utf8_declared_as_latin1_is_read_as_utf8() -> None:
    assert decode_page(FR.encode("utf-8"), "iso-8859-1").text == FR


def test_undeclared_legacy_pages_are_sniffed() -> None:
    assert decode_page(RU.encode("cp1251"), None).text == RU
    decoded = decode_page(FR.encode("latin-1"), None)
    assert decoded.text == FR and decoded.encoding == "cp1252"


def test_bom_wins_over_a_wrong_header() -> None:
    assert decode_page(b"\xef\xbb\xbf" + FR.encode("utf-8"), "iso-8859-1").text == FR
    assert decode_page(FR.encode("utf-16"), None).text == FR


def test_cp1252_smart_quotes_declared_as_latin1() -> None:
    text = "\u201cIt will open in spring,\u201d the mayor said \u2014 and it did."
    assert decode_page(text.encode("cp1252"), "iso-8859-1").text == text


def test_plausible_latin_tells_text_from_mojibake() -> None:
    assert plausible_latin(FR)
    assert not plausible_latin(RU.encode("cp1251").decode("cp1252"))


# --- robots.txt ------------------------------------------------------------------------------------


def test_robots_groups_longest_match_and_wildcards() -> None:
    rules = parse_robots((FIXTURES / "robots.txt").read_text(), "claimwire")
    assert rules.allows("https://x.example/news/a")
    assert not rules.allows("https://x.example/private/page")
    assert rules.allows("https://x.example/private/open")
    assert not rules.allows("https://x.example/private/open/more")  # "$" anchors
    assert rules.allows("https://x.example/robots.txt")
    other = parse_robots((FIXTURES / "robots.txt").read_text(), "otherbot")
    assert not other.allows("https://x.example/news/a")


def test_robots_wildcards_ties_and_crawl_delay() -> None:
    text = (
        "User-agent: ClaimWire\nUser-agent: foo\nDisallow: /*.pdf$\nAllow: /a\nDisallow: /a\nCrawl-delay: 3\n"
    )
    rules = parse_robots(text, "claimwire")
    assert not rules.allows("https://x.example/files/report.pdf")
    assert rules.allows("https://x.example/files/report.pdf?x=1")
    assert rules.allows("https://x.example/a")  # equal length: allow wins
    assert rules.crawl_delay == 3.0


def test_robots_empty_or_garbage_allows_everything() -> None:
    assert parse_robots("", "claimwire") == ALLOW_ALL
    assert parse_robots("<html>not robots</html>", "claimwire").allows("https://x.example/a")
    assert parse_robots("User-agent: *\nDisallow:\n", "claimwire").allows("https://x.example/a")


def test_product_token() -> None:
    assert product_token("claimwire/0.1 (+https://claimwire.invalid/bot)") == "claimwire"


# --- Retry-After and host state ---------------------------------------------------------------------


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert parse_retry_after("-5") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_down_hosts_after_repeated_failures_and_recovery() -> None:
    now = [0.0]
    down = DownHosts(after=3, down_s=60, clock=lambda: now[0])
    for _ in range(2):
        down.failed("a.example")
    down.succeeded("a.example")
    down.failed("a.example")
    assert not down.is_down("a.example")  # the success reset the count
    down.failed("a.example")
    down.failed("a.example")
    assert down.is_down("a.example") and not down.is_down("b.example")
    now[0] = 61.0
    assert not down.is_down("a.example")


# --- bodies ------------------------------------------------------------------------------------------


async def chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


async def test_read_capped_plain_gzip_and_deflate() -> None:
    data = b"x" * 5000
    assert await read_capped(chunks(data), "", 5000) == data
    assert await read_capped(chunks(gzip.compress(data)), "gzip", 5000) == data
    assert await read_capped(chunks(zlib.compress(data)), "deflate", 5000) == data
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert (
        await read_capped(chunks(raw_deflate.compress(data) + raw_deflate.flush()), "deflate", 5000) == data
    )


async def test_read_capped_stops_a_compression_bomb() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # ~50 KB on the wire
    with pytest.raises(FetchError, match="too-large"):
        await read_capped(chunks(bomb, 65536), "gzip", 1_000_000)
    with pytest.raises(FetchError, match="too-large"):
        await read_capped(chunks(b"y" * 5001), "", 5000)
    assert await read_capped(chunks(b"y" * 5001), "", 5000, truncate=True) == b"y" * 5000


async def test_read_capped_rejects_unknown_or_corrupt_encoding() -> None:
    with pytest.raises(FetchError, match="bad-encoding"):
        await read_capped(chunks(b"abc"), "br", 100)
    with pytest.raises(FetchError, match="bad-encoding"):
        await read_capped(chunks(b"\x1f\x8bnot gzip at all"), "gzip", 100)


# --- HTML extraction ---------------------------------------------------------------------------------


def test_extract_html_metadata_and_relative_canonical() -> None:
    html = (FIXTURES / "article.html").read_text()
    found = extract_html(html, "https://norvikdaily.example/amp/bridge?x=1")
    assert found is not None
    assert "harbour bridge in Norvik" in found.text
    assert found.canonical_url == "https://norvikdaily.example/news/2026/harbour-bridge-opens?utm_source=feed"
    assert found.site_name == "Norvik Daily"
    assert found.authors == "Katrin Olsvik"
    assert found.published_at == "2026-03-02"
    assert found.language == "en"
    assert found.title is not None and found.title.startswith("Harbour bridge to open")


def test_extract_html_never_guesses_a_date() -> None:
    found = extract_html((FIXTURES / "nodate.html").read_text(), "https://ferry.example/news/timetable")
    assert found is not None and found.published_at is None and found.canonical_url is None


def test_from_submission_uses_canonical_and_site_name() -> None:
    sub = Submission(
        url="https://norvikdaily.example/amp/bridge", html=(FIXTURES / "article.html").read_text()
    )
    article = from_submission(sub, 1.0)
    assert article.url == "https://norvikdaily.example/news/2026/harbour-bridge-opens"
    assert article.article_id == article_id(None, article.url, None)
    assert (article.outlet, article.published_at, article.source) == ("Norvik Daily", "2026-03-02", "html")


def test_from_submission_given_fields_win() -> None:
    html = (FIXTURES / "article.html").read_text()
    sub = Submission(id="mine", outlet="Given", published_at="2026-01-01", html=html)
    article = from_submission(sub, 1.0)
    assert (article.article_id, article.outlet, article.published_at) == ("mine", "Given", "2026-01-01")


# --- feeds ------------------------------------------------------------------------------------------


def test_entry_urls_rss_and_atom() -> None:
    rss = entry_urls((FIXTURES / "rss.xml").read_text(), "https://norvikdaily.example/feed.xml")
    assert rss == ["https://norvikdaily.example/news/bridge", "https://norvikdaily.example/news/ferry"]
    atom = entry_urls((FIXTURES / "atom.xml").read_text(), "https://saltmora.example/atom")
    assert atom == ["https://saltmora.example/story/dockworkers", "https://saltmora.example/story/port-plan"]


def test_entry_urls_never_treats_the_document_as_a_url_or_path(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text((FIXTURES / "rss.xml").read_text())
    assert entry_urls(str(secret), "https://x.example/") == []
    assert entry_urls("http://169.254.169.254/latest/meta-data/", "https://x.example/") == []


def test_feeds_file_add_and_list(tmp_path: Path) -> None:
    path = tmp_path / "data" / "feeds.txt"
    assert read_feeds(path) == []
    assert add_feed(path, "https://a.example/rss")
    assert not add_feed(path, " https://a.example/rss ")
    path.write_text(path.read_text() + "# a comment\n\nhttps://b.example/atom  # trailing\n")
    assert add_feed(path, "https://c.example/feed")
    assert read_feeds(path) == ["https://a.example/rss", "https://b.example/atom", "https://c.example/feed"]
    with pytest.raises(ValueError):
        add_feed(path, "file:///etc/passwd")
