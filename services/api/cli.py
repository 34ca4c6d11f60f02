"""Command functions for the search API, the local OpenSearch node and the index benchmark.

Plain typed functions (typer reads their signatures); ``shared/cli.py`` registers them:
``claimwire api``, ``claimwire opensearch start|stop`` and ``claimwire bench-index``.
``search_claims`` and ``index_counts`` answer from whichever backend the settings choose, for
``claimwire search`` and ``claimwire wait`` to use once OpenSearch is configured.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from typing import Annotated

import orjson
import typer

from services.indexer.backend import ClaimHit, Filters, SearchRequest, open_backend
from shared.infra import opensearch
from shared.settings import Settings, load_settings


def local_opensearch(settings: Settings) -> opensearch.LocalOpenSearch:
    """The local node the settings describe: ``<data_dir>/opensearch`` on the configured ports."""
    return opensearch.LocalOpenSearch(
        (settings.data_dir / "opensearch").resolve(),
        http_port=settings.opensearch_http_port,
        transport_port=settings.opensearch_transport_port,
    )


def api(
    host: Annotated[str | None, typer.Option(help="Address to listen on (CLAIMWIRE_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (CLAIMWIRE_API_PORT).")] = None,
) -> None:
    """Serve the search API and web page over the configured index until interrupted."""
    from services.api.app import serve

    overrides = {k: v for k, v in (("api_host", host), ("api_port", port)) if v is not None}
    settings = load_settings(**overrides)
    typer.echo(f"claimwire search on http://{settings.api_host}:{settings.api_port}/ (OpenAPI: /docs)")
    serve(settings)


def opensearch_start() -> None:
    """Fetch (first time) and start a local OpenSearch node; set CLAIMWIRE_OPENSEARCH_URL to its URL."""
    node = local_opensearch(load_settings())
    started = opensearch.start(node)
    typer.echo(f"OpenSearch {'started' if started else 'already running'} at {node.url}")


def opensearch_stop() -> None:
    """Stop the local OpenSearch node started by ``opensearch start``."""
    node = local_opensearch(load_settings())
    typer.echo("OpenSearch stopped" if opensearch.stop(node) else "no local OpenSearch running")


def bench_index(
    claims: Annotated[int, typer.Option(min=1000, help="Synthetic claims to index.")] = 100_000,
    queries: Annotated[int, typer.Option(min=10, help="Searches to time.")] = 300,
) -> None:
    """Indexing throughput and query latency of the embedded index (and OpenSearch if configured)."""
    from services.indexer.bench import run

    for result in run(load_settings(), claims=claims, queries=queries):
        sys.stdout.write(orjson.dumps(dataclasses.asdict(result)).decode() + "\n")


def search_claims(settings: Settings, query: str, filters: Filters, limit: int = 20) -> list[ClaimHit]:
    """The best ``limit`` claims (at most 100) for ``query`` from the configured backend."""

    async def go() -> list[ClaimHit]:
        backend = open_backend(settings)
        await backend.start()
        try:
            request = SearchRequest(query, filters, facets=(), size=min(limit, 100))
            return (await backend.search(request)).hits
        finally:
            await backend.close()

    return asyncio.run(go())


def index_counts(settings: Settings) -> dict[str, int]:
    """Articles, claims, expected claims and clusters in the configured backend."""

    async def go() -> dict[str, int]:
        backend = open_backend(settings)
        await backend.start()
        try:
            return await backend.counts()
        finally:
            await backend.close()

    return asyncio.run(go())
