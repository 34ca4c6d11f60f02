"""Services killed mid-stream and restarted: the index ends as if nothing had happened.

SIGKILL gives a service no chance to commit: Kafka redelivers everything after its last commit,
and the sinks' idempotence (deterministic ids, upserts, stale-claim removal) must make the
replay invisible. SIGTERM must drain in-flight work and commit, and lose nothing either.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time

import pytest

from shared.service import SERVICES
from shared.settings import Settings
from tests.chaos.conftest import CleanRun
from tests.chaos.harness import Stack, publish_timed, dead_letters, snapshot, wait_done, wait_mid_stream

pytestmark = pytest.mark.chaos
log = logging.getLogger(__name__)


async def _kill_each_in_turn(
    chaos: Settings, messages: list[bytes], clean_run: CleanRun, sig: signal.Signals
) -> dict[str, tuple[int, int]]:
    """Publish the corpus, hit each service with ``sig`` once it is mid-stream; return where
    each one was hit (committed, end offsets)."""
    hit: dict[str, tuple[int, int]] = {}
    async with Stack(chaos) as stack:
        await stack.wait_running()
        started = time.monotonic()
        publishing = asyncio.create_task(publish_timed(chaos, messages))
        for name in SERVICES:
            hit[name] = await wait_mid_stream(chaos, name)
            await stack.kill(name, sig)
        await publishing
        seconds = await wait_done(chaos, len(messages))
        log.warning("%s run: %.0fs (clean %.0fs); hit at %s", sig.name, time.monotonic() - started,
                    clean_run.seconds, hit)
        del seconds
    return hit


async def test_sigkill_each_service_mid_stream(
    chaos: Settings, messages: list[bytes], clean_run: CleanRun
) -> None:
    await _kill_each_in_turn(chaos, messages, clean_run, signal.SIGKILL)
    after = snapshot(chaos.index_file)
    assert not clean_run.index.diff(after), clean_run.index.diff(after)
    assert after.figures() == clean_run.index.figures()
    assert await dead_letters(chaos) == {}
