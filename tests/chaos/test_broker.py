"""The Kafka broker restarted mid-stream: the services reconnect (or exit and are restarted by the
supervisor, without committing what they could not deliver) and finish; nothing is lost."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from shared.infra import kafka
from shared.settings import Settings
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
DOWN_S = 10.0


async def test_broker_restart_mid_stream(
    chaos: Settings, chaos_broker: kafka.LocalKafka, messages: list[bytes], clean_run: CleanRun
) -> None:
    async with Stack(chaos) as stack:
        await stack.wait_running()
        await publish_timed(chaos, messages)
        # Every stage has work in flight: the extractor, in the middle of the pipeline, is midway.
        await wait_mid_stream(chaos, "extractor", input_total("extractor", clean_run.topics, chaos))
        before = stack.pids()
        stopped = time.monotonic()
        await asyncio.to_thread(kafka.stop, chaos_broker)
        await asyncio.sleep(DOWN_S)
        await asyncio.to_thread(kafka.start, chaos_broker, wait_s=120)
        outage = time.monotonic() - stopped
        seconds = await wait_done(chaos, len(messages))
        restarted = sorted(name for name, pid in stack.pids().items() if before.get(name) != pid)
        sizes = await topic_sizes(chaos)
    guard_exits = sum(text.count("exiting without commit") for _, text in iter_logs(chaos))
    log.warning(
        "broker down %.0fs; finished %.0fs after it was back; services restarted %s; topics %s (clean %s); "
        "exits without commit %d",
        outage,
        seconds,
        restarted,
        sizes,
        clean_run.topics,
        guard_exits,
    )
    assert await dead_letters(chaos) == {}
    assert_same_index(clean_run.index, snapshot(chaos.index_file))
