"""Running a stage or sink as a Faust worker process; the registry of the five services."""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import Any

import faust

from shared import metrics
from shared.admin import ensure_topics
from shared.app import make_app
from shared.settings import Settings, load_settings
from shared.worker import Runner, Sink, SinkRunner, Stage

# Pipeline order; values are "module:class" so importing this module stays cheap.
SERVICES: dict[str, str] = {
    "fetcher": "services.fetcher.stage:Fetcher",
    "cleaner": "services.cleaner.stage:Cleaner",
    "extractor": "services.extractor.stage:Extractor",
    "dedup": "services.dedup.stage:Dedup",
    "indexer": "services.indexer.stage:Indexer",
}


# Components that are not pipeline services: the benchmark's no-work relay.
EXTRA: dict[str, str] = {"relay": "shared.relay:Relay"}


def component(name: str, settings: Settings) -> Stage[Any] | Sink:
    """Instantiate the named service's stage or sink."""
    module, cls = {**SERVICES, **EXTRA}[name].split(":")
    return getattr(importlib.import_module(module), cls)(settings)  # type: ignore[no-any-return]


def build(name: str, settings: Settings) -> faust.App:
    """The Faust app of one service, with its agents bound."""
    app = make_app(name if name not in EXTRA else f"{name}-{settings.relay_from}", settings)
    comp = component(name, settings)
    if isinstance(comp, Sink):
        SinkRunner(comp, app)
    else:
        Runner(comp, app)
    return app


def run(name: str, settings: Settings | None = None) -> None:
    """Run one service in this process until SIGTERM/SIGINT (Faust drains and commits on stop)."""
    settings = settings or load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logging.getLogger(__name__).info("starting %s with %s", name, settings.masked())
    metrics.serve(settings.metrics_port, settings.metrics_addr)
    # Faust creates only its internal topics; ours need their partition counts before it starts.
    asyncio.run(ensure_topics(settings))
    app = build(name, settings)
    metrics.watch_lag(name, app)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    # Faust's terminal spinner sets the root logger to DEBUG so that every record spins it:
    # every debug call in aiokafka then builds a record (7% of dedup's CPU under load).
    worker.spinner = None
    worker.execute_from_commandline()
