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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from services.cleaner.stage import clean_article
from services.extractor.stage import article_claims, group_claims, to_doc
from services.fetcher.stage import from_submission
from shared.admin import client_options, ensure_topics, group_status
from shared.app import group_id
from shared.records import ArticleDoc, ClaimGroup, Submission
from shared.serde import encode
from shared.settings import Settings
from shared.status import source_topics
from shared.topics import EXTRACTED_ARTICLES, EXTRACTED_CLAIMS
from tests.chaos.harness import (
    FAUST_ENV,
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


@contextmanager
def running(settings: Settings, dedups: int, logs: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``dedups`` dedup processes and one indexer; yields the dedup processes."""
    env = {**service_env(settings), **FAUST_ENV}
    logs.mkdir(parents=True, exist_ok=True)
    procs = [start_service("dedup", env, logs / f"dedup{i}.log") for i in range(dedups)]
    indexer = start_service("indexer", env, logs / "indexer.log")
    try:
        yield procs
    finally:
        for p in [*procs, indexer]:
            if p.poll() is None:
                stop_service(p)


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
    with running(settings, 1, settings.data_dir / "logs"):
        await wait_done(settings, len(docs), services=SINK)
    return snapshot(settings.index_file)


async def test_dedup_worker_killed_partitions_move(
    chaos: Settings, extracted_corpus: tuple[list[ClaimGroup], list[ArticleDoc]]
) -> None:
    groups, docs = extracted_corpus
    reference = await clean_reference(chaos, groups, docs)

    settings = sink_settings(chaos, "three")
    await publish_extracted(settings, groups, docs)
    with running(settings, 3, settings.data_dir / "logs") as procs:
        total = len(groups)
        await wait_mid_stream(settings, "dedup", total)
        status = await group_status(settings, group_id("dedup", settings), source_topics("dedup", settings))
        victim = procs[0]
        os.kill(victim.pid, signal.SIGKILL)
        await asyncio.to_thread(victim.wait)
        seconds = await wait_done(settings, len(docs), services=SINK)
        after = await group_status(settings, group_id("dedup", settings), source_topics("dedup", settings))
    log.warning(
        "%d claim groups on 4 partitions; dedup group had %d members, killed one at %d committed; "
        "%d members after; finished %.0fs after the kill",
        total,
        status.members,
        sum(p.committed or 0 for p in status.partitions),
        after.members,
        seconds,
    )
    assert status.members == 3 and after.members == 2
    assert all(p.committed == p.end for p in after.partitions)  # every partition finished
    assert await dead_letters(settings) == {}
    assert_same_index(reference, snapshot(settings.index_file))
