"""The worker binding under Faust's test context: one named outcome per message."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import orjson

from shared.app import make_app
from shared.records import DeadLetter, FetchedArticle
from shared.serde import decode
from shared.service import component
from shared.settings import Settings
from shared.worker import Runner


class Recorder:
    """Stands in for the producer: remembers what the stage sent, per topic."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes]] = []

    async def __call__(self, spec: Any, key: str | None, value: bytes) -> None:
        self.sent.append((spec.name, key.encode() if key else None, value))


async def test_fetcher_agent_outcomes(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, topic_prefix="unit.")
    app = make_app("fetcher", settings)
    runner = Runner(component("fetcher", settings), app)  # type: ignore[arg-type]
    recorder = Recorder()
    runner._send = recorder  # type: ignore[method-assign]
    agent = app.agents["fetcher-agent"]
    good = orjson.dumps({"id": "a1", "outlet": "Ledger", "text": "The port reopened, officials said."})
    async with agent.test_context() as test_agent:
        await test_agent.put(good)
        await test_agent.put(b"{broken")
        await test_agent.put(orjson.dumps({"html": "<html><body></body></html>"}))
        for _ in range(100):  # put() may return before the agent body has finished
            if len(recorder.sent) == 3:
                break
            await asyncio.sleep(0.01)
    topics = [name for name, _, _ in recorder.sent]
    assert topics == ["articles.fetched", "claimwire.deadletter", "claimwire.deadletter"]
    article = decode(FetchedArticle, recorder.sent[0][2])
    assert (article.article_id, article.source, recorder.sent[0][1]) == ("a1", "text", b"Ledger")
    bad_json, no_text = (decode(DeadLetter, v) for _, _, v in recorder.sent[1:])
    assert bad_json.reason == "invalid-json" and base64.b64decode(bad_json.value_b64) == b"{broken"
    assert no_text.reason == "no-article-text" and no_text.stage == "fetcher"
