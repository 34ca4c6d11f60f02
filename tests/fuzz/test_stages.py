"""Every stage's real message path against hostile messages: one named outcome each, no crash, no hang.

Each stage runs its Faust agent under ``test_context`` (``tests/fuzz/driver.py``); each message
must end as valid outputs (decodable by the next stage, within its size limit), a counted skip,
or exactly one dead letter carrying a named reason and the original bytes. ``internal-error``
(an exception nobody foresaw) is a failure here: contained in production, a bug all the same.
The sink (indexer) is driven through ``SinkRunner.handle_batch`` with the same expectations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from services.fetcher.stage import Fetcher
from shared.app import make_app
from shared.records import DeadLetter
from shared.serde import decode
from shared.service import component
from shared.settings import Settings
from shared.worker import Rejected, SinkRunner
from tests.fuzz import strategies as hs
from tests.fuzz.driver import StageDriver, fuzz_settings, stage_driver

DECODE = frozenset({"invalid-json", "invalid-utf8", "not-an-object", "schema", "too-large", "too-deep"})
ALLOWED = {
    "fetcher": DECODE
    | {
        "no-article-text",
        "too-large",
        "html-too-large",
        "html-too-deep",
        "output-too-large",
        "fuzz-no-network",
    },
    "cleaner": DECODE | {"empty-after-cleaning", "output-too-large"},
    "extractor": DECODE | {"output-too-large"},
    "dedup": DECODE | {"output-too-large"},
}
SHAPES = {"fetcher": hs.submission, "cleaner": hs.fetched, "extractor": hs.cleaned, "dedup": hs.claim_group}
FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


async def _no_network(self: Fetcher, url: str, validators: Any) -> Any:
    # URL submissions must not reach the network from a fuzz test; the fetch path has its own tests.
    raise Rejected("fuzz-no-network", url[:100])


@pytest.fixture(scope="module")
async def drivers(fuzz_dir: Path) -> AsyncIterator[dict[str, tuple[StageDriver, Settings]]]:
    settings = fuzz_settings(fuzz_dir)
    saved = Fetcher._fetch
    Fetcher._fetch = _no_network  # type: ignore[method-assign]
    try:
        async with (
            stage_driver("fetcher", settings) as fetcher,
            stage_driver("cleaner", settings) as cleaner,
            stage_driver("extractor", settings) as extractor,
            stage_driver("dedup", settings) as dedup,
        ):
            yield {
                "fetcher": (fetcher, settings),
                "cleaner": (cleaner, settings),
                "extractor": (extractor, settings),
                "dedup": (dedup, settings),
            }
    finally:
        Fetcher._fetch = saved  # type: ignore[method-assign]


@pytest.mark.parametrize("stage", list(SHAPES))
@FUZZ
@given(data=st.data())
async def test_one_named_outcome_per_message(
    drivers: dict[str, tuple[StageDriver, Settings]], stage: str, data: st.DataObject
) -> None:
    driver, settings = drivers[stage]
    raw = data.draw(hs.messages(SHAPES[stage]))
    outcome = await driver.send(raw)
    event(f"{stage}: {outcome.check(raw, settings, ALLOWED[stage])}")


PAGE = "<html><head><title>T</title></head><body><article>{}</article></body></html>"
PARAGRAPH = "<p>The minister said the port would reopen on Monday, officials said.</p>"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (PAGE.format(PARAGRAPH * 40), {"ok"}),
        # Nested far deeper than any article page: refused before extraction.
        ("<html><body>" + "<div>" * 80_000 + "x" + "</div>" * 80_000 + "</body></html>", {"html-too-deep"}),
        (PAGE.format(("<div>" * 200 + PARAGRAPH + "</div>" * 200) * 200), {"html-too-deep"}),
        # Tens of thousands of elements within the 1 MB message limit (extraction would take ~10 s).
        (PAGE.format("<b>x</b>" * 60_000), {"html-too-large"}),
        (PAGE.format("<div><p>a</p></div>" * 30_000), {"html-too-large"}),
        # Unclosed tags, comments, scripts: parsed and extracted, or no article text.
        (
            "<html><body>" + "<p><span><a href=x>" * 3000 + "</body></html>",
            {"html-too-deep", "no-article-text"},
        ),
        (PAGE.format("<!--" + "x" * 500_000 + "-->"), {"no-article-text"}),
        (PAGE.format("<script>" + "x=1;" * 100_000 + "</script>" + PARAGRAPH), {"ok", "no-article-text"}),
        ("\x00" * 1000, {"no-article-text"}),
        ("<" * 500_000, {"no-article-text"}),
    ],
    ids=[
        "article",
        "deep",
        "deep-repeated",
        "many-elements",
        "many-blocks",
        "unclosed",
        "comment",
        "script",
        "nul",
        "angles",
    ],
)
async def test_html_bombs_end_in_a_named_outcome(
    drivers: dict[str, tuple[StageDriver, Settings]], html: str, expected: set[str]
) -> None:
    driver, settings = drivers["fetcher"]
    raw = orjson.dumps({"id": "bomb", "outlet": "Test", "html": html})
    assert len(raw) <= settings.max_message_bytes
    outcome = await driver.send(raw)
    assert outcome.check(raw, settings, ALLOWED["fetcher"]) in expected


async def test_html_limits_are_settings(fuzz_dir: Path) -> None:
    strict = fuzz_settings(fuzz_dir).model_copy(
        update={"fetch_max_html_elements": 100, "fetch_max_html_depth": 10}
    )
    async with stage_driver("fetcher", strict) as driver:
        raw = orjson.dumps({"html": PAGE.format(PARAGRAPH * 200)})
        assert (await driver.send(raw)).check(raw, strict, ALLOWED["fetcher"]) == "html-too-large"
        raw = orjson.dumps({"html": PAGE.format("<div>" * 12 + PARAGRAPH + "</div>" * 12)})
        assert (await driver.send(raw)).check(raw, strict, ALLOWED["fetcher"]) == "html-too-deep"


@pytest.mark.parametrize(
    ("stage", "record"),
    [
        ("fetcher", {"text": "x" * 400_001}),  # over max_text_chars
        ("fetcher", {"text": "\U0001f600" * 200_000}),  # 800 KB of 4-byte characters
        ("fetcher", {"text": "\x00\x01\x02" * 50_000}),  # escaped control characters: 6 bytes each
        ("cleaner", {"article_id": "a", "submitted_ts": 1.0, "source": "text", "text": "A b. " * 79_000}),
        ("cleaner", {"article_id": "a", "submitted_ts": 1.0, "source": "text", "text": "\n" * 300_000}),
        (
            "extractor",
            {
                "article_id": "a",
                "submitted_ts": 1.0,
                "text": '"Yes," he said. ' * 20_000,
                "sentences": [[16 * i, 16 * i + 15] for i in range(20_000)],
            },
        ),
        (
            "extractor",
            {
                "article_id": "a",
                "submitted_ts": 1.0,
                "text": "x" * 300_000,
                "sentences": [[0, 300_000], [-5, 10], [10, 5], [299_990, 400_000]],
            },
        ),
        (
            "dedup",
            {
                "block": "b",
                "article_id": "a",
                "submitted_ts": 1e18,
                "claims": [
                    {
                        "claim_id": f"c{i}",
                        "article_id": "a",
                        "kind": "quote",
                        "speaker": "S",
                        "text": "word " * 200,
                        "span": [0, 1],
                        "sentence": 0,
                    }
                    for i in range(300)
                ],
            },
        ),
    ],
    ids=[
        "text-over-limit",
        "emoji",
        "controls",
        "many-sentences",
        "newlines",
        "many-quotes",
        "bad-spans",
        "big-group",
    ],
)
async def test_huge_fields(
    drivers: dict[str, tuple[StageDriver, Settings]], stage: str, record: dict[str, Any]
) -> None:
    driver, settings = drivers[stage]
    raw = orjson.dumps(record)
    outcome = await driver.send(raw)
    outcome.check(raw, settings, ALLOWED[stage])


# ------------------------------------------------------------------------------ the sink


@dataclass
class _Message:
    value: bytes | None
    offset: int
    topic: str = "fuzz.sink"
    partition: int = 0
    timestamp: float | None = None
    key: bytes | None = None


@dataclass
class _Event:
    message: _Message


@pytest.fixture(scope="module")
async def sink(fuzz_dir: Path) -> AsyncIterator[tuple[SinkRunner, list[tuple[str, bytes]]]]:
    settings = fuzz_settings(fuzz_dir / "sink")
    runner = SinkRunner(component("indexer", settings), make_app("indexer", settings))  # type: ignore[arg-type]
    sent: list[tuple[str, bytes]] = []

    async def record(spec: Any, key: str | None, value: bytes) -> None:
        sent.append((spec.name, value))

    runner._send = record  # type: ignore[method-assign]
    await runner.sink.start()
    yield runner, sent
    await runner.sink.stop()


SINK_SHAPES = st.sampled_from(["articles", "claims", "clusters"])
SINK_MODELS = {
    "articles": (hs.article_doc, "ArticleDoc"),
    "claims": (hs.claim_group, "ClaimGroup"),
    "clusters": (hs.cluster_record, "ClusterRecord"),
}


@FUZZ
@given(which=SINK_SHAPES, data=st.data())
async def test_sink_batches(
    sink: tuple[SinkRunner, list[tuple[str, bytes]]], which: str, data: st.DataObject
) -> None:
    runner, sent = sink
    shape, model_name = SINK_MODELS[which]
    raws = data.draw(st.lists(hs.messages(shape), min_size=1, max_size=6))
    model = next(m for spec, m in runner.sink.sources if m.__name__ == model_name)
    sent.clear()
    events = [_Event(_Message(raw, offset)) for offset, raw in enumerate(raws)]
    await runner.handle_batch(model, events)  # any exception here fails the test
    letters = [decode(DeadLetter, v) for t, v in sent if t == "claimwire.deadletter"]
    assert len(letters) == len(sent)
    assert len({x.offset for x in letters}) == len(letters)  # at most one letter per message
    for letter in letters:
        assert letter.reason in DECODE or letter.reason.startswith(("index-", "write-", "rejected")), letter
