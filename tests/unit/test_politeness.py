"""Per-host politeness (``HostGate``, ``Lru``) on a virtual clock: no real waiting."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Coroutine
from typing import Any

import pytest

from services.fetcher.politeness import HostGate, Lru


class VirtualTime:
    """A clock that jumps to the next sleeper's deadline once every task is blocked."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleepers: list[tuple[float, int, asyncio.Future[None]]] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self.sleepers, (self.now + max(0.0, seconds), id(future), future))
        await future

    async def run(self, *coros: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(asyncio.gather(*coros))
        while not task.done():
            for _ in range(10):  # let every runnable task reach its next wait
                await _real_sleep(0)
            if self.sleepers and not task.done():
                deadline, _, future = heapq.heappop(self.sleepers)
                self.now = max(self.now, deadline)
                future.set_result(None)
        await task


_real_sleep = asyncio.sleep


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    vt = VirtualTime()
    monkeypatch.setattr(asyncio, "sleep", vt.sleep)  # what HostGate.slot awaits
    return vt


async def _starts(gate: HostGate, clock: VirtualTime, hosts: list[str]) -> list[float]:
    """Start times of one request per entry of ``hosts``, all issued at once."""
    started: list[float] = []

    async def one(host: str) -> None:
        async with gate.slot(host):
            started.append(clock())

    await clock.run(*(one(h) for h in hosts))
    return started


async def test_requests_to_one_host_start_a_delay_apart(clock: VirtualTime) -> None:
    gate = HostGate(concurrency=4, delay_s=1.0, clock=clock)
    assert sorted(await _starts(gate, clock, ["a.example"] * 4)) == [0.0, 1.0, 2.0, 3.0]


async def test_other_hosts_are_not_held_back(clock: VirtualTime) -> None:
    gate = HostGate(concurrency=1, delay_s=5.0, clock=clock)
    assert await _starts(gate, clock, ["a.example", "b.example", "c.example"]) == [0.0, 0.0, 0.0]


async def test_concurrency_per_host_is_bounded(clock: VirtualTime) -> None:
    gate = HostGate(concurrency=2, delay_s=0.0, clock=clock)
    active = peak = 0

    async def one() -> None:
        nonlocal active, peak
        async with gate.slot("a.example"):
            active += 1
            peak = max(peak, active)
            await clock.sleep(1.0)
            active -= 1

    await clock.run(*(one() for _ in range(6)))
    assert peak == 2
    assert clock() == 3.0  # six one-second requests, two at a time


async def test_defer_and_crawl_delay_push_the_next_start(clock: VirtualTime) -> None:
    gate = HostGate(concurrency=1, delay_s=1.0, clock=clock)
    await _starts(gate, clock, ["a.example"])
    gate.defer("a.example", 30.0)  # Retry-After: 30
    assert await _starts(gate, clock, ["a.example"]) == [30.0]
    gate.set_delay("a.example", 10.0)  # robots.txt Crawl-delay: 10 beats the default 1 s
    assert await _starts(gate, clock, ["a.example", "a.example"]) == [31.0, 41.0]
    gate.defer("a.example", 0.0)  # a shorter deferral never brings a start forward
    assert await _starts(gate, clock, ["a.example"]) == [51.0]


def test_lru_keeps_the_most_recently_used_hosts() -> None:
    lru: Lru[str, int] = Lru(size=2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recent
    lru.put("c", 3)
    assert lru.get("b") is None
    assert (lru.get("a"), lru.get("c")) == (1, 3)
    lru.pop("a")
    lru.pop("missing")
    assert lru.get("a") is None
