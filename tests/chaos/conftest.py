"""Chaos fixtures: a broker of their own (tests restart it), the corpus, and one clean run.

The clean run is the reference every fault test compares its index with: the same messages,
published in the same order, processed without faults.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.infra import kafka
from shared.settings import Settings
from tests.chaos.harness import (
    IndexSnapshot,
    Stack,
    chaos_settings,
    corpus,
    dead_letters,
    publish_timed,
    snapshot,
    topic_sizes,
    wait_done,
)
from tests.conftest import free_port

# A few thousand articles in flight: enough that every service is mid-stream when it is hit,
# few enough that the suite stays within its time budget on two cores.
ARTICLES = int(os.environ.get("CLAIMWIRE_CHAOS_ARTICLES", "1500"))
# A fault test runs the corpus once (and the first one the clean run too), with waits for
# rebalances and restarts: more than the suite-wide 300 s on a loaded two-core machine.
CHAOS_TIMEOUT_S = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("chaos") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(CHAOS_TIMEOUT_S))


@pytest.fixture(scope="session")
def chaos_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kafka.LocalKafka]:
    """A broker only the chaos tests use: they stop and restart it."""
    k = kafka.LocalKafka(
        tmp_path_factory.mktemp("chaos-kafka"), port=free_port(), controller_port=free_port()
    )
    kafka.start(k, wait_s=120)
    yield k
    kafka.stop(k)


@pytest.fixture
def chaos(chaos_broker: kafka.LocalKafka, tmp_path: Path) -> Settings:
    """Deterministic settings for one chaos run: own topic prefix, data dir and index."""
    return chaos_settings(
        Settings(
            kafka_bootstrap=chaos_broker.bootstrap,
            topic_prefix=f"c{uuid.uuid4().hex[:8]}.",
            data_dir=tmp_path / "data",
            log_level="info",
        )
    )


@pytest.fixture(scope="session")
def messages() -> list[bytes]:
    return corpus(ARTICLES)


@dataclass(frozen=True, slots=True)
class CleanRun:
    index: IndexSnapshot
    seconds: float
    topics: dict[str, int]  # messages appended to each pipeline topic (by base name)

    @property
    def rate(self) -> float:
        """Sustained articles per second, publication to index."""
        return len(self.index.articles) / self.seconds


@pytest.fixture(scope="session")
async def clean_run(
    chaos_broker: kafka.LocalKafka, messages: list[bytes], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[CleanRun]:
    """The reference: the corpus through the pipeline without faults."""
    settings = chaos_settings(
        Settings(
            kafka_bootstrap=chaos_broker.bootstrap,
            topic_prefix=f"clean{uuid.uuid4().hex[:6]}.",
            data_dir=tmp_path_factory.mktemp("clean") / "data",
            log_level="info",
        )
    )
    async with Stack(settings) as stack:
        await stack.wait_running()
        started = time.monotonic()
        await publish_timed(settings, messages)
        await wait_done(settings, len(messages))
        seconds = time.monotonic() - started
    assert await dead_letters(settings) == {}
    yield CleanRun(snapshot(settings.index_file), seconds, await topic_sizes(settings))
