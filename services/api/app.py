"""The search API: claims with filters, facets and highlighting; clusters; articles; a web page.

``create_app(settings)`` builds the ASGI app over the backend the settings choose (the same as
the indexer's); ``serve(settings)`` runs it with uvicorn. Input is validated before it reaches
a backend (422 otherwise): page size at most 100, query at most 500 characters, pages within the
first 10,000 results, known kinds, ISO dates. User text only ever reaches an index as words to
match (``fts_query`` for SQLite, ``match`` queries for OpenSearch), never as query syntax.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse

from services.api.monitor import Monitor, dead_letters
from services.indexer.backend import (
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    ArticleView,
    ClusterView,
    Filters,
    IndexBackend,
    IndexUnavailable,
    SearchPage,
    SearchRequest,
    open_backend,
)
from shared.settings import Settings

log = logging.getLogger(__name__)
WEB = Path(__file__).parent / "web"
# The page loads only its own script and stylesheet: no inline code, nothing from elsewhere.
PAGE_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
ShortText = Annotated[str | None, Query(max_length=200)]
Id = Annotated[str, PathParam(min_length=1, max_length=200)]


def create_app(settings: Settings, backend: IndexBackend | None = None) -> FastAPI:
    """The API over ``backend`` (default: the one the settings choose, opened and closed here)."""
    owned = backend is None
    index = backend if backend is not None else open_backend(settings)
    monitor = Monitor(settings, interval=settings.api_monitor_interval_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await index.start()
        except IndexUnavailable as exc:  # serve anyway: /healthz says so, searches answer 503
            log.warning("index not reachable at start-up: %s", exc)
        try:
            yield
        finally:
            await monitor.close()
            if owned:
                await index.close()

    app = FastAPI(
        title="claimwire search",
        version="1",
        summary="Who claimed what, and which outlets carried it.",
        lifespan=lifespan,
    )

    @app.exception_handler(IndexUnavailable)
    async def unavailable(request: Request, exc: IndexUnavailable) -> JSONResponse:
        return JSONResponse({"detail": "index unavailable, try again later"}, status_code=503)

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> JSONResponse:
        """200 when the index answers, 503 otherwise."""
        ok = await index.healthy()
        return JSONResponse({"status": "ok" if ok else "unavailable"}, status_code=200 if ok else 503)

    @app.get("/api/claims", response_model=SearchPage, tags=["search"])
    async def claims(
        q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="words, all required")] = "",
        speaker: Annotated[str | None, Query(max_length=200, description="words of the name")] = None,
        outlet: ShortText = None,
        kind: Literal["quote", "reported", "statement"] | None = None,
        date_from: Annotated[date | None, Query(alias="from", description="published on or after")] = None,
        date_to: Annotated[date | None, Query(alias="to", description="published on or before")] = None,
        language: Annotated[str | None, Query(max_length=20)] = None,
        page: Annotated[int, Query(ge=1)] = 1,
        size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    ) -> SearchPage:
        """Full-text search over claims, with filters, facets (top speakers, outlets) and paging."""
        if page * size > MAX_RESULT_WINDOW:
            _invalid("page", f"page * size must be at most {MAX_RESULT_WINDOW}")
        if date_from and date_to and date_from > date_to:
            _invalid("from", "'from' is after 'to'")
        filters = Filters(speaker, outlet, kind, language, date_from, date_to)
        return await index.search(SearchRequest(q, filters, page=page, size=size))

    @app.get("/api/clusters/{cluster_id}", response_model=ClusterView, tags=["search"])
    async def cluster(cluster_id: Id) -> ClusterView:
        """A statement's cluster: every member, the outlets that carried it, first and last seen."""
        found = await index.cluster(cluster_id)
        if found is None:
            raise HTTPException(404, "no such cluster")
        return found

    @app.get("/api/articles/{article_id}", response_model=ArticleView, tags=["search"])
    async def article(article_id: Id) -> ArticleView:
        """An indexed article with its claims."""
        found = await index.article(article_id)
        if found is None:
            raise HTTPException(404, "no such article")
        return found

    @app.get("/api/pipeline/status", tags=["pipeline"])
    async def pipeline_status() -> dict[str, Any]:
        """Consumer groups sampled every ``api_monitor_interval_s``: per service lag, lag trend,
        messages in and out per minute and verdict over the last samples, and the latest full
        report (as ``claimwire status --json``). Sampling starts with the first request."""
        return await monitor.history()

    @app.get("/api/pipeline/deadletters", tags=["pipeline"])
    async def pipeline_dead_letters(
        limit: Annotated[int, Query(ge=1, le=200, description="most recent letters")] = 20,
    ) -> dict[str, Any]:
        """Dead letters by stage and reason, and the most recent ones with their reasons."""
        try:
            return await dead_letters(settings, limit)
        except Exception as exc:  # the broker, not the request, is at fault
            log.warning("dead letters not available: %s", exc)
            raise HTTPException(503, "Kafka unavailable, try again later") from exc

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(WEB / "index.html", headers=PAGE_HEADERS)

    @app.get("/dashboard", include_in_schema=False)
    async def dashboard() -> FileResponse:
        return FileResponse(WEB / "dashboard.html", headers=PAGE_HEADERS)

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: Literal["app.js", "app.css", "dashboard.js", "dom.js"]) -> FileResponse:
        return FileResponse(WEB / name, headers=PAGE_HEADERS)

    return app


def _invalid(field: str, message: str) -> Any:
    raise RequestValidationError([{"loc": ("query", field), "msg": message, "type": "value_error"}])


def serve(settings: Settings) -> None:
    """Run the API with uvicorn on ``api_host:api_port`` until interrupted."""
    import uvicorn

    uvicorn.run(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_level=settings.log_level,
        access_log=False,
    )
