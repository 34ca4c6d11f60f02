"""Prometheus metrics shared by every service: one counter per outcome, one latency histogram.

Outcomes are the named results of handling one message: ``ok``, ``dead-letter``, ``skip``
(a counted legitimate no-op), ``retry``. Label ``reason`` refines dead letters and skips.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

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


class LagCollector(Collector):
    """``claimwire_consumer_lag{service,topic,partition}``: for each partition this worker owns,
    the partition's end offset (as last fetched) minus the offset it committed; read from the
    Faust consumer when Prometheus scrapes, so it costs nothing between scrapes."""

    def __init__(self, service: str, app: Any) -> None:
        self.service = service
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "claimwire_consumer_lag",
            "Messages behind the end of each owned partition (end offset minus committed offset).",
            labels=["service", "topic", "partition"],
        )
        try:
            consumer = self.app.consumer
            for tp in sorted(consumer.assignment()):
                end = consumer.highwater(tp)
                committed = consumer._committed_offset.get(tp)
                if end is None:
                    continue
                lag = max(0, end - (committed or 0))
                family.add_metric([self.service, tp.topic, str(tp.partition)], lag)
        except Exception as exc:  # not started, rebalancing, or stopping: no sample this time
            logging.getLogger(__name__).debug("no lag sample: %r", exc)
        yield family


def watch_lag(service: str, app: Any) -> None:
    """Export ``service``'s consumer lag (see ``LagCollector``) from this process."""
    REGISTRY.register(LagCollector(service, app))


def serve(port: int | None, addr: str = "127.0.0.1") -> None:
    """Expose /metrics on ``addr:port`` (no-op when port is None)."""
    if port:
        start_http_server(port, addr=addr)
