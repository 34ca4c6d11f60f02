"""``shared.serde.decode`` against hostile bytes: a valid record or a ``DecodeError`` with a named reason.

Every consumer decodes through this one function (stages via ``Runner.handle``, the sink via
``SinkRunner.handle_batch``, the dead-letter tools), so its contract is checked for every record
model on the wire.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.records import (
    ArticleDoc,
    ClaimGroup,
    CleanedArticle,
    ClusterRecord,
    DeadLetter,
    FetchedArticle,
    Record,
    Submission,
)
from shared.serde import DecodeError, decode
from tests.fuzz import strategies as hs

REASONS = frozenset({"invalid-json", "invalid-utf8", "not-an-object", "schema", "too-large", "too-deep"})
MAX = 1_000_000
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
dead_letter = hs.maybe(
    {
        "stage": hs.field(hs.words),
        "reason": hs.field(hs.words),
        "error": hs.field(hs.texts),
        "topic": hs.field(hs.words),
        "partition": hs.field(hs.ints),
        "offset": hs.field(hs.ints),
        "value_b64": hs.field(hs.words),
        "value_len": hs.field(hs.ints),
        "dead_at": hs.field(hs.timestamps),
    }
)
SHAPES: list[tuple[type[Record], st.SearchStrategy[dict[str, Any]]]] = [
    (Submission, hs.submission),
    (FetchedArticle, hs.fetched),
    (CleanedArticle, hs.cleaned),
    (ClaimGroup, hs.claim_group),
    (ArticleDoc, hs.article_doc),
    (ClusterRecord, hs.cluster_record),
    (DeadLetter, dead_letter),
]


def outcome(model: type[Record], raw: bytes | None) -> str:
    """``ok`` or the reason; anything else escaping ``decode`` fails the test."""
    try:
        record = decode(model, raw, max_bytes=MAX)
    except DecodeError as exc:
        assert exc.reason in REASONS, exc
        assert str(exc).startswith(exc.reason)
        return exc.reason
    assert isinstance(record, model)
    return "ok"


@pytest.mark.parametrize("model", [m for m, _ in SHAPES], ids=lambda m: m.__name__)
@FUZZ
@given(data=st.data())
def test_decode_gives_a_record_or_a_named_reason(model: type[Record], data: st.DataObject) -> None:
    shape = dict(SHAPES)[model]
    raw = data.draw(hs.messages(shape))
    result = outcome(model, raw)
    if result == "ok":  # what decodes re-encodes to something that decodes the same
        again = decode(model, orjson.dumps(decode(model, raw).model_dump(mode="python")))
        assert again == decode(model, raw)


@FUZZ
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes(raw: bytes) -> None:
    for model, _ in SHAPES:
        outcome(model, raw)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "not-an-object"),
        (b"", "invalid-json"),
        (b'{"text": "cut', "invalid-json"),
        (b'{"text": "\xff"}', "invalid-utf8"),
        (b'{"text": "\xed\xa0\x80"}', "invalid-utf8"),  # an encoded surrogate
        (b'{"text": "a\x00b"}', "invalid-json"),  # raw control characters are not JSON
        (b'{"text": "a\x1fb"}', "invalid-json"),
        (b"[" * 1025 + b"]" * 1025, "too-deep"),  # orjson's limit is 1024 levels
        (b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b"}", "too-deep"),
        (b'{"text": 1e999}', "invalid-json"),
        (b"NaN", "invalid-json"),
        (b'"text"', "not-an-object"),
        (b'{"published_at": "99999-01-01", "text": "x"}', "schema"),
        (b'{"published_at": "1799-12-31", "text": "x"}', "schema"),
        (b'{"published_at": "2026-02-30", "text": "x"}', "schema"),
        (b'{"text": "x", "schema_version": 99999999999999999999999}', "schema"),
        (b'{"id": "' + b"i" * 201 + b'", "text": "x"}', "schema"),
        (b'{"url": "javascript:alert(1)"}', "schema"),
        (b'{"outlet": "Wire"}', "schema"),  # none of url, text, html
    ],
)
def test_named_reasons(raw: bytes | None, reason: str) -> None:
    assert outcome(Submission, raw) == reason


def test_escaped_nul_and_controls_are_valid_text() -> None:
    # JSON may carry any character escaped: these are valid records for the stages to handle.
    record = decode(Submission, orjson.dumps({"text": "a\x00b\x01\u202e"}))
    assert record.text == "a\x00b\x01\u202e"


def test_ten_megabytes_refused_before_parsing() -> None:
    # Invalid JSON would say "invalid-json" if it were parsed: "too-large" proves it was not.
    raw = b"{" + b"x" * 10_000_000
    assert outcome(Submission, raw) == "too-large"
    valid = orjson.dumps({"text": "x" * 10_000_000})
    with pytest.raises(DecodeError) as info:
        decode(Submission, valid, max_bytes=MAX)
    assert info.value.reason == "too-large" and "10000011 bytes" in str(info.value)


def test_size_limit_is_the_configured_one() -> None:
    raw = orjson.dumps({"text": "x" * 5000})
    assert decode(Submission, raw, max_bytes=len(raw)).text
    with pytest.raises(DecodeError, match="too-large"):
        decode(Submission, raw, max_bytes=len(raw) - 1)
