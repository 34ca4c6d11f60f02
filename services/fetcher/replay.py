"""Replaying kept pages: ``articles.raw`` from the beginning → ``articles.submitted``.

Each record of the raw topic is already an ``html`` submission (see ``stage.raw_page``), so it is
re-published as it is, with its key (the article id): the fetcher extracts the article again, and
the rest of the pipeline overwrites the same documents (ids are deterministic). Reads up to the
end offsets seen at the start, so pages the fetcher adds meanwhile are not replayed again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.admin import client_options
from shared.settings import Settings
from shared.topics import RAW, SUBMITTED


async def replay(settings: Settings, progress: Callable[[int], None] | None = None) -> int:
    """Re-publish every kept page to the submitted topic; returns how many were acknowledged."""
    consumer = AIOKafkaConsumer(
        RAW.full_name(settings.topic_prefix),  # without a group: every partition gets assigned
        **client_options(settings),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=settings.max_message_bytes + 1_100_000,
    )
    producer = AIOKafkaProducer(
        **client_options(settings),
        acks="all",
        linger_ms=5,
        max_request_size=settings.max_message_bytes + 1_100_000,
    )
    await consumer.start()
    try:
        await producer.start()
        try:
            return await _copy(consumer, producer, settings, progress)
        finally:
            await producer.stop()
    finally:
        await consumer.stop()


async def _copy(
    consumer: AIOKafkaConsumer,
    producer: AIOKafkaProducer,
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> int:
    target = SUBMITTED.full_name(settings.topic_prefix)
    tps = await _assigned(consumer)
    if not tps:
        return 0
    await consumer.seek_to_beginning(*tps)
    ends = await consumer.end_offsets(tps)
    pending = {tp for tp in tps if ends[tp] > await consumer.position(tp)}
    futures = []
    while pending:
        batch = await consumer.getmany(*pending, timeout_ms=1000)
        for tp, records in batch.items():
            for rec in records:
                if rec.offset < ends[tp] and rec.value is not None:  # tombstones carry nothing
                    futures.append(await producer.send(target, rec.value, key=rec.key))
        # A compacted topic has gaps in its offsets: done once the position passes the end.
        pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
    for fut in futures:
        await fut
        if progress:
            progress(1)
    return len(futures)


async def _assigned(consumer: AIOKafkaConsumer, wait_s: float = 10.0) -> list[TopicPartition]:
    """The raw topic's partitions, once the consumer's metadata has them ([] if it has none)."""
    deadline = asyncio.get_running_loop().time() + wait_s
    # aiokafka offers no event for "assigned" without a group: poll the assignment briefly.
    while not consumer.assignment() and asyncio.get_running_loop().time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    return sorted(consumer.assignment())
