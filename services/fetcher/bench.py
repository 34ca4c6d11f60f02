"""Fetcher benchmarks (not tests): throughput with politeness raised, and what politeness costs.

Both start ``localserver`` in a child process (so its CPU is not the fetcher's) answering every
request after a fixed latency, and fetch through the real ``PageFetcher`` (address checks,
robots.txt, gate, body cap, charset detection). Run ``python -m services.fetcher.bench``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from services.fetcher.errors import FetchError
from services.fetcher.fetch import PageFetcher
from shared.settings import Settings


@asynccontextmanager
async def _server(latency_s: float) -> AsyncIterator[str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.fetcher.localserver", "--latency", str(latency_s),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        port = int((await proc.stdout.readline()).strip())
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        await proc.wait()


async def _fetch_all(settings: Settings, urls: list[str], workers: int) -> tuple[float, float, int]:
    """Wall and CPU seconds to fetch ``urls`` with ``workers`` concurrent tasks; how many failed."""
    queue = iter(urls)
    failed = 0

    async def worker(fetcher: PageFetcher) -> None:
        nonlocal failed
        for url in queue:
            try:
                await fetcher.fetch(url)
            except FetchError:
                failed += 1

    async with PageFetcher(settings) as fetcher:
        await fetcher.fetch(urls[0])  # warm up: robots.txt, first connection
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker(fetcher) for _ in range(workers)))
        return time.perf_counter() - started, time.process_time() - cpu, failed


async def bench_fetch(pages: int = 2000, latency_s: float = 0.05, workers: int = 64) -> dict[str, float]:
    """Pages per second for ``pages`` distinct URLs on one host, its politeness limits raised.

    ``cpu_ms_per_page`` is the fetcher process's own CPU time per page: unlike pages/s it does not
    depend on what else the machine is running.
    """
    async with _server(latency_s) as base:
        settings = _settings(
            fetch_per_host_concurrency=workers, fetch_per_host_delay_s=0.0, fetch_max_connections=workers
        )
        seconds, cpu, failed = await _fetch_all(settings, [f"{base}/a/{i}" for i in range(pages)], workers)
    return {
        "pages": pages,
        "seconds": seconds,
        "pages_per_s": pages / seconds,
        "cpu_ms_per_page": 1000 * cpu / pages,
        "failed": failed,
    }


async def bench_politeness(requests: int = 8, latency_s: float = 0.05, workers: int = 16) -> dict[str, float]:
    """Requests per second to one host under the default politeness (2 at a time, 1 s apart)."""
    async with _server(latency_s) as base:
        settings = _settings()
        urls = [f"{base}/p/{i}" for i in range(requests + 1)]
        seconds, _, failed = await _fetch_all(settings, urls, workers)
    return {
        "requests": requests,
        "seconds": seconds,
        "requests_per_s_per_host": requests / seconds,
        "configured_delay_s": settings.fetch_per_host_delay_s,
        "failed": failed,
    }


def _settings(**overrides: Any) -> Settings:
    return Settings(fetch_allow_hosts="127.0.0.1", **overrides)


if __name__ == "__main__":
    print(asyncio.run(bench_fetch()))
    print(asyncio.run(bench_politeness()))
