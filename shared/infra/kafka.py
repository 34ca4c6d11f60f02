"""A local single-node Apache Kafka (KRaft) run as a plain Java process, no Docker needed.

Kafka's jars come from Maven Central (``deploy/local/kafka-pom.xml``, resolved with ``mvn``) into a
cache outside the repository (``$CLAIMWIRE_CACHE`` or ``~/.cache/claimwire``). ``start`` is
idempotent: if a broker already answers on the port it is reused. ``stop`` sends SIGTERM and waits,
escalating to SIGKILL after a grace period. All state lives in ``data_dir``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

KAFKA_VERSION = "3.9.1"
REPO_ROOT = Path(__file__).resolve().parents[2]
POM = REPO_ROOT / "deploy" / "local" / "kafka-pom.xml"


class KafkaError(RuntimeError):
    """The local broker could not be fetched, started or reached."""


@dataclass(frozen=True, slots=True)
class LocalKafka:
    """Where a local broker lives and listens."""

    data_dir: Path
    port: int = 9092
    controller_port: int = 9093
    host: str = "127.0.0.1"
    heap_mb: int = 512
    # Optional SASL_PLAINTEXT listener (mechanism PLAIN) beside the plain one, with these
    # (username, password) accounts. Brokers talk to each other (and readiness is probed) on
    # the plain listener; clients that should authenticate use ``sasl_bootstrap``.
    sasl_port: int | None = None
    sasl_users: tuple[tuple[str, str], ...] = ()

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def sasl_bootstrap(self) -> str:
        if self.sasl_port is None:
            raise KafkaError("this broker has no SASL listener")
        return f"{self.host}:{self.sasl_port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "kafka.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "kafka.out"


def cache_dir() -> Path:
    return Path(os.environ.get("CLAIMWIRE_CACHE", Path.home() / ".cache" / "claimwire"))


def fetch(version: str = KAFKA_VERSION) -> Path:
    """Resolve Kafka's runtime jars into the cache (once) and return the lib directory."""
    libs = cache_dir() / f"kafka-{version}" / "libs"
    marker = libs / ".complete"
    if marker.exists():
        return libs
    if shutil.which("mvn") is None:
        raise KafkaError("Maven (mvn) is needed to fetch Kafka from Maven Central")
    libs.mkdir(parents=True, exist_ok=True)
    cmd = [
        "mvn",
        "-B",
        "-q",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={libs}",
        f"-Dkafka.version={version}",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise KafkaError(f"mvn failed fetching Kafka {version}:\n{result.stdout[-2000:]}")
    marker.touch()
    return libs


SASL_LISTENER = "SASL"


def _listeners(k: LocalKafka) -> list[str]:
    listeners = f"PLAINTEXT://{k.host}:{k.port},CONTROLLER://{k.host}:{k.controller_port}"
    advertised = f"PLAINTEXT://{k.host}:{k.port}"
    protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    sasl: list[str] = []
    if k.sasl_port is not None:
        listeners += f",{SASL_LISTENER}://{k.host}:{k.sasl_port}"
        advertised += f",{SASL_LISTENER}://{k.host}:{k.sasl_port}"
        protocols += f",{SASL_LISTENER}:SASL_PLAINTEXT"
        name = SASL_LISTENER.lower()
        sasl = [
            f"listener.name.{name}.sasl.enabled.mechanisms=PLAIN",
            f"listener.name.{name}.plain.sasl.jaas.config={_plain_jaas(k.sasl_users)}",
        ]
    return [
        f"listeners={listeners}",
        f"advertised.listeners={advertised}",
        f"listener.security.protocol.map={protocols}",
        *sasl,
    ]


def _plain_jaas(users: tuple[tuple[str, str], ...]) -> str:
    """The broker side of SASL/PLAIN: Kafka's built-in login module, one ``user_NAME`` per account."""
    if not users:
        raise KafkaError("a SASL listener needs at least one user")
    for name, password in users:
        # Neither JAAS quoting nor the properties file can carry these safely.
        if not name.isidentifier() or any(c in password for c in '"\\;\n\r'):
            raise KafkaError(f"unsupported SASL user name or password for {name!r}")
    accounts = " ".join(f'user_{name}="{password}"' for name, password in users)
    return f"org.apache.kafka.common.security.plain.PlainLoginModule required {accounts};"


def _properties(k: LocalKafka) -> str:
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@{k.host}:{k.controller_port}",
            *_listeners(k),
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            f"log.dirs={k.data_dir / 'logs'}",
            "num.partitions=4",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=8",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            # Dead letters carry the original bytes: allow messages a little over 1 MiB of payload.
            "message.max.bytes=4194304",
            "log.retention.hours=168",
            "",
        ]
    )


