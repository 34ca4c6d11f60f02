"""What the chaos tests share: the pipeline as supervised processes, faults, and index snapshots.

A run publishes a synthetic corpus (``shared.corpus``) to a real broker, lets the five services
(``claimwire up``'s supervisor, which restarts children that die) process it into the embedded
index, and compares the index with a clean run of the same input in the same order.

Runs are made deterministic so that "the same index" is a meaningful assertion:

- one partition per topic and ``fetch_concurrency=1``: every stage sees the input in the
  published order (dedup's cluster ids are its founding claims, so they depend on order);
- ``learn_min_articles`` very high: the cleaner's per-outlet learning counts an article again
  when a crash makes Kafka redeliver it (its table's changelog already holds the first count),
  which may legitimately shift a line across the learning threshold. The learning path itself
  is covered by the unit and end-to-end tests.
- the group session timeout is lowered to 10 s (``kafka_session_timeout_s``): a SIGKILLed
  member blocks its group's rebalance that long; shorter keeps the suite short without changing
  what is proved.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared import dlq
from shared.admin import client_options, group_status, topic_partitions
from shared.app import group_id
from shared.corpus import CorpusSpec, generate
from shared.service import SERVICES
from shared.settings import Settings
from shared.status import source_topics
from shared.supervisor import down, running_pid, up
from shared.topics import ALL_TOPICS, SUBMITTED

NO_LEARNING = 1_000_000_000


def chaos_settings(base: Settings, **update: object) -> Settings:
    """``base`` made deterministic for index comparisons (see the module docstring)."""
    return base.model_copy(
        update={
            "partitions": 1,
            "fetch_concurrency": 1,
            "learn_min_articles": NO_LEARNING,
            "kafka_session_timeout_s": 10.0,
            "kafka_heartbeat_interval_s": 1.0,
            **update,
        }
    )


async def publish_timed(
    settings: Settings,
    messages: list[bytes],
    *,
    rate: float | None = None,
    first: int = 0,
    t0: int | None = None,
) -> int:
    """Publish like ``shared.publish.publish``, but with message ``i`` stamped ``t0 + first + i`` ms.

    The timestamps are part of the input: they become each article's ``submitted_ts``, and dedup
    merges clusters into the oldest one (then the smallest id). Published as fast as possible,
    hundreds of messages share a millisecond, so which cluster survives a merge would depend on
    how the sends fell into milliseconds in each run. Distinct, ordered stamps make two runs of
    the same corpus the same input. ``rate`` (messages per second) spaces the sends out; ``t0``
    (ms) continues an earlier call's stamps. Returns ``t0``.
    """
    producer = AIOKafkaProducer(**client_options(settings), linger_ms=5, acks="all")
    await producer.start()
    topic = SUBMITTED.full_name(settings.topic_prefix)
    t0 = int(time.time() * 1000) if t0 is None else t0
    started = time.monotonic()
    try:
        for i, raw in enumerate(messages):
            if rate is not None:
                await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
            key = orjson.loads(raw)["id"].encode()
            await producer.send(topic, raw, key=key, timestamp_ms=t0 + first + i)
        await producer.flush()
    finally:
        await producer.stop()
    return t0


def corpus(n: int, seed: int = 11) -> list[bytes]:
    """``n`` synthetic articles (3–5 KB each) as input messages, in a fixed order."""
    spec = CorpusSpec(seed=seed, repeated_share=0.5, syndicated_share=0.1)
    return [orjson.dumps(doc) for doc in generate(n, spec)]


# ------------------------------------------------------------------------------ index snapshots


@dataclass(frozen=True, slots=True)
class IndexSnapshot:
    """The index's content without timestamps: what must be equal across runs."""

    articles: dict[str, tuple[object, ...]]  # article id -> (claim count, claim ids, text)
    claims: dict[str, tuple[object, ...]]  # claim id -> (article id, kind, speaker, text)
    cluster_of: dict[str, str | None]  # claim id -> cluster id (merges applied by the sink)

    def figures(self) -> dict[str, int]:
        clusters = {c for c in self.cluster_of.values() if c is not None}
        return {"articles": len(self.articles), "claims": len(self.claims), "clusters": len(clusters)}

    def restricted(self, article_ids: set[str]) -> IndexSnapshot:
        """Articles and claims about ``article_ids`` (no cluster ids: a later article may merge
        clusters, so a run of the first ``k`` articles has other cluster ids than a longer one)."""
        claims = {k: v for k, v in self.claims.items() if v[0] in article_ids}
        return IndexSnapshot({k: v for k, v in self.articles.items() if k in article_ids}, claims, {})

    def content_diff(self, other: IndexSnapshot, limit: int = 5) -> str:
        """How ``other``'s articles and claims differ (empty when equal): lost, duplicated or
        changed documents."""
        lines = []
        for what, mine, theirs in (
            ("articles", self.articles, other.articles),
            ("claims", self.claims, other.claims),
        ):
            missing, extra = mine.keys() - theirs.keys(), theirs.keys() - mine.keys()
            changed = sorted(k for k in mine.keys() & theirs.keys() if mine[k] != theirs[k])
            if missing or extra or changed:
                lines.append(
                    f"{what}: {len(missing)} missing {sorted(missing)[:limit]}, "
                    f"{len(extra)} extra {sorted(extra)[:limit]}, {len(changed)} changed {changed[:limit]}"
                )
        return "; ".join(lines)

    def cluster_diff(self, other: IndexSnapshot, limit: int = 5) -> str:
        """Claims whose cluster differs in ``other`` (empty when none)."""
        changed = sorted(k for k, c in self.cluster_of.items() if other.cluster_of.get(k, c) != c)
        if not changed:
            return ""
        clusters = {self.cluster_of[k] for k in changed} | {other.cluster_of[k] for k in changed}
        pairs = [(k, self.cluster_of[k], other.cluster_of[k]) for k in changed[:limit]]
        return f"{len(changed)} claims in {len(clusters)} clusters have another cluster id: {pairs}"


