"""The embedded backend's query features, its rejections, and the sink runner dead-lettering them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import faust
import orjson
import pytest

from services.indexer.backend import Filters, SearchRequest, marks_to_html, open_backend, published_day
from services.indexer.samples import sample_batch
from services.indexer.sqlite_index import SqliteBackend, SqliteIndex
from services.indexer.stage import Indexer
from shared.records import Claim, ClaimGroup, Record
from shared.settings import Settings
from shared.topics import DEADLETTER
from shared.worker import SinkRunner, WriteRejection


@pytest.fixture
def index(tmp_path: Path) -> SqliteIndex:
    idx = SqliteIndex(tmp_path / "i.sqlite")
    idx.write(*sample_batch())
    return idx


def test_search_filters_facets_and_paging(index: SqliteIndex) -> None:
    page = index.query(SearchRequest("bridge may"))
    assert page.total == 3
    assert {h.outlet for h in page.hits} == {"Ledger", "Wire", "Courier"}
    assert all(h.cluster_size == 3 and h.cluster_outlets == ["Courier", "Ledger", "Wire"] for h in page.hits)
    assert page.facets["speaker"][0].model_dump() == {"value": "Ilse Varga", "count": 3}
    assert "<mark>bridge</mark>" in page.hits[0].highlighted

    assert index.query(SearchRequest("bridge", Filters(kind="reported"))).total == 1
    assert index.query(SearchRequest("", Filters(speaker="saalberg"))).total == 2
    assert index.query(SearchRequest("", Filters(language="de"))).hits[0].outlet == "Kurier"
    march = Filters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 3))
    assert {h.outlet for h in index.query(SearchRequest("", march)).hits} == {"Wire", "Courier"}

    everything = index.query(SearchRequest("", size=3, page=3))
    assert everything.total == 7 and len(everything.hits) == 1
    # Without words: newest first, undated last.
    assert everything.hits[0].published_at is None


def test_user_text_is_never_query_syntax(index: SqliteIndex) -> None:
    for q in ['"', "NEAR(", "a OR", "*", "speaker:x", ") AND (", "'; DROP TABLE claims; --"]:
        index.query(SearchRequest(q, Filters(speaker=q, outlet=q)))  # must not raise
    [hit] = index.query(SearchRequest("school pool")).hits
    assert (
        hit.highlighted
        == "We have no plans to close the &lt;b&gt;<mark>school</mark>&lt;/b&gt; &amp; <mark>pool</mark>"
    )


def test_cluster_and_article_views(index: SqliteIndex) -> None:
    cluster = index.cluster("gbridge")
    assert cluster is not None
    assert cluster.count == 3 and cluster.outlets == ["Courier", "Ledger", "Wire"]
    assert cluster.canonical_text == "The bridge will reopen in May"
    assert (cluster.first_seen, cluster.last_seen) == ("2026-03-01", "2026-03-03")
    assert [m.outlet for m in cluster.members] == ["Ledger", "Wire", "Courier"]
    assert index.cluster("nope") is None
    article = index.article_view("s-kurier-1")
    assert article is not None and article.language == "de" and len(article.claims) == 1


def test_helpers() -> None:
    assert marks_to_html("a \ue000<b>\ue001") == "a <mark>&lt;b&gt;</mark>"
    assert published_day("2026-03-02T23:30:00-05:00") == "2026-03-02"
    assert published_day("2026-03-02") == "2026-03-02"
    assert published_day("yesterday") is None and published_day(None) is None
    assert isinstance(open_backend(Settings(data_dir=Path("/nonexistent"))), SqliteBackend)


def _overflowing_group() -> ClaimGroup:
    claim = Claim(
        claim_id="kbig",
        article_id="abig",
        kind="quote",
        speaker="X",
        text="t",
        span=(0, 2**63),  # valid on the wire, beyond what SQLite (or Lucene) can store
        sentence=0,
    )
    return ClaimGroup(block="x", article_id="abig", submitted_ts=1.0, claims=[claim])


async def test_sqlite_backend_rejects_only_records_it_cannot_store(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "i.sqlite")
    await backend.start()
    articles, groups = sample_batch()
    bad = _overflowing_group()
    rejected = await backend.write(articles, [groups[0], bad, groups[1]])
    assert [r.record for r in rejected] == [bad]
    assert (await backend.counts())["claims"] == 2
    await backend.close()


@dataclass
class _Message:
    value: bytes
    offset: int
    topic: str = "claims.clustered"
    partition: int = 0
    timestamp: float | None = None
    key: bytes | None = None


@dataclass
class _Event:
    message: _Message


async def test_sink_runner_dead_letters_rejected_records(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    sink = Indexer(settings)
    runner = SinkRunner(sink, faust.App("t-index-runner", broker="kafka://127.0.0.1:1"))
    sent: list[tuple[str, Any]] = []

    async def fake_send(spec: Any, key: str | None, value: bytes) -> None:
        sent.append((spec.name, orjson.loads(value)))

    runner._send = fake_send  # type: ignore[method-assign]
    _, groups = sample_batch()
    raw = [g.model_dump_json().encode() for g in groups[:2]] + [
        _overflowing_group().model_dump_json().encode()
    ]
    events = [_Event(_Message(v, offset=i)) for i, v in enumerate([*raw, b"not json"])]
    await runner.handle_batch(ClaimGroup, events)
    letters = [v for topic, v in sent if topic == DEADLETTER.name]
    assert sorted((d["reason"], d["offset"]) for d in letters) == [("index-rejected", 2), ("invalid-json", 3)]
    assert sink.index is not None and (await sink.index.counts())["claims"] == 2
    await sink.stop()


async def test_write_rejection_must_name_a_record_of_the_batch() -> None:
    # A sink that reports a foreign record must not crash the runner or dead-letter anything.
    class Odd(Indexer):
        async def write(self, records: Any) -> list[WriteRejection]:
            return [WriteRejection(Record(), "odd")]

    runner = SinkRunner(Odd(Settings()), faust.App("t-index-odd", broker="kafka://127.0.0.1:1"))
    sent: list[str] = []

    async def fake_send(spec: Any, key: str | None, value: bytes) -> None:
        sent.append(spec.name)

    runner._send = fake_send  # type: ignore[method-assign]
    _, groups = sample_batch()
    await runner.handle_batch(ClaimGroup, [_Event(_Message(groups[0].model_dump_json().encode(), 0))])
    assert sent == []
