"""The dead-letter topic: list, inspect and replay what the stages could not process.

Replaying re-publishes a letter's original bytes to the topic it came from (with its original
key), so the stage that rejected it sees it again after a fix.
"""

from __future__ import annotations

import base64
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.admin import client_options, topic_partitions
from shared.records import DeadLetter
from shared.serde import DecodeError, decode
from shared.settings import Settings
from shared.topics import DEADLETTER


@dataclass(frozen=True, slots=True)
class Letter:
    """A dead letter with where it sits in the dead-letter topic."""

    partition: int
    offset: int
    letter: DeadLetter

    @property
    def ref(self) -> str:
        return f"{self.partition}:{self.offset}"

    def original(self) -> bytes:
        return base64.b64decode(self.letter.value_b64)


async def read_letters(settings: Settings, *, last: int = 10_000) -> list[Letter]:
    """Up to ``last`` most recent letters per partition, oldest first."""
    topic = DEADLETTER.full_name(settings.topic_prefix)
    consumer = AIOKafkaConsumer(**client_options(settings), enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        tps = await topic_partitions(settings, [topic])
        if not tps:
            return []
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        begins = await consumer.beginning_offsets(tps)
        for tp in tps:
            consumer.seek(tp, max(begins[tp], ends[tp] - last))
        return await _read_until(consumer, ends)
    finally:
        await consumer.stop()


async def _read_until(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> list[Letter]:
    out: list[Letter] = []
    pending = {tp for tp, end in ends.items() if await consumer.position(tp) < end}
    while pending:
        batch = await consumer.getmany(timeout_ms=1000)
        if not batch:
            break
        for tp, records in batch.items():
            for r in records:
                try:
                    out.append(Letter(r.partition, r.offset, decode(DeadLetter, r.value)))
                except DecodeError:
                    continue  # not a letter (foreign writer): nothing to list or replay
            if await consumer.position(tp) >= ends[tp]:
                pending.discard(tp)
    return sorted(out, key=lambda x: (x.letter.dead_at, x.partition, x.offset))


def counts(letters: list[Letter]) -> dict[str, dict[str, int]]:
    """Letters per stage and reason."""
    by: dict[str, Counter[str]] = {}
    for x in letters:
        by.setdefault(x.letter.stage, Counter())[x.letter.reason] += 1
    return {stage: dict(c) for stage, c in by.items()}


def select(
    letters: list[Letter],
    *,
    stage: str | None = None,
    reason: str | None = None,
    refs: set[str] | None = None,
) -> list[Letter]:
    return [
        x
        for x in letters
        if (stage is None or x.letter.stage == stage)
        and (reason is None or x.letter.reason == reason)
        and (refs is None or x.ref in refs)
    ]


async def replay(
    settings: Settings, letters: list[Letter], progress: Callable[[int], None] | None = None
) -> int:
    """Re-publish each letter's original bytes and key to its source topic; returns the count."""
    truncated = [x.ref for x in letters if x.letter.value_truncated]
    if truncated:
        raise ValueError(f"letters {', '.join(truncated[:5])} hold truncated bytes and cannot be replayed")
    producer = AIOKafkaProducer(
        **client_options(settings), acks="all", max_request_size=settings.max_message_bytes + 1_100_000
    )
    await producer.start()
    try:
        for x in letters:
            key = base64.b64decode(x.letter.key_b64) if x.letter.key_b64 else None
            await producer.send_and_wait(
                x.letter.topic, x.original(), key=key, headers=[("claimwire-replayed-from", x.ref.encode())]
            )
            if progress:
                progress(1)
        return len(letters)
    finally:
        await producer.stop()


def age(letter: DeadLetter) -> str:
    seconds = max(0.0, time.time() - letter.dead_at)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:.0f}s"
