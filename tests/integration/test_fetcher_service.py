"""The fetcher as a real process on the real broker: good articles pass, bad ones dead-letter."""

from __future__ import annotations

import asyncio
import base64

import httpx
import orjson
import pytest

from shared.admin import ensure_topics
from shared.publish import publish
from shared.records import DeadLetter, FetchedArticle
from shared.serde import decode
from shared.settings import Settings
from shared.topics import DEADLETTER, FETCHED
from tests.conftest import free_port, service_env
from tests.helpers import consume, start_service, stop_service

pytestmark = pytest.mark.integration

GOOD = [
    orjson.dumps({"id": f"a{i}", "outlet": "Test Wire", "text": f"The mayor said the bridge {i} would open."})
    for i in range(3)
]
BAD = [
    b'{"id": "broken", "text": ',
    b'{"id": "no-content"}',
    b"\xff\xfe not utf-8",
    orjson.dumps({"text": "x", "published_at": "not a date"}),
]


async def test_fetcher_passes_text_and_dead_letters_bad_messages(settings: Settings) -> None:
    # One partition: offsets in one sequence. A metrics port: Prometheus sees outcomes and lag.
    settings = settings.model_copy(update={"partitions": 1, "metrics_port": free_port()})
    await ensure_topics(settings)
    messages = [GOOD[0], BAD[0], GOOD[1], BAD[1], BAD[2], BAD[3], GOOD[2]]
    await publish(settings, messages)
    proc = start_service("fetcher", service_env(settings), settings.data_dir.parent / "fetcher.log")
    try:
        fetched = await consume(settings, FETCHED, lambda r: len(r) >= 3)
        dead = await consume(settings, DEADLETTER, lambda r: len(r) >= 4)
        metrics = await scrape_until(settings, 'claimwire_consumer_lag{partition="0"')
    finally:
        assert stop_service(proc) == 0
    assert (
        'claimwire_messages_total{outcome="dead-letter",reason="invalid-json",service="fetcher"} 1.0'
        in metrics
    )
    assert 'claimwire_messages_total{outcome="ok",reason="",service="fetcher"} 3.0' in metrics
    ids = sorted(decode(FetchedArticle, r.value).article_id for r in fetched)
    assert ids == ["a0", "a1", "a2"]
    letters = [decode(DeadLetter, r.value) for r in dead]
    assert [d.offset for d in letters] == [1, 3, 4, 5]
    assert [d.reason for d in letters] == ["invalid-json", "schema", "invalid-utf8", "schema"]
    assert all(d.stage == "fetcher" and d.topic.endswith("articles.submitted") for d in letters)
    assert [base64.b64decode(d.value_b64) for d in letters] == BAD
    assert "published_at" in letters[3].error


async def scrape_until(settings: Settings, text: str, timeout: float = 30.0) -> str:
    """The service's /metrics once it shows ``text`` (lag is sampled once offsets are committed)."""
    url = f"http://127.0.0.1:{settings.metrics_port}/metrics"
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient() as http:
        while True:
            body = (await http.get(url)).text
            lag = [line for line in body.splitlines() if line.startswith(text)]
            if lag and lag[0].endswith(" 0.0"):  # everything committed: lag 0
                return body
            assert asyncio.get_running_loop().time() < deadline, lag or body[-2000:]
            await asyncio.sleep(0.5)
