"""Services stopped mid-stream and restarted: the index ends as if nothing had happened.

SIGTERM must drain in-flight work and commit: when the process has exited, everything it
produced is covered by its committed offset (nothing will be redelivered). SIGKILL gives it no
chance to commit: Kafka redelivers everything after the last commit, the stage produces those
outputs again, and the sinks' idempotence (deterministic ids, upserts, stale-claim removal) must
make the replay invisible in the index.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass

import pytest

from shared.admin import group_status
from shared.app import group_id
from shared.service import SERVICES
from shared.settings import Settings
from shared.status import source_topics
from shared.topics import CLEANED, CLUSTERED_CLAIMS, EXTRACTED_ARTICLES, FETCHED, TopicSpec
from tests.chaos.conftest import CleanRun
from tests.chaos.harness import (
    Stack,
    assert_same_index,
    dead_letters,
    input_total,
    iter_logs,
    publish_timed,
    snapshot,
    topic_sizes,
    wait_done,
    wait_mid_stream,
)

pytestmark = pytest.mark.chaos
log = logging.getLogger(__name__)

# The output each stage produces exactly once per input message (with one partition, its end
# offset counts the inputs the stage has handled, redeliveries included). The indexer is a sink.
ONE_TO_ONE: dict[str, TopicSpec] = {
    "fetcher": FETCHED,
    "cleaner": CLEANED,
    "extractor": EXTRACTED_ARTICLES,
    "dedup": CLUSTERED_CLAIMS,
}


@dataclass(frozen=True, slots=True)
class Handover:
    """Where a service stood when it had exited: inputs committed, outputs produced."""

    service: str
    signal: str
    committed: int
    produced: int | None

    @property
    def uncommitted(self) -> int | None:
        """Outputs produced for inputs the next worker will process again."""
        return None if self.produced is None else self.produced - self.committed


async def _handover(settings: Settings, name: str, sig: signal.Signals) -> Handover:
    status = await group_status(settings, group_id(name, settings), source_topics(name, settings))
    committed = sum(p.committed or 0 for p in status.partitions)
    produced = (await topic_sizes(settings))[ONE_TO_ONE[name].name] if name in ONE_TO_ONE else None
    return Handover(name, sig.name, committed, produced)


async def test_services_terminated_then_killed_mid_stream(
    chaos: Settings, messages: list[bytes], clean_run: CleanRun
) -> None:
    # One run: each service in pipeline order gets SIGTERM, then (once restarted and working
    # again) SIGKILL. Publishing at the clean run's pace keeps the input flowing meanwhile, so
    # even the fast fetcher is hit mid-stream.
    handovers: list[Handover] = []
    async with Stack(chaos) as stack:
        await stack.wait_running()
        publishing = asyncio.create_task(publish_timed(chaos, messages, rate=clean_run.rate))
        for name in SERVICES:
            total, done = input_total(name, clean_run.topics, chaos), 0
            for sig in (signal.SIGTERM, signal.SIGKILL):
                # The restarted service must have committed work of its own before it is hit.
                await wait_mid_stream(chaos, name, total, after=done)
                old = await stack.stop_one(name, sig)
                handovers.append(await _handover(chaos, name, sig))
                done = handovers[-1].committed
                await stack.wait_restarted(name, old)
        await publishing
        seconds = await wait_done(chaos, len(messages))
        sizes = await topic_sizes(chaos)
    logs = dict(iter_logs(chaos))
    guard_exits = sum(text.count("exiting without commit") for text in logs.values())
    # The commit guard's seek back to a message Faust dropped reads the messages after it again:
    # outputs produced twice for one committed input, so "produced" overcounts from then on.
    seeks = {name: text.count("reading the partition again") for name, text in logs.items()}
    log.warning(
        "finished %.0fs after the last fault; handovers %s; topics %s (clean %s); "
        "commit-guard exits %d, seeks %s",
        seconds,
        handovers,
        sizes,
        clean_run.topics,
        guard_exits,
        seeks,
    )

    assert await dead_letters(chaos) == {}
    for h in handovers:
        if h.signal == "SIGTERM" and h.uncommitted is not None:
            # Drained and committed: the restarted worker redoes nothing.
            if seeks.get(h.service):
                assert h.uncommitted >= 0, h
            else:
                assert h.uncommitted == 0, h
    assert_same_index(clean_run.index, snapshot(chaos.index_file))
