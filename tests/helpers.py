"""Test helpers for talking to the real broker: consume a topic until a condition holds."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from shared.settings import Settings
from shared.topics import TopicSpec


async def consume(
    settings: Settings,
    spec: TopicSpec,
    until: Callable[[list[ConsumerRecord[bytes, bytes]]], bool],
    timeout: float = 60.0,
) -> list[ConsumerRecord[bytes, bytes]]:
    """Read ``spec`` from the beginning until ``until(records)`` holds or the timeout passes."""
    consumer = AIOKafkaConsumer(
        spec.full_name(settings.topic_prefix),
        bootstrap_servers=settings.kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    deadline = time.monotonic() + timeout
    try:
        while not until(records) and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for recs in batch.values():
                records.extend(recs)
    finally:
        await consumer.stop()
    return records


def start_service(name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Run one service as a real process (as `claimwire up` and docker compose do)."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", f"services.{name}.app"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop_service(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """SIGTERM the service and wait for it to drain; returns its exit code."""
    proc.terminate()
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def run(coro: object) -> object:
    return asyncio.get_event_loop().run_until_complete(coro)  # type: ignore[arg-type]
