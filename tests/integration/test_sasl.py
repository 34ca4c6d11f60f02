"""Kafka with SASL/PLAIN: a service authenticates with configured credentials, bad ones fail clearly.

A second local broker (session fixture, free ports) has a SASL_PLAINTEXT listener whose accounts
are defined in its JAAS config. The fetcher runs as a real process against that listener, so the
Faust path (``shared.app``) and the raw-client path (``shared.admin.client_options``: topic
creation, publishing, status) are both exercised. Secrets must never reach logs or ``status``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator

import orjson
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaConnectionError
from pydantic import SecretStr

from shared.admin import client_options, ensure_topics
from shared.infra import kafka
from shared.publish import publish
from shared.records import FetchedArticle
from shared.serde import decode
from shared.settings import Settings
from shared.topics import FETCHED
from tests.conftest import REPO, free_port, service_env
from tests.helpers import start_service, stop_service

pytestmark = pytest.mark.integration

USER, PASSWORD = "claimwire", "pw-Zq81-never-logged"
ARTICLE = orjson.dumps(
    {"id": "sasl-1", "outlet": "Test Wire", "text": "The mayor said the bridge would open."}
)


@pytest.fixture(scope="session")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kafka.LocalKafka]:
    """A second broker with a SASL_PLAINTEXT (PLAIN) listener and one account."""
    k = kafka.LocalKafka(
        tmp_path_factory.mktemp("kafka-sasl"),
        port=free_port(),
        controller_port=free_port(),
        sasl_port=free_port(),
        sasl_users=((USER, PASSWORD),),
    )
    kafka.start(k, wait_s=120)
    yield k
    kafka.stop(k)


def sasl_settings(broker: kafka.LocalKafka, settings: Settings, password: str) -> Settings:
    return settings.model_copy(
        update={
            "kafka_bootstrap": broker.sasl_bootstrap,
            "kafka_sasl_username": USER,
            "kafka_sasl_password": SecretStr(password),
            "partitions": 1,
        }
    )


async def consume_one(settings: Settings, timeout: float = 60.0) -> bytes | None:
    """The first message of the fetched topic, read over SASL with the settings' credentials."""
    consumer = AIOKafkaConsumer(
        FETCHED.full_name(settings.topic_prefix),
        **client_options(settings),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                return bytes(records[0].value or b"")
        return None
    finally:
        await consumer.stop()


async def test_fetcher_authenticates_and_masks_the_password(
    sasl_broker: kafka.LocalKafka, settings: Settings
) -> None:
    settings = sasl_settings(sasl_broker, settings, PASSWORD)
    await ensure_topics(settings)
    await publish(settings, [ARTICLE])
    log = settings.data_dir.parent / "fetcher-sasl.log"
    proc = start_service("fetcher", service_env(settings), log)
    try:
        raw = await consume_one(settings)
    finally:
        assert stop_service(proc) == 0
    assert raw is not None, log.read_text()[-3000:]
    assert decode(FetchedArticle, raw).article_id == "sasl-1"

    # Start-up logs print the settings with the secret masked, and never the secret itself.
    text = log.read_text()
    assert "'kafka_sasl_password': '***'" in text and f"'kafka_sasl_username': '{USER}'" in text
    assert PASSWORD not in text

    # `claimwire status` reads the consumer groups over SASL too, and prints no secret.
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "shared.cli", "status", "--json", "--interval", "0.5"],
        env=service_env(settings),
        capture_output=True,
        cwd=REPO,
        check=False,
    )
    report = orjson.loads(done.stdout)
    fetcher = next(s for s in report["services"] if s["service"] == "fetcher")
    assert fetcher["partitions"] and fetcher["partitions"][0]["committed"] == 1
    assert PASSWORD.encode() not in done.stdout + done.stderr


async def test_wrong_password_fails_clearly(
    sasl_broker: kafka.LocalKafka, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    bad = sasl_settings(sasl_broker, settings, "not-the-password")

    # A raw client (topic creation, publishing, status) fails at once; aiokafka's error says only
    # that it could not bootstrap, its log says why.
    with pytest.raises(KafkaConnectionError):
        await ensure_topics(bad)
    assert "Authentication failed: Invalid username or password" in caplog.text

    # The service exits on its own (no hang, no retry loop) and its log says why; the wrong
    # password is not printed either.
    log = settings.data_dir.parent / "fetcher-badauth.log"
    proc = start_service("fetcher", service_env(bad), log)
    try:
        code = await asyncio.to_thread(proc.wait, 60)
    except subprocess.TimeoutExpired:
        stop_service(proc)
        raise AssertionError(
            f"fetcher kept running with a wrong password: {log.read_text()[-2000:]}"
        ) from None
    text = log.read_text()
    assert code != 0
    assert "Authentication failed: Invalid username or password" in text, text[-2000:]
    assert "not-the-password" not in text


async def test_sasl_listener_refuses_unauthenticated_clients(
    sasl_broker: kafka.LocalKafka, settings: Settings
) -> None:
    anonymous = settings.model_copy(update={"kafka_bootstrap": sasl_broker.sasl_bootstrap})
    with pytest.raises(Exception):  # noqa: B017 - aiokafka names no single error for a refused handshake
        await asyncio.wait_for(ensure_topics(anonymous), timeout=30)
