"""Kafka administration: create claimwire's topics, read consumer group offsets and lag."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import GroupCoordinatorNotAvailableError, TopicAlreadyExistsError

from shared.settings import Settings
from shared.topics import ALL_TABLES, ALL_TOPICS, TopicSpec

T = TypeVar("T")


def client_options(settings: Settings) -> dict[str, Any]:
    """Connection options shared by every raw aiokafka client (TLS and SASL when configured)."""
    opts: dict[str, Any] = {"bootstrap_servers": settings.kafka_bootstrap}
    if settings.kafka_ssl:
        opts |= {"security_protocol": "SSL", "ssl_context": ssl.create_default_context()}
    if settings.kafka_sasl_username and settings.kafka_sasl_password:
        opts |= {
            "security_protocol": "SASL_SSL" if settings.kafka_ssl else "SASL_PLAINTEXT",
            "sasl_mechanism": "PLAIN",
            "sasl_plain_username": settings.kafka_sasl_username,
            "sasl_plain_password": settings.kafka_sasl_password.get_secret_value(),
        }
    return opts


def _new_topic(spec: TopicSpec, settings: Settings) -> NewTopic:
    config = {"max.message.bytes": str(settings.max_message_bytes + 1_100_000)}
    if spec.compacted:
        config["cleanup.policy"] = "compact"
    if spec.retention_ms is not None:
        config["retention.ms"] = str(spec.retention_ms)
    return NewTopic(
        spec.full_name(settings.topic_prefix),
        settings.partitions,
        settings.replication_factor,
        topic_configs=config,
    )


def _changelog(name: str, settings: Settings) -> NewTopic:
    # Faust would create it on first use, but a table written before the new topic's metadata
    # reaches the consumer fails with PartitionsMismatch; created up front, it is known at start.
    config = {"cleanup.policy": "compact", "max.message.bytes": str(settings.max_message_bytes + 1_100_000)}
    return NewTopic(name, settings.partitions, settings.replication_factor, topic_configs=config)


def all_topics(settings: Settings) -> list[NewTopic]:
    """Every topic claimwire needs, table changelogs included, as they should be created."""
    topics = [_new_topic(t, settings) for t in ALL_TOPICS]
    return topics + [_changelog(t.changelog(settings.topic_prefix), settings) for t in ALL_TABLES]


async def ensure_topics(settings: Settings) -> list[str]:
    """Create every claimwire topic that does not exist yet; returns the names created."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in all_topics(settings) if t.name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # created meanwhile by another process
                await admin.create_topics(missing)
        return [t.name for t in missing]
    finally:
        await admin.close()


@dataclass(frozen=True, slots=True)
class PartitionLag:
    topic: str
    partition: int
    committed: int | None
    end: int

    @property
    def lag(self) -> int:
        return self.end - (self.committed or 0)


@dataclass(frozen=True, slots=True)
class GroupStatus:
    group: str
    state: str
    members: int
    partitions: list[PartitionLag]

    @property
    def lag(self) -> int:
        return sum(p.lag for p in self.partitions)


async def group_status(settings: Settings, group: str, topics: list[str]) -> GroupStatus:
    """Committed offset, end offset and lag per partition of ``topics`` for consumer ``group``."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    consumer = AIOKafkaConsumer(**client_options(settings), enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        committed = await _with_retry(lambda: admin.list_consumer_group_offsets(group))
        described = await _with_retry(lambda: admin.describe_consumer_groups([group]))
        tps = await _partitions(admin, topics)
        ends = await consumer.end_offsets(tps) if tps else {}
        parts = [
            PartitionLag(tp.topic, tp.partition, committed[tp].offset if tp in committed else None, ends[tp])
            for tp in tps
        ]
        state, members = _describe(described)
        return GroupStatus(group, state, members, parts)
    finally:
        await consumer.stop()
        await admin.close()


async def topic_partitions(settings: Settings, topics: list[str]) -> list[TopicPartition]:
    """Every partition of ``topics`` that exists, in order."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        return await _partitions(admin, topics)
    finally:
        await admin.close()


async def _partitions(admin: AIOKafkaAdminClient, topics: list[str]) -> list[TopicPartition]:
    # A plain consumer knows partitions only of topics it subscribed to; ask the admin API.
    return [
        TopicPartition(t["topic"], p["partition"])
        for t in await admin.describe_topics(topics)
        if t["error_code"] == 0
        for p in sorted(t["partitions"], key=lambda p: p["partition"])
    ]


async def _with_retry(call: Callable[[], Awaitable[T]], attempts: int = 20) -> T:
    # Right after a broker starts, the group coordinator is briefly unavailable.
    for _ in range(attempts - 1):
        try:
            return await call()
        except GroupCoordinatorNotAvailableError:
            await asyncio.sleep(0.5)
    return await call()


def _describe(described: Any) -> tuple[str, int]:
    # aiokafka returns raw DescribeGroups responses: groups are tuples whose 3rd field is the
    # state and last field the member list.
    try:
        group = described[0].groups[0]
        return str(group[2]), len(group[-1])
    except (IndexError, AttributeError, TypeError):
        return "unknown", 0
