"""Which URLs and addresses the fetcher may reach: the server-side request forgery guard.

URLs come from a topic anyone may write to, so a URL is checked twice:

- ``check_url`` before every request and redirect hop: http(s) only, no userinfo, a host;
- ``AddressPolicy.check`` on every address the host name resolves to, right before connecting
  to that very address (see ``transport.py``), so DNS rebinding between check and connect is
  impossible.

Refused by default: loopback, private, link-local, multicast, reserved, unspecified, shared
(carrier-grade NAT) and cloud-metadata addresses, IPv4 embedded in IPv6 (mapped, 6to4, Teredo,
NAT64) judged by the IPv4 inside, and ports other than 80, 443, 8080 and 8443. An allow-list of
host names and IP networks (``fetch_allow_hosts``) lets tests and private deployments opt in;
``fetch_allow_private`` allows every non-public address except the cloud-metadata ones, which only
an explicit allow-list entry opens.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from services.fetcher.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

STANDARD_PORTS = frozenset({80, 443, 8080, 8443})
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo client, NAT64), if any."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def classify(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address (``"loopback"``, ``"metadata"``…), or None."""
    inner = embedded_ipv4(ip)
    if inner is not None:
        return classify(inner)
    checks = (
        ("metadata", ip in METADATA),
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        # e.g. 100.64.0.0/10 (shared address space): neither private nor globally reachable
        ("non-global", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """What the fetcher may connect to; see the module docstring."""

    allow_private: bool = False
    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = field(default=())

    @classmethod
    def parse(cls, allow_hosts: str, *, allow_private: bool = False) -> AddressPolicy:
        """Build from ``fetch_allow_hosts``: comma-separated host names, IPs or CIDRs.

        Raises ValueError for an entry that is none of these.
        """
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (e.strip().lower() for e in allow_hosts.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                if not _is_host_name(entry):
                    raise ValueError(f"fetch_allow_hosts: {entry!r} is not a host, IP or CIDR") from None
                hosts.add(entry.rstrip("."))
        return cls(allow_private, frozenset(hosts), tuple(networks))

    def listed(self, host: str, ip: IPAddress) -> bool:
        """Whether the host name or the address is on the explicit allow-list."""
        return host.lower().rstrip(".") in self.hosts or any(ip in net for net in self.networks)

    def check(self, host: str, ip: IPAddress, port: int) -> None:
        """Raise FetchError("ssrf-blocked") unless connecting to ``ip:port`` for ``host`` is allowed."""
        if self.listed(host, ip):
            return
        why = classify(ip)
        if why is not None and not (self.allow_private and why != "metadata"):
            raise FetchError("ssrf-blocked", f"{host} resolves to {ip} ({why})")
        if port not in STANDARD_PORTS and not (self.allow_private and why is not None):
            raise FetchError("ssrf-blocked", f"port {port} of {host} is not allowed")


def check_url(url: str) -> str:
    """The URL's host (lower case) if ``url`` may be requested at all; else raise FetchError.

    Refuses non-http(s) schemes ("bad-url": never fetchable) and userinfo ("ssrf-blocked":
    credentials in a URL from a public topic only serve to confuse parsers and servers).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError("bad-url", f"{exc}: {url[:200]}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError("bad-url", f"not an http(s) URL: {url[:200]}")
    if "@" in parts.netloc:
        raise FetchError("ssrf-blocked", "userinfo in URL")
    if port == 0:
        raise FetchError("bad-url", "port 0")
    return parts.hostname.lower()


def _is_host_name(name: str) -> bool:
    labels = name.rstrip(".").split(".")
    return all(0 < len(label) <= 63 and label.replace("-", "").replace("_", "").isalnum() for label in labels)
