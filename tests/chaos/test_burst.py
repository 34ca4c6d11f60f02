"""A burst at ten times the sustained rate: memory stays bounded, nothing is lost.

Why memory is bounded whatever the backlog: each service's consumer holds at most
``broker_max_poll_records`` (1000) fetched records and ``consumer_max_fetch_size`` (4 MiB) per
partition, and Faust stops fetching while a stream's buffer holds ``stream_buffer_maxsize``
(4096) events; with 3-5 KB articles that is ~20 MB of articles, less for claim groups. A backlog
waits in Kafka, not in the process. The rest of a service's memory is its code and models
(~70-170 MB measured) and its state (dedup's clusters, which grow with the corpus, not the rate).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from shared.settings import Settings
from tests.chaos.conftest import CleanRun
from tests.chaos.harness import (
    Stack,
    assert_same_index,
    dead_letters,
    iter_logs,
    peak_rss_mb,
    publish_timed,
    snapshot,
    wait_done,
)

pytestmark = pytest.mark.chaos
log = logging.getLogger(__name__)
# Per service: code and models (measured: 65-100 MB; the cleaner's language model adds ~60 MB),
# the buffers above (~30 MB), dedup's state for this corpus (~100 MB), and allocator slack.
RSS_BOUND_MB = 400.0


class PeakMemory:
    """Peak RSS per service over every process it ran as: a worker restarted by the supervisor
    (the commit guard's exit without commit) gets a new pid, whose peak counts too."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.peaks: dict[str, float] = {}
        self.pids: dict[str, set[int]] = {}

    def sample(self) -> None:
        for name, pid in self.stack.pids().items():
            with contextlib.suppress(OSError, ValueError):  # exited since listed
                self.peaks[name] = max(self.peaks.get(name, 0.0), peak_rss_mb(pid))
                self.pids.setdefault(name, set()).add(pid)

    async def watch(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(0.25)


async def test_burst_ten_times_the_sustained_rate(
    chaos: Settings, messages: list[bytes], clean_run: CleanRun
) -> None:
    rate = clean_run.rate  # articles per second the pipeline sustains, end to end
    steady, burst = messages[: len(messages) // 10], messages[len(messages) // 10 :]
    async with Stack(chaos) as stack:
        await stack.wait_running()
        memory = PeakMemory(stack)
        watcher = asyncio.create_task(memory.watch())
        try:
            t0 = await publish_timed(chaos, steady, rate=rate)
            memory.sample()
            at_steady = dict(memory.peaks)
            await publish_timed(chaos, burst, rate=10 * rate, first=len(steady), t0=t0)
            seconds = await wait_done(chaos, len(messages))
            memory.sample()
        finally:
            watcher.cancel()
    restarts = sum(len(p) - 1 for p in memory.pids.values())
    guard_exits = sum(text.count("exiting without commit") for _, text in iter_logs(chaos))
    log.warning(
        "sustained %.1f/s, burst %.1f/s for %d articles; drained %.0fs after the burst; "
        "peak RSS MB after the sustained phase %s, after the burst %s; restarts %d (guard exits %d)",
        rate,
        10 * rate,
        len(burst),
        seconds,
        {k: round(v) for k, v in at_steady.items()},
        {k: round(v) for k, v in memory.peaks.items()},
        restarts,
        guard_exits,
    )
    assert set(memory.peaks) == {"fetcher", "cleaner", "extractor", "dedup", "indexer"}
    for name, peak in memory.peaks.items():
        assert peak < RSS_BOUND_MB, (name, peak)
    # A worker may only have restarted by exiting without commit on a message Faust dropped
    # (docs/reliability.md, "Faust guards"), never by crashing under the load.
    assert restarts <= guard_exits, (memory.pids, guard_exits)
    assert await dead_letters(chaos) == {}
    assert_same_index(clean_run.index, snapshot(chaos.index_file))
