"""The Faust app factory: every service's app is configured here, the same way."""

from __future__ import annotations

import ssl
from typing import Any

import faust

from shared.settings import Settings


def group_id(service: str, settings: Settings) -> str:
    """The service's consumer group (also Faust's app id, which prefixes its internal topics).

    Must agree with ``TableSpec.changelog`` in ``shared.topics``.
    """
    return f"{settings.topic_prefix}claimwire-{service}"


def make_app(service: str, settings: Settings) -> faust.App:
    """A Faust app for ``service``: raw-bytes topics are declared by the stage bindings."""
    datadir = settings.data_dir / "faust" / service
    datadir.mkdir(parents=True, exist_ok=True)  # Faust creates only the last level
    extra: dict[str, Any] = {}
    if settings.kafka_sasl_username and settings.kafka_sasl_password:
        extra["broker_credentials"] = faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password.get_secret_value(),
            ssl_context=ssl.create_default_context() if settings.kafka_ssl else None,
        )
    elif settings.kafka_ssl:
        extra["broker_credentials"] = faust.SSLCredentials(ssl.create_default_context())
    conf = dict(
        broker=[f"kafka://{host}" for host in settings.kafka_bootstrap.split(",")],
        store=settings.store,
        datadir=str(datadir),
        autodiscover=False,
        web_enabled=settings.web_port is not None,
        web_port=settings.web_port or 6066,
        web_host="127.0.0.1",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_allow_declare=True,
        consumer_auto_offset_reset="earliest",
        producer_max_request_size=settings.max_message_bytes + 1_100_000,
        # aiokafka's default 16 KiB batches hold three or four articles; a full batch waits for
        # the broker round trip of the one before it, which made every hop latency-bound.
        producer_max_batch_size=1_000_000,
        consumer_max_fetch_size=4 * 1024 * 1024,
        # Commit often: offsets only ever cover messages whose outputs were produced.
        broker_commit_every=2000,
        broker_commit_interval=1.0,
        broker_session_timeout=settings.kafka_session_timeout_s,
        broker_heartbeat_interval=settings.kafka_heartbeat_interval_s,
        producer_linger=0.005,
        # Larger polls and buffers: per-message overhead, not Kafka, bounds a hop (see bench).
        stream_buffer_maxsize=4096,
        broker_max_poll_records=1000,
        **extra,
    )
    return faust.App(group_id(service, settings), **conf)
