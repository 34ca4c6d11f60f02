"""The one shared httpx client, whose connections go only to addresses the policy allows.

httpx resolves and connects inside httpcore's network backend. ``PinnedBackend`` replaces that
step: it resolves the host itself, checks every address with the ``AddressPolicy`` and connects
to an address it has just checked. The URL, the Host header and TLS (SNI and certificate
verification) keep the host name, so HTTPS works as usual, and a DNS answer that changes between
check and connect (rebinding) cannot redirect the connection. Keep-alive connections are reused
per origin, so the check costs one resolution per new connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

import httpcore
import httpx

from services.fetcher.errors import FetchError
from services.fetcher.ssrf import AddressPolicy, IPAddress

# Connections per httpcore pool (see ShardedPool).
POOL_SIZE = 8
# A host with many addresses: try this many before giving up (each with the connect timeout).
MAX_ADDRESSES_TRIED = 2


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend: resolve, check (``AddressPolicy``), connect to the checked IP.

    Raises FetchError("dns-error") when the host does not resolve and FetchError("ssrf-blocked")
    when any of its addresses is refused (one bad address taints the name: which one a client
    gets is the DNS server's choice).
    """

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, timeout)
        for ip in addresses:
            self.policy.check(host, ip, port)
        last: Exception | None = None
        for ip in addresses[:MAX_ADDRESSES_TRIED]:
            try:
                return await self.inner.connect_tcp(str(ip), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise FetchError("ssrf-blocked", "unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


async def resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    """The host's addresses in the resolver's order of preference, without duplicates."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError("dns-error", f"{host}: {exc}") from None
    except TimeoutError:
        raise FetchError("dns-error", f"{host}: resolution timed out") from None
    found: dict[IPAddress, None] = {}
    for info in infos:
        # getaddrinfo gives IPv6 scoped addresses as "fe80::1%eth0"; the scope is not part of the IP
        found[ipaddress.ip_address(str(info[4][0]).split("%")[0])] = None
    if not found:
        raise FetchError("dns-error", f"{host}: no addresses")
    return list(found)


class ShardedPool(httpcore.AsyncConnectionPool):
    """Several httpcore pools behind one: requests spread over ``spread`` of them per origin.

    httpcore matches every queued request against every connection on each state change, which
    is quadratic in the number of connections of one pool: at a hundred connections that costs
    more CPU than the requests themselves. Small pools keep it cheap. An origin's requests go to
    ``spread`` neighbouring pools (by hash), so keep-alive connections are still reused.
    """

    def __init__(self, pools: list[httpcore.AsyncConnectionPool], spread: int) -> None:
        self.pools = pools
        self.spread = max(1, min(spread, len(pools)))
        self.turn = 0

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        self.turn += 1
        origin = request.url.origin
        index = (hash((origin.scheme, origin.host, origin.port)) + self.turn % self.spread) % len(self.pools)
        return await self.pools[index].handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self.pools:
            await pool.aclose()

    async def __aenter__(self) -> ShardedPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP transport over ``PinnedBackend`` and ``ShardedPool``; never uses a proxy."""

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits, *, per_host: int) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx 0.28 has no public hook for httpcore's network backend or pool: replace the pool
        # it built with ours (same settings).
        backend = PinnedBackend(policy)
        ssl_context = httpx.create_ssl_context()
        shards = -(-(limits.max_connections or 100) // POOL_SIZE)
        pools = [
            httpcore.AsyncConnectionPool(
                ssl_context=ssl_context,
                max_connections=POOL_SIZE,
                max_keepalive_connections=POOL_SIZE,
                keepalive_expiry=limits.keepalive_expiry,
                network_backend=backend,
            )
            for _ in range(shards)
        ]
        self._pool = ShardedPool(pools, spread=-(-per_host // (POOL_SIZE // 2)))


def make_client(
    policy: AddressPolicy,
    *,
    user_agent: str,
    timeout_s: float,
    connect_timeout_s: float,
    max_connections: int = 100,
    per_host: int = 2,
) -> httpx.AsyncClient:
    """The shared client: explicit timeouts and pool limits, pinned connections, no redirects.

    Redirects are followed by the caller, hop by hop, so each hop's URL is checked too.
    Content-Encoding is decoded by the caller as well (bounded: see ``body.py``).
    """
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=30.0,
    )
    return httpx.AsyncClient(
        transport=PinnedTransport(policy, limits, per_host=per_host),
        timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
        headers={"user-agent": user_agent, "accept-encoding": "gzip, deflate"},
        follow_redirects=False,
        trust_env=False,
    )
