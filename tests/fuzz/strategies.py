"""Hypothesis strategies for hostile messages: broken bytes, wrong types, hostile field contents.

Every stage's input is built from three layers: a JSON object shaped like its record whose fields
may hold hostile values (NUL and control characters, bidi marks, huge or absurd numbers and
dates, wrong types), that object's JSON, and byte-level damage to that JSON (truncation,
invalid UTF-8, deep nesting). Sizes stay moderate so a run stays fast; the explicit size cases
(10 MB messages, huge fields, HTML bombs) are separate tests.
"""

from __future__ import annotations

import itertools
from typing import Any

import orjson
from hypothesis import strategies as st

from shared.corpus import CorpusSpec, generate

# Text as news pages and hostile senders produce it.
SPECIAL_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\u202eevil\u202c",
    "\ufeffBOM",
    "e\u0301\u0301\u0301",
    "\U0001f600" * 50,
    "\r\n\r\n",
    "\u2028\u2029",
    "“Quoted,” she said. “Again.”",
    '"We will not back down," the minister said on Monday.',
    "The spokesman said the port would reopen, officials said.",
    "Mr. Dr. St. U.S. e.g. i.e. ... !!! ???",
    "<script>alert(1)</script>",
    "\\u0000 \\ud800",
]
# Long runs are built, not listed: Hypothesis warns about (and we fail on) huge strategy reprs.
RUNS = ["a", ". ", "\n", '"', "\U0001f600", "\x00", "said ", "“", "<b>"]
DATES = [
    "2026-03-02",
    "2026-03-02T10:00:00Z",
    "0001-01-01",
    "9999-12-31T23:59:59",
    "99999-01-01",
    "2026-13-45",
    "2026-02-30",
    "1799-12-31",
    "2201-01-01",
    "2026-03-02T25:61:61",
    "2026-03-02T10:00:00+99:00",
    "yesterday",
    "",
    "\x00",
]
# orjson writes integers within 64 bits only; larger ones reach the decoder as raw JSON text
# (see test_decode's named cases).
ints = st.one_of(st.integers(-(2**63), 2**64 - 1), st.sampled_from([0, -1, 2**63 - 1, -(2**63), 2**64 - 1]))

runs = st.tuples(st.sampled_from(RUNS), st.integers(1, 3000)).map(lambda t: t[0] * t[1])
texts = st.one_of(st.text(max_size=300), st.sampled_from(SPECIAL_TEXT), runs)
words = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
json_scalars = st.one_of(
    st.none(), st.booleans(), ints, st.floats(allow_nan=False, allow_infinity=False), texts
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=4),
    max_leaves=12,
)


