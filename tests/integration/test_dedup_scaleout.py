"""Dedup scales out: 1 worker and 3 workers on a 4-partition topic yield the same clusters."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from services.cleaner.stage import clean_article
from services.extractor.stage import article_claims, group_claims
from services.fetcher.stage import from_submission
from shared.admin import ensure_topics, group_status
from shared.app import group_id
from shared.corpus import CorpusSpec, generate
from shared.records import ClaimGroup, ClusterRecord, Submission
from shared.serde import decode, encode
from shared.settings import Settings
from shared.topics import CLUSTERED_CLAIMS, CLUSTERS, EXTRACTED_CLAIMS
from tests.conftest import service_env
from tests.helpers import consume, start_service, stop_service

pytestmark = pytest.mark.integration


def claim_groups(n: int) -> list[ClaimGroup]:
    """Claim groups of a synthetic corpus with much repetition, timestamps fixed."""
    groups = []
    for i, doc in enumerate(generate(n, CorpusSpec(seed=3, repeated_share=0.6))):
        article = from_submission(Submission.model_validate(doc), submitted_ts=1_800_000_000.0 + i)
        cleaned = clean_article(article)
        groups.extend(group_claims(cleaned, article_claims(cleaned)))
    return groups


async def wait_members(settings: Settings, workers: int) -> None:
    for _ in range(120):
        status = await group_status(settings, group_id("dedup", settings), [])
        if status.members == workers and status.state == "Stable":
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"dedup group did not reach {workers} members")


def _keys(records: list[Any]) -> set[tuple[str, str]]:
    return {(g.article_id, g.block) for g in (decode(ClaimGroup, r.value) for r in records)}


async def cluster_run(
    settings: Settings, groups: list[ClaimGroup], workers: int, logs: Path
) -> dict[str, str]:
    """Publish the groups, run ``workers`` dedup processes, return claim id -> final cluster id."""
    await ensure_topics(settings)
    # Workers join before the input arrives: a rebalance mid-stream redelivers groups, and
    # redelivered decisions are tested by the chaos suite, not here.
    env = service_env(settings)
    procs = [start_service("dedup", env, logs / f"dedup{i}.log") for i in range(workers)]
    await wait_members(settings, workers)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, linger_ms=5)
    await producer.start()
    try:
        for g in groups:
            await producer.send(
                EXTRACTED_CLAIMS.full_name(settings.topic_prefix), encode(g), key=g.block.encode()
            )
        await producer.flush()
    finally:
        await producer.stop()
    try:
        # Rebalances while workers join redeliver uncommitted groups (at-least-once): wait for every
        # distinct group, not for a message count.
        want = {(g.article_id, g.block) for g in groups}
        out = await consume(settings, CLUSTERED_CLAIMS, lambda r: _keys(r) >= want, timeout=180)
        clusters = await consume(settings, CLUSTERS, lambda r: False, timeout=3)
    finally:
        for p in procs:
            stop_service(p)
    merged = {}
    for r in clusters:
        rec = decode(ClusterRecord, r.value)
        if rec.merged_into:
            merged[rec.cluster_id] = rec.merged_into

    def final(cid: str) -> str:
        while cid in merged:
            cid = merged[cid]
        return cid

    return {c.claim_id: final(c.cluster_id or "") for r in out for c in decode(ClaimGroup, r.value).claims}


async def test_one_and_three_workers_cluster_alike(settings: Settings) -> None:
    groups = await asyncio.to_thread(claim_groups, 150)
    base = settings.model_copy(update={"partitions": 4})
    one = await cluster_run(
        base.model_copy(update={"topic_prefix": base.topic_prefix + "one."}),
        groups,
        1,
        settings.data_dir.parent,
    )
    three = await cluster_run(
        base.model_copy(update={"topic_prefix": base.topic_prefix + "three."}),
        groups,
        3,
        settings.data_dir.parent,
    )
    assert len(one) == sum(len(g.claims) for g in groups)
    assert one == three
    sizes: dict[str, int] = {}
    for cid in one.values():
        sizes[cid] = sizes.get(cid, 0) + 1
    assert sum(1 for n in sizes.values() if n > 1) >= 20  # the corpus repeats statements: real clusters
