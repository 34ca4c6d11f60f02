"""Publishing submissions to the input topic (``claimwire publish``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import orjson
from aiokafka import AIOKafkaProducer

from shared.admin import client_options
from shared.ids import article_id
from shared.settings import Settings
from shared.topics import SUBMITTED


def submission_lines(sources: Iterable[str]) -> list[bytes]:
    """Messages for each source: the lines of a ``.jsonl`` file as given, or ``{"url": …}``."""
    out: list[bytes] = []
    for src in sources:
        if src.startswith(("http://", "https://")):
            out.append(orjson.dumps({"url": src}))
        else:
            with open(src, "rb") as f:
                out.extend(line.rstrip(b"\r\n") for line in f if line.strip())
    return out


def _key(raw: bytes) -> bytes | None:
    # The article id keys the message: the submitter's id, else the one derived from the URL (the
    # fetcher's table of fetched URLs is keyed by it, so a URL always lands on the same
    # partition). Bad lines go as they are so that the fetcher dead-letters them with their offset.
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    given, url = value.get("id"), value.get("url")
    if isinstance(given, str) and given:
        return given.encode()
    if isinstance(url, str) and url:
        return article_id(None, url, None).encode()
    return None


async def publish(
    settings: Settings, messages: list[bytes], progress: Callable[[int], None] | None = None
) -> int:
    """Send the raw messages to the input topic in order; returns how many were acknowledged."""
    producer = AIOKafkaProducer(
        **client_options(settings),
        linger_ms=5,
        acks="all",
        max_request_size=settings.max_message_bytes + 1_100_000,
    )
    await producer.start()
    topic = SUBMITTED.full_name(settings.topic_prefix)
    try:
        futures = []
        for raw in messages:
            futures.append(await producer.send(topic, raw, key=_key(raw)))
        for fut in futures:
            await fut
            if progress:
                progress(1)
        return len(futures)
    finally:
        await producer.stop()
