"""Prometheus metrics shared by every service: one counter per outcome, one latency histogram.

Outcomes are the named results of handling one message: ``ok``, ``dead-letter``, ``skip``
(a counted legitimate no-op), ``retry``. Label ``reason`` refines dead letters and skips.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

MESSAGES = Counter(
    "claimwire_messages_total",
    "Messages handled, by service and outcome.",
    ["service", "outcome", "reason"],
)
PRODUCED = Counter(
    "claimwire_produced_total", "Messages produced, by service and topic.", ["service", "topic"]
)
PROCESSING = Histogram(
    "claimwire_processing_seconds",
    "Time spent handling one message (or batch, for sinks).",
    ["service"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0),
)
FETCH = Counter(
    "claimwire_fetch_total",
    "HTTP fetches by the fetcher (articles, robots.txt excluded, feeds), by named outcome.",
    ["outcome"],
)
BATCH = Histogram(
    "claimwire_batch_size",
    "Messages per sink batch.",
    ["service"],
    buckets=(1, 10, 50, 100, 250, 500, 1000),
)


def serve(port: int | None, addr: str = "127.0.0.1") -> None:
    """Expose /metrics on ``addr:port`` (no-op when port is None)."""
    if port:
        start_http_server(port, addr=addr)
