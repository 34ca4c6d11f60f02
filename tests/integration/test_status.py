"""`claimwire status` and `claimwire dlq` on a real broker: stalled consumers and dead letters."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time

import orjson
import pytest

from shared import dlq
from shared.admin import ensure_topics
from shared.publish import publish
from shared.settings import Settings
from shared.status import collect
from shared.topics import FETCHED
from tests.conftest import REPO, service_env
from tests.helpers import consume, start_service, stop_service

pytestmark = pytest.mark.integration


def article(i: int) -> bytes:
    return orjson.dumps(
        {"id": f"s{i}", "outlet": "Test Wire", "text": f"The mayor said bridge {i} would open."}
    )


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "shared.cli", *args],
        env=service_env(settings),
        capture_output=True,
        cwd=REPO,
        check=False,
    )


def watch(settings: Settings, samples: int) -> str:
    """What ``claimwire status --watch`` prints for ``samples`` samples, stopped by Ctrl-C."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "status", "--watch", "--interval", "0.5"],
        env={**service_env(settings), "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )
    assert proc.stdout is not None
    lines: list[bytes] = []
    deadline = time.monotonic() + 60
    while sum(b"claimwire status" in line for line in lines) < samples and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, rest
    return b"".join([*lines, rest]).decode("utf-8", "replace")


async def test_stopped_service_is_stalled_with_its_lag_and_dead_letters_listed(settings: Settings) -> None:
    settings = settings.model_copy(update={"partitions": 1})
    await ensure_topics(settings)
    await publish(settings, [article(0), b"{not json", article(1)])
    proc = start_service("fetcher", service_env(settings), settings.data_dir.parent / "fetcher.log")
    try:
        await consume(settings, FETCHED, lambda r: len(r) >= 2)
        await asyncio.sleep(2.5)  # past the commit interval
    finally:
        assert stop_service(proc) == 0
    await publish(settings, [article(i) for i in range(2, 6)])  # arrive while the fetcher is down

    report, _ = await collect(settings, interval=0.5)
    fetcher = next(s for s in report["services"] if s["service"] == "fetcher")
    assert fetcher["verdict"] == "stalled" and fetcher["lag"] == 4 and fetcher["members"] == 0
    assert fetcher["in_per_min"] == 7 and fetcher["dead_letters"] == {"invalid-json": 1}
    assert not report["healthy"]

    done = await asyncio.to_thread(cli, settings, "status", "--json", "--interval", "0.5")
    assert done.returncode == 1 and orjson.loads(done.stdout)["healthy"] is False

    letters = await dlq.read_letters(settings)
    assert [(x.letter.stage, x.letter.reason, x.original()) for x in letters] == [
        ("fetcher", "invalid-json", b"{not json")
    ]
    listed = await asyncio.to_thread(cli, settings, "dlq", "list", "--json")
    rows = [orjson.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["ref"], r["stage"], r["reason"], r["offset"]) for r in rows] == [
        (letters[0].ref, "fetcher", "invalid-json", letters[0].letter.offset)
    ]
    table = await asyncio.to_thread(cli, settings, "dlq", "list", "--reason", "invalid-json")
    assert b"invalid-json" in table.stdout and b"{not json" in table.stdout
    other = await asyncio.to_thread(cli, settings, "dlq", "list", "--stage", "cleaner")
    assert b"no dead letters" in other.stdout
    watched = await asyncio.to_thread(watch, settings, 2)
    assert watched.count("claimwire status") >= 2 and "fetcher" in watched and "stalled" in watched
    shown = await asyncio.to_thread(cli, settings, "dlq", "show", letters[0].ref)
    assert orjson.loads(shown.stdout)["original"] == "{not json"
    replayed = await asyncio.to_thread(cli, settings, "dlq", "replay", "--stage", "fetcher")
    assert b"replayed 1" in replayed.stdout
    report, _ = await collect(settings, interval=0.1)
    fetcher = next(s for s in report["services"] if s["service"] == "fetcher")
    assert fetcher["lag"] == 5  # the replayed letter is back on the input topic
