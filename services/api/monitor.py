"""What the dashboard page shows: the pipeline's consumers sampled over time, and dead letters.

A ``Monitor`` samples ``shared.status.collect`` every ``interval`` seconds into a bounded history
(``keep`` samples, the oldest dropped), so the page can chart lag and throughput per service
over the last half hour without a time-series database. It starts on the first dashboard
request, not with the API: a search-only deployment never talks to Kafka. When Kafka does not
answer, the sample records the error and the next one tries again; nothing accumulates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from typing import Any

from shared import dlq
from shared.admin import GroupStatus
from shared.settings import Settings
from shared.status import collect

log = logging.getLogger(__name__)
KEEP = 360  # samples: 30 minutes at the default interval
SERVICE_FIELDS = ("service", "state", "members", "lag", "lag_trend", "in_per_min", "out_per_min", "verdict")


class Monitor:
    """Periodic samples of the pipeline's status (see the module docstring)."""

    def __init__(self, settings: Settings, interval: float, keep: int = KEEP) -> None:
        self.settings = settings
        self.interval = interval
        self.samples: deque[dict[str, Any]] = deque(maxlen=keep)
        self.latest: dict[str, Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self._first = asyncio.Event()

    async def history(self) -> dict[str, Any]:
        """The samples so far (waiting for the first one after a start), and the latest report."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="pipeline-monitor")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first.wait(), timeout=self.interval + 30)
        return {"interval_s": self.interval, "samples": list(self.samples), "latest": self.latest}

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        before: list[GroupStatus] | None = None
        while True:
            started = time.monotonic()
            try:
                report, before = await collect(self.settings, interval=1.0, before=before)
                self.latest = report
                self.samples.append(compact(report))
            except Exception as exc:  # Kafka down or restarting: a gap in the charts, not a crash
                log.warning("pipeline status not available: %s", exc)
                self.samples.append({"ts": time.time(), "error": str(exc) or type(exc).__name__})
                before = None
            self._first.set()
            await asyncio.sleep(max(0.0, self.interval - (time.monotonic() - started)))


def compact(report: dict[str, Any]) -> dict[str, Any]:
    """One chart point per service: the report without its per-partition detail."""
    return {
        "ts": time.time(),
        "total_lag": report["total_lag"],
        "healthy": report["healthy"],
        "latency": report["latency"],
        "services": [{k: s[k] for k in SERVICE_FIELDS} for s in report["services"]],
    }


async def dead_letters(settings: Settings, limit: int) -> dict[str, Any]:
    """Dead-letter counts by stage and reason, and the ``limit`` most recent letters."""
    letters = await dlq.read_letters(settings)
    recent = letters[-limit:][::-1]
    return {
        "counts": dlq.counts(letters),
        "total": len(letters),
        "recent": [
            {
                "ref": x.ref,
                "stage": x.letter.stage,
                "reason": x.letter.reason,
                "error": x.letter.error[:500],
                "topic": x.letter.topic,
                "partition": x.letter.partition,
                "offset": x.letter.offset,
                "bytes": x.letter.value_len,
                "dead_at": x.letter.dead_at,
            }
            for x in recent
        ],
    }
