"""A tiny HTTP/1.1 server on a local address, for the fetcher's tests and benchmark.

Handlers get the request and the raw stream writer, so they can misbehave on purpose (stall,
trickle, send a body larger than announced, close early). Connections are kept alive between
requests. Run as ``python -m services.fetcher.localserver --latency 0.05`` for the benchmark: it
prints its port, then serves ``/robots.txt`` (allow all) and a small article at any other path.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus

MAX_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]  # lower-case names


Handler = Callable[[Request, asyncio.StreamWriter], Awaitable[None]]


async def respond(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    content_type: str | None = "text/html; charset=utf-8",
) -> None:
    """Write one complete response (Content-Length set unless ``headers`` gives one)."""
    head = {"content-type": content_type} if content_type else {}
    head |= {k.lower(): v for k, v in (headers or {}).items()}
    head.setdefault("content-length", str(len(body)))
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Status"
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in head.items()), "", ""]
    writer.write("\r\n".join(lines).encode("latin-1") + body)
    await writer.drain()


@dataclass
class LocalServer:
    """Serves ``handler`` on ``host`` (a free port) until ``stop``; an async context manager."""

    handler: Handler
    host: str = "127.0.0.1"
    port: int = 0
    server: asyncio.Server | None = None
    connections: set[asyncio.Task[None]] = field(default_factory=set)

    async def __aenter__(self) -> LocalServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, self.host, self.port, backlog=1024)
        self.port = int(self.server.sockets[0].getsockname()[1])
        return self.port

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self.connections):
            task.cancel()
        for task in list(self.connections):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.server is not None:
            await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.connections.add(task)
        try:
            while (request := await _read_request(reader)) is not None:
                await self.handler(request, writer)
                if writer.is_closing() or request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self.connections.discard(task)
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    if len(head) > MAX_HEAD_BYTES:
        return None
    first, *lines = head.decode("latin-1").split("\r\n")
    method, target, _ = first.split(" ", 2)
    headers = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    if length:
        await reader.readexactly(length)
    return Request(method, target, headers)


ARTICLE = (
    "<html><head><title>Bridge opens</title></head><body><article><h1>Bridge opens</h1>"
    + "<p>The mayor said on Tuesday that the new bridge over the river would open in spring, "
    "and that the works had cost less than expected.</p>" * 8 + "</article></body></html>"
).encode()


def latency_handler(latency_s: float) -> Handler:
    """Every response after ``latency_s``: robots.txt allowing all, an article at any other path."""

    async def handle(request: Request, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(latency_s)
        if request.target == "/robots.txt":
            await respond(writer, 200, b"User-agent: *\nAllow: /\n", content_type="text/plain")
        else:
            await respond(writer, 200, ARTICLE)

    return handle


async def _main(latency_s: float) -> None:
    async with LocalServer(latency_handler(latency_s)) as server:
        print(server.port, flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.05)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(parser.parse_args().latency))
