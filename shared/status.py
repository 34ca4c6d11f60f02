"""What `claimwire status` reports about the pipeline's consumers.

Per service: consumer group state and members; per topic-partition the committed offset, end
offset and lag; messages in and out over the last minute (from broker timestamps: appended to
its input topics, appended to its output topics); the lag trend and whether commits advanced
between two samples; dead letters by reason; and one health verdict:

- ``ok``: lag is small or commits advance;
- ``lagging``: lag above ``LAG_WARN`` but commits advance;
- ``stalled``: lag and no commit progress between samples (or no group member at all);
- ``idle``: nothing to do.

End-to-end latency p50/p99 (submission to index) comes from the index (OpenSearch when
configured, else the embedded one), over the articles indexed in the last ten minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import statistics
import time
from typing import Any

from aiokafka import AIOKafkaConsumer

from shared import dlq
from shared.admin import GroupStatus, client_options, group_status, topic_partitions
from shared.app import group_id
from shared.service import SERVICES, component
from shared.settings import Settings
from shared.topics import DEADLETTER
from shared.worker import Sink

LAG_WARN = 1000
WINDOW_S = 60.0


def source_topics(name: str, settings: Settings) -> list[str]:
    """The topics the named service consumes."""
    comp = component(name, settings)
    specs = [spec for spec, _ in comp.sources] if isinstance(comp, Sink) else [comp.source]
    return [s.full_name(settings.topic_prefix) for s in specs]


def output_topics(name: str, settings: Settings) -> list[str]:
    """The topics the named service produces (dead letters aside)."""
    comp = component(name, settings)
    specs = [] if isinstance(comp, Sink) else [s for s in comp.outputs if s != DEADLETTER]
    return [s.full_name(settings.topic_prefix) for s in specs]


async def appended_last_minute(settings: Settings, topics: list[str]) -> int:
    """Messages appended to ``topics`` within the last minute (by broker timestamps)."""
    if not topics:
        return 0
    consumer = AIOKafkaConsumer(**client_options(settings), enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        tps = await topic_partitions(settings, topics)
        if not tps:
            return 0
        ends = await consumer.end_offsets(tps)
        since = await consumer.offsets_for_times({tp: int((time.time() - WINDOW_S) * 1000) for tp in tps})
        return sum(ends[tp] - (since[tp].offset if since.get(tp) else ends[tp]) for tp in tps)
    finally:
        await consumer.stop()


async def snapshot(settings: Settings) -> list[GroupStatus]:
    return list(
        await asyncio.gather(
            *(group_status(settings, group_id(n, settings), source_topics(n, settings)) for n in SERVICES)
        )
    )


def verdict(before: GroupStatus, after: GroupStatus) -> str:
    """The health of one service from two samples (see the module docstring)."""
    committed = sum(p.committed or 0 for p in after.partitions) - sum(
        p.committed or 0 for p in before.partitions
    )
    if after.lag == 0:
        return "idle" if committed == 0 else "ok"
    if after.members == 0 or committed <= 0:
        return "stalled"
    return "lagging" if after.lag > LAG_WARN else "ok"


async def latency(settings: Settings, since_s: float = 600.0) -> dict[str, float] | None:
    """p50/p99 seconds from submission until indexed, over recently indexed articles (from the
    index the settings choose: OpenSearch when configured, else the embedded one)."""
    since = time.time() - since_s
    try:
        rows = await (
            _opensearch_latencies(settings, since)
            if settings.opensearch_url
            else _sqlite_latencies(settings, since)
        )
    except Exception:  # the index is down or not there yet: no figure, not a failed status
        return None
    if not rows:
        return None
    rows.sort()
    return {
        "p50_s": round(statistics.median(rows), 3),
        "p99_s": round(rows[int(0.99 * (len(rows) - 1))], 3),
        "articles": len(rows),
    }


async def _sqlite_latencies(settings: Settings, since: float) -> list[float]:
    path = settings.index_file
    if not path.exists():
        return []

    def read() -> list[float]:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            return [
                r[0]
                for r in db.execute(
                    "SELECT indexed_ts - submitted_ts FROM articles "
                    "WHERE indexed_ts > ? AND submitted_ts IS NOT NULL",
                    (since,),
                )
            ]

    return await asyncio.to_thread(read)


async def _opensearch_latencies(settings: Settings, since: float) -> list[float]:
    from services.indexer.opensearch_index import OpenSearchBackend

    backend = OpenSearchBackend(settings)
    try:
        return await backend.latencies(since)
    finally:
        await backend.close()


async def collect(
    settings: Settings, interval: float = 2.0, before: list[GroupStatus] | None = None
) -> tuple[dict[str, Any], list[GroupStatus]]:
    """One JSON-able report over the five services, and the sample it ends with.

    Compares against ``before`` (a previous call's sample), or samples twice ``interval`` apart.
    """
    if before is None:
        before = await snapshot(settings)
        await asyncio.sleep(interval)
    after = await snapshot(settings)
    rates_in = await asyncio.gather(
        *(appended_last_minute(settings, source_topics(n, settings)) for n in SERVICES)
    )
    rates_out = await asyncio.gather(
        *(appended_last_minute(settings, output_topics(n, settings)) for n in SERVICES)
    )
    letters = dlq.counts(await dlq.read_letters(settings))
    services = []
    for name, b, a, rin, rout in zip(SERVICES, before, after, rates_in, rates_out, strict=True):
        services.append(
            {
                "service": name,
                "group": a.group,
                "state": a.state,
                "members": a.members,
                "lag": a.lag,
                "lag_trend": a.lag - b.lag,
                "in_per_min": rin,
                "out_per_min": rout,
                "dead_letters": letters.get(name, {}),
                "verdict": verdict(b, a),
                "partitions": [
                    {
                        "topic": p.topic,
                        "partition": p.partition,
                        "committed": p.committed,
                        "end": p.end,
                        "lag": p.lag,
                    }
                    for p in a.partitions
                ],
            }
        )
    return {
        "services": services,
        "total_lag": sum(s["lag"] for s in services),
        "healthy": all(s["verdict"] != "stalled" for s in services),
        "latency": await latency(settings),
    }, after
