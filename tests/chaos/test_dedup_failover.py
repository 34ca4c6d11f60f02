"""Three dedup workers, one killed mid-stream: its partitions move to the others, and the index
ends with the clusters of a clean single-worker run.

Only dedup and the indexer run: the extractor's output for the corpus (claim groups keyed by
speaker block, article documents) is computed in-process with the stages' own functions and
published in article order, on four partitions. Dedup's decisions depend only on the order of
claims within a block, which keying by block preserves, so one worker and three must agree.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from services.cleaner.stage import clean_article
from services.extractor.stage import article_claims, group_claims, to_doc
from services.fetcher.stage import from_submission
from shared.admin import GroupStatus, client_options, ensure_topics, group_status
from shared.app import group_id
from shared.records import ArticleDoc, ClaimGroup, Submission
from shared.serde import encode
from shared.settings import Settings
from shared.status import source_topics
from shared.topics import EXTRACTED_ARTICLES, EXTRACTED_CLAIMS
from tests.chaos.harness import (
    IndexSnapshot,
    assert_same_index,
    dead_letters,
    snapshot,
    wait_done,
    wait_mid_stream,
)
from tests.conftest import service_env
from tests.helpers import start_service, stop_service

pytestmark = pytest.mark.chaos
log = logging.getLogger(__name__)
ARTICLES = 600
SINK = ("dedup", "indexer")


def extracted(messages: list[bytes]) -> tuple[list[ClaimGroup], list[ArticleDoc]]:
    """The extractor's outputs for the submissions, as the pipeline produces them (learning off)."""
    groups, docs = [], []
    for i, raw in enumerate(messages):
        article = from_submission(
            Submission.model_validate_json(raw), submitted_ts=1_800_000_000.0 + i / 1000
        )
        cleaned = clean_article(article)
        claims = article_claims(cleaned)
        groups.extend(group_claims(cleaned, claims))
        docs.append(to_doc(cleaned, claims))
    return groups, docs


async def publish_extracted(settings: Settings, groups: list[ClaimGroup], docs: list[ArticleDoc]) -> None:
    await ensure_topics(settings)
    producer = AIOKafkaProducer(**client_options(settings), linger_ms=5, acks="all")
    await producer.start()
    try:
        for g in groups:
            await producer.send(
                EXTRACTED_CLAIMS.full_name(settings.topic_prefix), encode(g), key=g.block.encode()
            )
        for d in docs:
            topic = EXTRACTED_ARTICLES.full_name(settings.topic_prefix)
            await producer.send(topic, encode(d), key=d.article_id.encode())
        await producer.flush()
    finally:
        await producer.stop()


class Workers:
    """``dedups`` dedup processes and one indexer. Like compose's restart policy, ``revive``
    restarts a process that exited on its own (say, without commit); a killed one stays dead."""

    def __init__(self, settings: Settings, dedups: int, logs: Path) -> None:
        self.env = service_env(settings)
        self.logs = logs
        logs.mkdir(parents=True, exist_ok=True)
        self.dedups = [self._start("dedup", i) for i in range(dedups)]
        self.indexer = self._start("indexer", 0)
        self.killed: set[int] = set()
        self.restarts = 0

    def _start(self, name: str, i: int) -> subprocess.Popen[bytes]:
        return start_service(name, self.env, self.logs / f"{name}{i}.log")

    def kill(self, i: int) -> None:
        self.killed.add(i)
        os.kill(self.dedups[i].pid, signal.SIGKILL)
        self.dedups[i].wait()

    def revive(self) -> None:
        for i, p in enumerate(self.dedups):
            if i not in self.killed and p.poll() is not None:
                self.dedups[i] = self._start("dedup", i)
                self.restarts += 1
        if self.indexer.poll() is not None:
            self.indexer = self._start("indexer", 0)
            self.restarts += 1

    def stop(self) -> None:
        for p in [*self.dedups, self.indexer]:
            if p.poll() is None:
                stop_service(p)


@asynccontextmanager
async def running(settings: Settings, dedups: int, logs: Path) -> AsyncIterator[Workers]:
    workers = Workers(settings, dedups, logs)

    async def supervise() -> None:
        while True:
            await asyncio.sleep(1.0)
            workers.revive()

    supervisor = asyncio.create_task(supervise())
    try:
        yield workers
    finally:
        supervisor.cancel()
        await asyncio.to_thread(workers.stop)


@pytest.fixture(scope="module")
def extracted_corpus(messages: list[bytes]) -> tuple[list[ClaimGroup], list[ArticleDoc]]:
    return extracted(messages[:ARTICLES])


def sink_settings(chaos: Settings, name: str) -> Settings:
    return chaos.model_copy(
        update={
            "partitions": 4,
            "topic_prefix": f"{chaos.topic_prefix}{name}.",
            "data_dir": chaos.data_dir / name,
        }
    )


async def clean_reference(chaos: Settings, groups: list[ClaimGroup], docs: list[ArticleDoc]) -> IndexSnapshot:
    settings = sink_settings(chaos, f"one{uuid.uuid4().hex[:4]}")
    await publish_extracted(settings, groups, docs)
    async with running(settings, 1, settings.data_dir / "logs"):
        await wait_done(settings, len(docs), services=SINK)
    return snapshot(settings.index_file)


async def wait_members(settings: Settings, members: int, timeout: float = 90.0) -> GroupStatus:
    """Block until the dedup group is stable with ``members`` members (all workers share it)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status = await group_status(settings, group_id("dedup", settings), source_topics("dedup", settings))
        if status.members == members and status.state == "Stable":
            return status
        assert asyncio.get_running_loop().time() < deadline, status
        await asyncio.sleep(0.5)


async def test_dedup_worker_killed_partitions_move(
    chaos: Settings, extracted_corpus: tuple[list[ClaimGroup], list[ArticleDoc]]
) -> None:
    groups, docs = extracted_corpus
    reference = await clean_reference(chaos, groups, docs)

    settings = sink_settings(chaos, "three")
    await publish_extracted(settings, groups, docs)
    async with running(settings, 3, settings.data_dir / "logs") as workers:
        total = len(groups)
        status = await wait_members(settings, 3)
        await wait_mid_stream(
            settings, "dedup", total, after=sum(p.committed or 0 for p in status.partitions)
        )
        status = await group_status(settings, group_id("dedup", settings), source_topics("dedup", settings))
        await asyncio.to_thread(workers.kill, 0)
        seconds = await wait_done(settings, len(docs), services=SINK)
        after = await group_status(settings, group_id("dedup", settings), source_topics("dedup", settings))
        restarts = workers.restarts
    log.warning(
        "%d claim groups on 4 partitions; dedup group had %d members, killed one at %d committed; "
        "%d members after; finished %.0fs after the kill; other processes restarted %d times",
        total,
        status.members,
        sum(p.committed or 0 for p in status.partitions),
        after.members,
        seconds,
        restarts,
    )
    assert status.members == 3 and after.members == 2
    assert all(p.committed == p.end for p in after.partitions)  # every partition finished
    assert await dead_letters(settings) == {}
    assert_same_index(reference, snapshot(settings.index_file))