_LOG4J = """log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
"""


def is_up(k: LocalKafka, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on the broker port."""
    try:
        with socket.create_connection((k.host, k.port), timeout=timeout):
            return True
    except OSError:
        return False


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise KafkaError("java is needed to run Kafka")
    return java


def _format(k: LocalKafka, libs: Path, props: Path) -> None:
    cluster_file = k.data_dir / "cluster.id"
    if not cluster_file.exists():
        # Kafka wants a base64 UUID of 22 chars; any fixed-length url-safe id works.
        cluster_file.write_text(uuid.uuid4().hex[:22])
    cmd = [
        _java(),
        "-cp",
        f"{libs}/*",
        f"-Dlog4j.configuration=file:{k.data_dir / 'log4j.properties'}",
        "kafka.tools.StorageTool",
        "format",
        "-t",
        cluster_file.read_text().strip(),
        "-c",
        str(props),
        "--ignore-formatted",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise KafkaError(f"formatting Kafka storage failed: {result.stdout}{result.stderr}")


def start(k: LocalKafka, *, wait_s: float = 60.0) -> int | None:
    """Start the broker unless one already answers; wait until ready. Returns the pid if started."""
    if is_up(k):
        return None
    libs = fetch()
    k.data_dir.mkdir(parents=True, exist_ok=True)
    props = k.data_dir / "server.properties"
    props.write_text(_properties(k))
    (k.data_dir / "log4j.properties").write_text(_LOG4J)
    _format(k, libs, props)
    cmd = [
        _java(),
        f"-Xms{k.heap_mb}m",
        f"-Xmx{k.heap_mb}m",
        "-XX:+UseG1GC",
        "-cp",
        f"{libs}/*",
        f"-Dlog4j.configuration=file:{k.data_dir / 'log4j.properties'}",
        "kafka.Kafka",
        str(props),
    ]
    with open(k.log_file, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    k.pid_file.write_text(str(proc.pid))
    wait_ready(k, wait_s, proc)
    return proc.pid


def wait_ready(k: LocalKafka, wait_s: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Block until the broker serves metadata requests, or raise KafkaError."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise KafkaError(f"Kafka exited with {proc.returncode}; see {k.log_file}")
        if is_up(k) and _metadata_ok(k):
            return
        time.sleep(0.25)
    raise KafkaError(f"Kafka not ready on {k.bootstrap} after {wait_s:.0f}s; see {k.log_file}")


def _metadata_ok(k: LocalKafka) -> bool:
    # A broker accepts TCP before it has joined its own controller quorum; ask for metadata.
    import asyncio

    from aiokafka.admin import AIOKafkaAdminClient

    async def probe() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=k.bootstrap, request_timeout_ms=3000)
        try:
            await admin.start()
            await admin.list_topics()
            return True
        except Exception:
            return False
        finally:
            await admin.close()

    return asyncio.run(probe())


def pid(k: LocalKafka) -> int | None:
    """The pid of the broker we started, if it is still alive."""
    try:
        value = int(k.pid_file.read_text())
        _reap(value)
        os.kill(value, 0)
        return value
    except (OSError, ValueError):
        return None


def _reap(value: int) -> None:
    # When this process started the broker, a dead broker stays a zombie until waited for.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(value, os.WNOHANG)


def stop(k: LocalKafka, *, grace_s: float = 20.0) -> bool:
    """Stop the broker started from ``data_dir``. Returns False when none was running."""
    value = pid(k)
    if value is None:
        return False
    os.kill(value, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if pid(k) is None:
            break
        time.sleep(0.2)
    else:
        os.kill(value, signal.SIGKILL)
    k.pid_file.unlink(missing_ok=True)
    return True
