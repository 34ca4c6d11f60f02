"""The whole stack as processes on a real broker: demo corpus in, claims and clusters out."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import orjson
import pytest

from services.indexer.sqlite_index import SqliteIndex
from shared.publish import publish, submission_lines
from shared.records import DeadLetter
from shared.serde import decode
from shared.settings import Settings
from shared.status import collect
from shared.supervisor import down, up
from shared.topics import DEADLETTER
from tests.conftest import REPO, service_env
from tests.helpers import consume

pytestmark = pytest.mark.e2e
DEMO = REPO / "demo" / "articles.jsonl"
BAD = b'{"id": "bad-1", "outlet": "Nowhere", "text": "cut off'


@pytest.fixture
def stack(settings: Settings) -> Iterator[Settings]:
    up(settings)
    try:
        yield settings
    finally:
        down(settings, keep_kafka=True)


def load_scorer(kit: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", kit / "eval" / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def wait_indexed(settings: Settings, articles: int, timeout: float = 180.0) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        if settings.index_file.exists():
            counts = SqliteIndex(settings.index_file).counts()
            if counts["articles"] >= articles and counts["claims"] >= counts["expected_claims"]:
                return counts
        await asyncio.sleep(0.5)
    raise AssertionError(f"not indexed in time: {counts}")


async def wait_drained(settings: Settings, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report, _ = await collect(settings, interval=0.5)
        assert all(s["partitions"] for s in report["services"]), report
        if report["total_lag"] == 0 and all(
            p["committed"] is not None for s in report["services"] for p in s["partitions"] if p["end"]
        ):
            return
        await asyncio.sleep(1.0)
    raise AssertionError(f"pipeline did not drain: {report}")


async def test_demo_corpus_end_to_end(stack: Settings, kit: Path) -> None:
    settings = stack
    lines = submission_lines([str(DEMO)])
    messages = [*lines[:5], BAD, *lines[5:]]
    await publish(settings, messages)

    counts = await wait_indexed(settings, len(lines))
    assert counts["articles"] == len(lines)
    index = SqliteIndex(settings.index_file)

    # The malformed message is dead-lettered with its reason and bytes; the rest was indexed.
    [record] = await consume(settings, DEADLETTER, lambda r: len(r) >= 1)
    letter = decode(DeadLetter, record.value)
    assert letter.stage == "fetcher" and letter.reason == "invalid-json"
    assert base64.b64decode(letter.value_b64) == BAD

    # Claims and cross-outlet clusters came out, and they score against the demo gold.
    clusters = index.clusters(min_outlets=2)
    assert len(clusters) >= 10
    rows = index._db.execute(
        "SELECT article_id, claim_id, kind, speaker, text, cluster_id FROM claims"
    ).fetchall()
    claims_file = settings.data_dir / "claims.jsonl"
    claims_file.write_bytes(b"".join(orjson.dumps(dict(r)) + b"\n" for r in rows))
    gold = orjson.loads((REPO / "demo" / "gold.json").read_bytes())
    scores = load_scorer(kit).score(gold, [dict(r) for r in rows])
    assert scores["claim_f1"] >= 0.75, scores
    assert scores["cluster_pair_precision"] >= 0.9, scores

    # Searching through the CLI finds claims with speaker, outlet and cluster.
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "shared.cli", "search", "strike", "--json"],
        env=service_env(settings),
        capture_output=True,
        check=True,
        cwd=REPO,
    )
    hits = [orjson.loads(line) for line in done.stdout.splitlines()]
    assert hits and all(h["outlet"] and h["cluster_id"] for h in hits)

    # explain-cluster shows why members joined the largest cluster.
    explained = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "shared.cli", "explain-cluster", clusters[0]["cluster_id"]],
        env=service_env(settings),
        capture_output=True,
        check=True,
        cwd=REPO,
    )
    assert b"founded by" in explained.stdout and b"score" in explained.stdout

    # Publishing everything again indexes nothing twice. The cleaner has meanwhile learned each
    # outlet's repeated footer, so claims found in those lines the first time are dropped: the
    # index converges on the latest extraction instead of accumulating stale claims.
    first_ids = {r["claim_id"] for r in rows}
    await wait_drained(settings)
    await publish(settings, lines)
    await wait_drained(settings)
    again = SqliteIndex(settings.index_file)
    counts2 = again.counts()
    assert counts2["articles"] == counts["articles"]
    assert counts2["claims"] == counts2["expected_claims"] <= counts["claims"]
    second_ids = {r[0] for r in again._db.execute("SELECT claim_id FROM claims")}
    assert second_ids <= first_ids and len(first_ids - second_ids) <= 5
