"""Drive one stage's real message path (agent loop → ``Runner.handle``) and observe each outcome.

The stage is bound to a Faust app under ``agent.test_context()``, as the unit tests do, with the
producer replaced by a recorder. ``handle`` is wrapped so that the driver knows when a message
is finished (a skip produces nothing) and sees any exception that would escape to Faust. The
worker's exit-without-commit is replaced by an exception: a fuzz case must never end the process.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared import worker
from shared.app import make_app
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
from shared.service import component
from shared.settings import Settings
from shared.topics import (
    CLEANED,
    CLUSTERED_CLAIMS,
    CLUSTERS,
    DEADLETTER,
    EXTRACTED_ARTICLES,
    EXTRACTED_CLAIMS,
    FETCHED,
    RAW,
)

# What each topic carries: every output must decode as its record, within the size the next
# stage accepts (otherwise that stage would dead-letter a message that was valid here).
OUTPUT_MODELS: dict[str, type[Record]] = {
    FETCHED.name: FetchedArticle,
    RAW.name: Submission,
    CLEANED.name: CleanedArticle,
    EXTRACTED_CLAIMS.name: ClaimGroup,
    EXTRACTED_ARTICLES.name: ArticleDoc,
    CLUSTERED_CLAIMS.name: ClaimGroup,
    CLUSTERS.name: ClusterRecord,
    DEADLETTER.name: DeadLetter,
}
# Generous: a message that is not finished by then counts as a hang.
HANG_S = 60.0


class WouldExit(Exception):
    """The worker asked to exit without commit (never acceptable for a message's content)."""


@dataclass
class Outcome:
    """What one message led to."""

    sent: list[tuple[str, bytes]] = field(default_factory=list)
    error: BaseException | None = None

    @property
    def letters(self) -> list[DeadLetter]:
        return [decode(DeadLetter, v) for t, v in self.sent if t == DEADLETTER.name]

    @property
    def outputs(self) -> list[tuple[str, bytes]]:
        return [(t, v) for t, v in self.sent if t != DEADLETTER.name]

    def check(self, raw: bytes | None, settings: Settings, allowed_reasons: frozenset[str]) -> str:
        """Assert exactly one named outcome; returns it (``ok``, ``skip`` or the reason)."""
        assert self.error is None, f"escaped the stage: {self.error!r}"
        letters = self.letters
        if letters:
            assert len(self.sent) == 1, f"a dead letter and outputs: {[t for t, _ in self.sent]}"
            [letter] = letters
            assert letter.reason in allowed_reasons, f"{letter.reason}: {letter.error}"
            if not letter.value_truncated:
                assert base64.b64decode(letter.value_b64) == (raw or b"")
            return letter.reason
        for topic, value in self.outputs:
            try:
                decode(OUTPUT_MODELS[topic], value, max_bytes=settings.max_message_bytes)
            except DecodeError as exc:  # the next stage would refuse it
                raise AssertionError(f"invalid output on {topic}: {exc}") from None
        return "ok" if self.outputs else "skip"


class StageDriver:
    """Feeds raw messages to one stage's agent and returns each message's outcome."""

    def __init__(self, runner: worker.Runner, test_agent: Any) -> None:
        self.runner = runner
        self.agent = test_agent
        self.current = Outcome()
        self.finished = asyncio.Event()
        original = runner.handle

        async def record(spec: Any, key: str | None, value: bytes) -> None:
            self.current.sent.append((spec.name, value))

        async def traced(raw: bytes | None, src: worker.Source) -> None:
            try:
                await original(raw, src)
            except BaseException as exc:  # reported by Outcome.check
                self.current.error = exc
            finally:
                self.finished.set()

        runner._send = record  # type: ignore[method-assign]
        runner.handle = traced  # type: ignore[method-assign]

    async def send(self, raw: bytes | None, key: bytes | None = None) -> Outcome:
        self.current, self.finished = Outcome(), asyncio.Event()
        await self.agent.put(raw, key=key)
        try:
            await asyncio.wait_for(self.finished.wait(), HANG_S)
        except TimeoutError:
            raise AssertionError(
                f"{self.runner.name} did not finish a message within {HANG_S:.0f}s"
            ) from None
        return self.current


def _no_exit(why: str) -> Any:
    raise WouldExit(why)


@asynccontextmanager
async def stage_driver(name: str, settings: Settings) -> AsyncIterator[StageDriver]:
    """A driver for the named stage (not the indexer: see ``SinkDriver``)."""
    saved = worker._exit_without_commit
    worker._exit_without_commit = _no_exit
    try:
        app = make_app(name, settings)
        runner = worker.Runner(component(name, settings), app)  # type: ignore[arg-type]
        agent = app.agents[f"{name}-agent"]
        async with agent.test_context() as test_agent:
            yield StageDriver(runner, test_agent)
    finally:
        worker._exit_without_commit = saved


def fuzz_settings(tmp: Path) -> Settings:
    # One message at a time (outcomes attributed in order), no learning threshold surprises.
    return Settings(data_dir=tmp, topic_prefix="fuzz.", fetch_concurrency=1, log_level="error")