def field(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a value of the right type, sometimes anything at all."""
    return st.one_of(good, good, good, json_values)


def maybe(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """An object with any subset of ``fields`` (and sometimes an unknown one)."""
    return st.fixed_dictionaries(
        {}, optional={**fields, "schema_version": field(st.sampled_from([1, 2, 0, -1])), "zz": json_values}
    )


def spans(limit: int = 5000) -> st.SearchStrategy[Any]:
    pair = st.tuples(st.integers(-10, limit), st.integers(-10, limit)).map(list)
    return st.lists(pair, max_size=8)


timestamps = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([0.0, -1.0, 1e18, 1.8e9])
)
dates = st.one_of(st.sampled_from(DATES), texts)
urls = st.one_of(
    st.sampled_from(["https://example.org/a", "http://x", "ftp://x/y", "javascript:alert(1)", ""]), texts
)

# Real article text (the synthetic corpus) with hostile text spliced in: reaches the cleaner's
# and extractor's deeper paths (quotes, attributions, speaker resolution) that random text misses.
ARTICLES = [str(doc["text"]) for doc in generate(12, CorpusSpec(seed=5))]


@st.composite
def article_texts(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(ARTICLES))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(texts) + text[at:]
    return text


bodies = st.one_of(texts, article_texts(), article_texts())


@st.composite
def sentence_spans(draw: st.DrawFn, text: str) -> list[list[int]]:
    """Ordered, in-range spans as the cleaner produces them."""
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))) | {0, len(text)})
    return [[a, b] for a, b in itertools.pairwise(cuts) if b > a]


def fixed(required: dict[str, st.SearchStrategy[Any]], **optional: st.SearchStrategy[Any]) -> Any:
    return st.fixed_dictionaries(required, optional=optional)


valid_meta: dict[str, st.SearchStrategy[Any]] = {
    "article_id": words.filter(bool),
    "submitted_ts": st.floats(0, 4e9),
}
meta_options: dict[str, st.SearchStrategy[Any]] = {
    "url": st.just("https://example.org/news/a"),
    "outlet": texts,
    "title": texts,
    "published_at": dates,
    "language": st.sampled_from(["en", "de", "xx"]),
}
valid_submission = fixed(
    {"text": bodies},
    id=words.filter(bool),
    outlet=texts,
    title=texts,
    published_at=st.sampled_from(DATES[:4]),
) | fixed({"html": bodies.map(lambda t: f"<html><body><article><p>{t}</p></article></body></html>")})
valid_fetched = fixed({**valid_meta, "source": st.just("text"), "text": bodies}, **meta_options)


@st.composite
def valid_cleaned(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(bodies)
    base = draw(fixed(valid_meta, **meta_options))
    return {**base, "text": text, "sentences": draw(sentence_spans(text))}


valid_claim = fixed(
    {
        "claim_id": words.filter(bool),
        "article_id": st.just("a1"),
        "kind": st.sampled_from(["quote", "reported", "statement"]),
        "speaker": st.one_of(st.none(), texts),
        "text": bodies,
        "span": st.tuples(st.integers(0, 5000), st.integers(0, 5000)).map(list),
        "sentence": st.integers(0, 100),
    }
)
valid_group = fixed(
    {
        "block": words,
        "article_id": st.just("a1"),
        "submitted_ts": st.floats(0, 4e9),
        "claims": st.lists(valid_claim, max_size=4),
    },
    outlet=texts,
    published_at=dates,
)

submission = st.one_of(
    valid_submission,
    valid_submission,
    maybe(
        {
            "id": field(words),
            "url": field(urls),
            "outlet": field(texts),
            "title": field(texts),
            "published_at": field(dates),
            "text": field(bodies),
            "html": field(st.one_of(texts, texts.map(lambda t: f"<html><body><p>{t}</p></body></html>"))),
            "refetch": field(st.booleans()),
        }
    ),
)
meta: dict[str, st.SearchStrategy[Any]] = {
    "article_id": field(words),
    "url": field(urls),
    "outlet": field(texts),
    "title": field(texts),
    "published_at": field(dates),
    "submitted_ts": field(timestamps),
    "language": field(st.sampled_from(["en", "de", "xx", "", None])),
}
fetched = st.one_of(
    valid_fetched,
    valid_fetched,
    maybe({**meta, "source": field(st.sampled_from(["text", "html", "url", "pdf"])), "text": field(bodies)}),
)
cleaned = st.one_of(
    valid_cleaned(),
    valid_cleaned(),
    maybe(
        {
            **meta,
            "text": field(bodies),
            "sentences": field(spans()),
            "removed": field(st.dictionaries(words, ints)),
        }
    ),
)
claim = maybe(
    {
        "claim_id": field(words),
        "article_id": field(words),
        "kind": field(st.sampled_from(["quote", "reported", "statement", "rumour"])),
        "speaker": field(st.one_of(st.none(), texts)),
        "speaker_title": field(st.one_of(st.none(), texts)),
        "cue": field(st.one_of(st.none(), texts)),
        "text": field(texts),
        "span": field(st.tuples(ints, ints).map(list)),
        "sentence": field(ints),
        "cluster_id": field(st.one_of(st.none(), words)),
    }
)
claim_group = st.one_of(
    valid_group,
    valid_group,
    maybe(
        {
            "block": field(words),
            "article_id": field(words),
            "outlet": field(st.one_of(st.none(), texts)),
            "published_at": field(st.one_of(st.none(), dates)),
            "submitted_ts": field(timestamps),
            "claims": field(st.lists(claim, max_size=4)),
        }
    ),
)
article_doc = st.one_of(
    fixed(
        {**valid_meta, "text": bodies, "claim_count": st.integers(0, 50)},
        claim_ids=st.lists(words, max_size=4),
    ),
    maybe(
        {
            **meta,
            "text": field(texts),
            "claim_count": field(ints),
            "claim_ids": field(st.lists(words, max_size=4)),
        }
    ),
)
cluster_record = maybe(
    {
        "cluster_id": field(words),
        "block": field(words),
        "speaker": field(st.one_of(st.none(), texts)),
        "text": field(texts),
        "first_seen": field(timestamps),
        "last_seen": field(timestamps),
        "count": field(ints),
        "outlets": field(st.lists(texts, max_size=3)),
        "new_members": field(st.lists(words, max_size=3)),
        "merged_into": field(st.one_of(st.none(), words)),
    }
)


@st.composite
def damaged(draw: st.DrawFn, obj: dict[str, Any]) -> bytes:
    """``obj`` as JSON, then possibly damaged at the byte level."""
    raw = orjson.dumps(obj)
    kind = draw(st.sampled_from(["as-is"] * 6 + ["truncate", "bad-utf8", "nest", "not-object", "bytes"]))
    if kind == "truncate":
        return raw[: draw(st.integers(0, max(0, len(raw) - 1)))]
    if kind == "bad-utf8":
        at = draw(st.integers(0, len(raw)))
        return (
            raw[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]))
            + raw[at:]
        )
    if kind == "nest":
        depth = draw(st.sampled_from([100, 1023, 1025, 5000]))
        return b'{"text":' + b"[" * depth + b"]" * depth + b"}"
    if kind == "not-object":
        return orjson.dumps(draw(st.one_of(json_scalars, st.lists(json_scalars, max_size=3))))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    return raw


def messages(record: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[bytes]:
    """Raw messages derived from objects shaped like ``record``."""
    return record.flatmap(damaged)
