"""Per-host politeness: concurrency, spacing, back-off, and a short memory of hosts that are down.

State is kept per host name in bounded LRU maps (a crawl of many hosts must not grow without
end); evicting an idle host only forgets its timing.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
MAX_HOSTS = 10_000
Clock = Callable[[], float]


class Lru(Generic[K, V]):
    """A dict bounded to ``size`` entries, dropping the least recently used."""

    def __init__(self, size: int = MAX_HOSTS) -> None:
        self.size = size
        self.data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.data.get(key)
        if value is not None:
            self.data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self.data[key] = value
        self.data.move_to_end(key)
        if len(self.data) > self.size:
            self.data.popitem(last=False)
        return value

    def pop(self, key: K) -> None:
        self.data.pop(key, None)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt: int, base_s: float, cap_s: float = 30.0) -> float:
    """Exponential back-off with full jitter for retry number ``attempt`` (0-based)."""
    return random.uniform(0, min(cap_s, base_s * 2**attempt))


@dataclass
class _Host:
    sem: asyncio.Semaphore
    next_at: float = 0.0
    delay_s: float = 0.0


@dataclass
class HostGate:
    """At most ``concurrency`` requests at a time per host, starts at least ``delay_s`` apart.

    ``defer`` pushes a host's next start back (Retry-After, back-off); ``set_delay`` raises its
    spacing (robots.txt Crawl-delay).
    """

    concurrency: int
    delay_s: float
    clock: Clock = time.monotonic
    hosts: Lru[str, _Host] = field(default_factory=Lru)

    def _host(self, host: str) -> _Host:
        return self.hosts.get(host) or self.hosts.put(host, _Host(asyncio.Semaphore(self.concurrency)))

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        state = self._host(host)
        async with state.sem:
            now = self.clock()
            start = max(now, state.next_at)
            # Reserve the start time before sleeping, so waiters queue up one delay apart.
            state.next_at = start + max(self.delay_s, state.delay_s)
            if start > now:
                await asyncio.sleep(start - now)
            yield

    def defer(self, host: str, seconds: float) -> None:
        state = self._host(host)
        state.next_at = max(state.next_at, self.clock() + seconds)

    def set_delay(self, host: str, seconds: float) -> None:
        self._host(host).delay_s = seconds


@dataclass
class DownHosts:
    """Hosts that failed ``after`` times in a row are down for ``down_s`` seconds."""

    after: int
    down_s: float
    clock: Clock = time.monotonic
    failures: Lru[str, int] = field(default_factory=Lru)
    until: Lru[str, float] = field(default_factory=Lru)

    def is_down(self, host: str) -> bool:
        until = self.until.get(host)
        if until is None:
            return False
        if self.clock() < until:
            return True
        self.until.pop(host)
        return False

    def failed(self, host: str) -> None:
        count = (self.failures.get(host) or 0) + 1
        self.failures.put(host, count)
        if count >= self.after:
            self.mark_down(host, self.down_s)

    def succeeded(self, host: str) -> None:
        self.failures.pop(host)

    def mark_down(self, host: str, seconds: float) -> None:
        self.until.put(host, self.clock() + seconds)
        self.failures.pop(host)
