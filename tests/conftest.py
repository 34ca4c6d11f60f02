"""Shared fixtures: the team kit path, a real Kafka broker once per session, fresh topic prefixes."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.infra import kafka
from shared.settings import Settings, child_env

REPO = Path(__file__).resolve().parents[1]
KIT = REPO.parent / "shared"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def kit() -> Path:
    """The team kit (samples, gold, scorer) beside the checkout."""
    assert KIT.is_dir(), f"the team kit is expected at {KIT}"
    return KIT


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kafka.LocalKafka]:
    """A real single-node Kafka on free loopback ports, started once for the whole session."""
    port = int(os.environ.get("CLAIMWIRE_TEST_KAFKA_PORT", "0")) or free_port()
    k = kafka.LocalKafka(tmp_path_factory.mktemp("kafka"), port=port, controller_port=free_port())
    kafka.start(k, wait_s=120)
    yield k
    kafka.stop(k)


@pytest.fixture
def settings(broker: kafka.LocalKafka, tmp_path: Path) -> Settings:
    """Settings for one test: its own topic prefix, data directory and index."""
    return Settings(
        kafka_bootstrap=broker.bootstrap,
        topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
        data_dir=tmp_path / "data",
        partitions=2,
        log_level="info",
    )


def service_env(settings: Settings) -> dict[str, str]:
    """The environment a service process needs to run with ``settings``."""
    return child_env(settings)


@pytest.fixture(scope="session")
def opensearch() -> Iterator[object]:
    """A real single-node OpenSearch on free loopback ports, started once per session when requested.

    Its data lives under a fresh directory in the system temp dir, not pytest's (mode 0700 under
    root's): as root, the node runs as an unprivileged user who must reach it. Yields a
    ``shared.infra.opensearch.LocalOpenSearch``.
    """
    import shutil
    import tempfile

    from shared.infra import opensearch as local_os

    data = Path(tempfile.mkdtemp(prefix="claimwire-os-"))
    node = local_os.LocalOpenSearch(data, http_port=free_port(), transport_port=free_port())
    try:
        local_os.start(node, wait_s=180)
        yield node
    finally:
        local_os.stop(node)
        shutil.rmtree(data, ignore_errors=True)
