"""The local stack without Docker: Kafka plus the five services as supervised processes.

``claimwire up`` starts Kafka, creates the topics, then detaches a supervisor process that runs
each service (``python -m services.<name>.app``), restarts any that exits (with back-off), and on
SIGTERM stops them all gracefully. Logs go to ``<data_dir>/logs/<service>.log``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from shared.admin import ensure_topics
from shared.infra import kafka
from shared.service import SERVICES
from shared.settings import Settings, child_env, load_settings


def local_kafka(settings: Settings) -> kafka.LocalKafka:
    """The local broker the settings point at (first bootstrap address)."""
    first = urlsplit("//" + settings.kafka_bootstrap.split(",")[0])
    return kafka.LocalKafka(
        data_dir=(settings.data_dir / "kafka").resolve(),
        host=first.hostname or "127.0.0.1",
        port=first.port or 9092,
        controller_port=settings.kafka_controller_port,
    )


def pid_file(settings: Settings) -> Path:
    return settings.data_dir / "run" / "supervisor.pid"


def running_pid(settings: Settings) -> int | None:
    try:
        pid = int(pid_file(settings).read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def up(settings: Settings, services: list[str] | None = None) -> int:
    """Start Kafka, topics and the supervisor (idempotent); returns the supervisor's pid."""
    kafka.start(local_kafka(settings))
    asyncio.run(ensure_topics(settings))
    pid = running_pid(settings)
    if pid is not None:
        return pid
    (settings.data_dir / "logs").mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "shared.supervisor", *(services or SERVICES)]
    log = open(settings.data_dir / "logs" / "supervisor.log", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=_env(settings)
    )
    log.close()
    pid_file(settings).parent.mkdir(parents=True, exist_ok=True)
    pid_file(settings).write_text(str(proc.pid))
    return proc.pid


def _env(settings: Settings) -> dict[str, str]:
    return child_env(settings)


def down(settings: Settings, *, keep_kafka: bool = False, grace_s: float = 30.0) -> None:
    """Stop the supervisor (and so the services), then Kafka unless ``keep_kafka``."""
    pid = running_pid(settings)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while running_pid(settings) is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        if running_pid(settings) is not None:
            os.killpg(pid, signal.SIGKILL)
        pid_file(settings).unlink(missing_ok=True)
    if not keep_kafka:
        kafka.stop(local_kafka(settings))


class Supervisor:
    """Runs services as child processes, restarting them when they exit unexpectedly."""

    def __init__(self, names: list[str], settings: Settings) -> None:
        self.names = names
        self.settings = settings
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, int] = dict.fromkeys(names, 0)
        self.stopping = False

    def spawn(self, name: str) -> None:
        log = open(self.settings.data_dir / "logs" / f"{name}.log", "ab")  # noqa: SIM115
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", f"services.{name}.app"], stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def loop(self) -> None:
        for name in self.names:
            self.spawn(name)
        while not self.stopping:
            time.sleep(0.5)
            for name, proc in list(self.procs.items()):
                if proc.poll() is not None and not self.stopping:
                    self.restarts[name] += 1
                    time.sleep(min(30.0, 0.5 * 2 ** min(self.restarts[name], 6)))
                    self.spawn(name)
        self.stop_all()

    def stop_all(self, grace_s: float = 20.0) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    settings = load_settings()
    sup = Supervisor(sys.argv[1:] or list(SERVICES), settings)

    def _stop(signum: int, frame: object) -> None:
        sup.stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sup.loop()


if __name__ == "__main__":
    main()