def assert_same_index(clean: IndexSnapshot, after: IndexSnapshot) -> None:
    """Nothing lost, nothing duplicated, nothing changed; then the same clusters.

    Call last: cluster ids that differ end the test as an expected failure (a known gap, see
    docs/reliability.md: dedup re-clusters a redelivered claim group against state that has moved
    on, which may merge clusters the clean run kept apart). When dedup is made idempotent the
    check passes and the test with it.
    """
    difference = clean.content_diff(after)
    assert not difference, difference
    assert after.figures()["articles"] == clean.figures()["articles"]
    assert after.figures()["claims"] == clean.figures()["claims"]
    clusters = clean.cluster_diff(after)
    if clusters:
        pytest.xfail(f"dedup re-clustered redelivered claims: {clusters}")
    assert after.figures() == clean.figures()


def snapshot(path: Path) -> IndexSnapshot:
    """Read the embedded index (read-only) into a comparable snapshot."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as db:
        articles: dict[str, tuple[object, ...]] = {
            r[0]: (r[1], tuple(orjson.loads(r[2])), r[3])
            for r in db.execute("SELECT article_id, claim_count, claim_ids, text FROM articles")
        }
        sql = "SELECT claim_id, article_id, kind, speaker, text, cluster_id FROM claims"
        rows = db.execute(sql).fetchall()
    return IndexSnapshot(articles, {r[0]: tuple(r[1:5]) for r in rows}, {r[0]: r[5] for r in rows})


def index_counts(path: Path) -> tuple[int, int, int]:
    """Articles, claims, and the claims the articles list (all indexed when equal)."""
    if not path.exists():
        return 0, 0, 0
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as db:
        row = db.execute(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM claims), "
            "(SELECT COALESCE(SUM(claim_count), 0) FROM articles)"
        ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


# ------------------------------------------------------------------------------ waiting


async def lags(settings: Settings, services: tuple[str, ...] = tuple(SERVICES)) -> dict[str, int | None]:
    """Per service, the lag of its consumer group (None while it has committed nothing)."""
    out: dict[str, int | None] = {}
    for name in services:
        status = await group_status(settings, group_id(name, settings), source_topics(name, settings))
        ended = [p for p in status.partitions if p.end]
        out[name] = None if any(p.committed is None for p in ended) else status.lag
    return out


async def wait_done(
    settings: Settings,
    articles: int,
    timeout: float = 300.0,
    *,
    services: tuple[str, ...] = tuple(SERVICES),
    counts: Callable[[], Awaitable[tuple[int, int, int]]] | None = None,
) -> float:
    """Block until ``articles`` articles and all their claims are indexed and the ``services``'
    consumer groups have committed their whole input (nothing left to redeliver); returns the
    seconds taken. ``counts`` reads (articles, claims, listed claims) from another index."""
    started = time.monotonic()
    deadline = started + timeout
    state: object = None
    while time.monotonic() < deadline:
        now = await (counts() if counts else asyncio.to_thread(index_counts, settings.index_file))
        state = now
        if now[0] >= articles and now[1] == now[2]:
            state = current = await lags(settings, services)
            if all(lag == 0 for lag in current.values()):
                return time.monotonic() - started
        await asyncio.sleep(1.0)
    raise AssertionError(f"pipeline did not finish in {timeout:.0f}s: {state}")


async def topic_sizes(settings: Settings) -> dict[str, int]:
    """Messages ever appended to each pipeline topic (end offsets summed over partitions)."""
    names = [t.full_name(settings.topic_prefix) for t in ALL_TOPICS]
    consumer = AIOKafkaConsumer(**client_options(settings), enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(await topic_partitions(settings, names))
    finally:
        await consumer.stop()
    sizes = dict.fromkeys((t.name for t in ALL_TOPICS), 0)
    for tp, end in ends.items():
        sizes[tp.topic.removeprefix(settings.topic_prefix)] += end
    return sizes


async def dead_letters(settings: Settings) -> dict[str, dict[str, int]]:
    """Dead letters per stage and reason."""
    return dlq.counts(await dlq.read_letters(settings))


# ------------------------------------------------------------------------------ processes


def children(parent: int) -> dict[str, int]:
    """Service name -> pid of the live ``services.<name>.app`` children of ``parent``."""
    found: dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # exited meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) != parent or fields[0] == "Z":  # ppid; zombies are dead already
            continue
        for arg in cmdline:
            if arg.startswith(b"services.") and arg.endswith(b".app"):
                found[arg.decode().split(".")[1]] = int(entry.name)
    return found


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmHWM for {pid}")


class Stack:
    """The five services under ``claimwire up``'s supervisor, on an already running broker."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.supervisor = 0

    async def __aenter__(self) -> Stack:
        # ``up`` runs its own event loop (asyncio.run): call it from a thread.
        self.supervisor = await asyncio.to_thread(up, self.settings)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(down, self.settings, keep_kafka=True)

    def pids(self) -> dict[str, int]:
        return children(self.supervisor)

    async def wait_running(self, names: tuple[str, ...] = tuple(SERVICES), timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not set(names) <= self.pids().keys():
            assert running_pid(self.settings) == self.supervisor, "the supervisor died"
            if time.monotonic() > deadline:
                raise AssertionError(f"services not running: {set(names) - self.pids().keys()}")
            await asyncio.sleep(0.2)

    async def stop_one(self, name: str, sig: signal.Signals) -> int:
        """Signal the service and wait until it has exited; returns its pid."""
        old = self.pids()[name]
        os.kill(old, sig)
        deadline = time.monotonic() + 60
        while self.pids().get(name) == old:
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} did not exit on {sig.name}")
            await asyncio.sleep(0.05)
        return old

    async def wait_restarted(self, name: str, old: int) -> int:
        """Wait until the supervisor has started a new ``name``; returns its pid."""
        deadline = time.monotonic() + 60
        while self.pids().get(name) in (None, old):
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} was not restarted")
            await asyncio.sleep(0.1)
        return self.pids()[name]


async def progress_of(settings: Settings, name: str) -> tuple[int, int]:
    """(committed, end) summed over the service's source partitions."""
    status = await group_status(settings, group_id(name, settings), source_topics(name, settings))
    return sum(p.committed or 0 for p in status.partitions), sum(p.end for p in status.partitions)


def input_total(name: str, sizes: dict[str, int], settings: Settings) -> int:
    """How many messages ``name`` consumes in a whole run, from a clean run's topic sizes."""
    return sum(sizes[t.removeprefix(settings.topic_prefix)] for t in source_topics(name, settings))


async def wait_mid_stream(
    settings: Settings, name: str, total: int, *, after: int = 0, timeout: float = 120.0
) -> int:
    """Block until ``name`` has committed more than ``after`` of the ``total`` messages it will
    consume in this run, and not all; returns the committed count."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        committed, _ = await progress_of(settings, name)
        if after < committed < total:
            return committed
        await asyncio.sleep(0.1)
    raise AssertionError(f"{name} never was mid-stream: {await progress_of(settings, name)} of {total}")


def iter_logs(settings: Settings) -> Iterator[tuple[str, str]]:
    for log in sorted((settings.data_dir / "logs").glob("*.log")):
        yield log.stem, log.read_text(errors="replace")
