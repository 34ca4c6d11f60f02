"""Records and their decoding: every bad message gets a named reason."""

from __future__ import annotations

import orjson
import pytest

from shared.ids import article_id, canonical_url, claim_id
from shared.records import FetchedArticle, Submission
from shared.serde import DecodeError, decode, encode


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"text": "unterminated', "invalid-json"),
        (b"\xff\xfe\x00", "invalid-utf8"),
        (b"[1, 2]", "not-an-object"),
        (None, "not-an-object"),
        (b'{"title": "no body"}', "schema"),
        (b'{"text": 42}', "schema"),
        (b'{"text": "x", "published_at": "yesterday"}', "schema"),
        (b'{"text": "x", "published_at": "9999-01-01"}', "schema"),
        (b'{"url": "file:///etc/passwd"}', "schema"),
        (b'{"id": "", "text": "x"}', "schema"),
    ],
)
def test_bad_submissions_have_named_reasons(raw: bytes | None, reason: str) -> None:
    with pytest.raises(DecodeError) as err:
        decode(Submission, raw)
    assert err.value.reason == reason


def test_too_large_is_refused_before_parsing() -> None:
    with pytest.raises(DecodeError) as err:
        decode(Submission, b'{"text": "' + b"a" * 5000 + b'"}', max_bytes=1024)
    assert err.value.reason == "too-large"


def test_valid_submission_round_trips_with_unknown_fields_ignored() -> None:
    sub = decode(Submission, b'{"text": "Hello.", "published_at": "2026-03-02T10:00:00Z", "extra": 1}')
    assert sub.text == "Hello." and sub.schema_version == 1
    art = FetchedArticle(article_id="a", submitted_ts=1.0, source="text", text="t")
    assert decode(FetchedArticle, encode(art)) == art
    assert orjson.loads(encode(art))["schema_version"] == 1


def test_ids_are_deterministic() -> None:
    assert canonical_url("HTTPS://Example.ORG/a?utm_source=x&b=2&a=1#top") == "https://example.org/a?a=1&b=2"
    assert article_id(None, "https://example.org/a?utm_medium=y", None) == article_id(
        None, "https://example.org/a", None
    )
    assert article_id("given", "https://x.org", None) == "given"
    assert article_id(None, None, "same text") == article_id(None, None, "same text")
    assert claim_id("a", "text") != claim_id("a", "text", 1)
