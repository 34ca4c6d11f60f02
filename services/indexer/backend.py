"""The index sink's one interface, and the queries and documents both backends share.

Two backends implement ``IndexBackend``: the embedded SQLite FTS5 index (the default,
``sqlite_index.SqliteBackend``) and OpenSearch (``opensearch_index.OpenSearchBackend``, chosen
when ``opensearch_url`` is set). They hold the same documents and answer the same queries:

- ``write`` upserts by deterministic id (replays change nothing), drops claims their article no
  longer lists, keeps cluster documents in step, raises ``IndexUnavailable`` (or another
  exception) for transient failures and returns ``WriteRejection``s for records refused because
  of their content;
- ``search`` takes a ``SearchRequest``: words (all required, never parsed as query syntax),
  filters (speaker words, outlet, kind, language, publication day range), facets (top values
  over the filtered result), highlighting (``<mark>`` in otherwise HTML-escaped text) and paging;
- ``cluster``, ``article`` and ``counts`` read single documents and totals.

Both backends order results by relevance (then claim id) when there are words, otherwise by
``published_at`` descending (then claim id); relevance scores differ between BM25 implementations.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from pydantic import BaseModel, Field

from shared.records import ArticleDoc, ClaimGroup
from shared.settings import Settings
from shared.worker import WriteRejection

MAX_PAGE_SIZE = 100
MAX_QUERY_CHARS = 500
# OpenSearch's default ``index.max_result_window``: deeper pages need search_after, not paging.
MAX_RESULT_WINDOW = 10_000
FACET_FIELDS = ("speaker", "outlet", "kind")
MAX_CLUSTER_MEMBERS = 1000

# Highlight markers: private-use characters that survive both engines' highlighters and HTML
# escaping (not control characters: OpenSearch trims those from the ends of fragments).
MARK_START = "\ue000"
MARK_END = "\ue001"


class IndexUnavailable(RuntimeError):
    """The index cannot take the request now (unreachable, overloaded, 5xx): retry later."""


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions on claims. ``speaker`` matches words of the name; the others match exactly."""

    speaker: str | None = None
    outlet: str | None = None
    kind: str | None = None
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A claim search. ``query`` may be empty (filters only); ``page`` is 1-based."""

    query: str = ""
    filters: Filters = field(default_factory=Filters)
    facets: tuple[str, ...] = ("speaker", "outlet")
    highlight: bool = True
    page: int = 1
    size: int = 20
    facet_size: int = 10

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.size

    @property
    def limit(self) -> int:
        """The page size, capped so that no backend pages past ``MAX_RESULT_WINDOW``."""
        return max(0, min(self.size, MAX_PAGE_SIZE, MAX_RESULT_WINDOW - self.offset))


class ClaimHit(BaseModel):
    """One claim found by a search, with its cluster's size and outlets."""

    claim_id: str
    article_id: str
    kind: str
    speaker: str | None = None
    speaker_title: str | None = None
    text: str
    highlighted: str = Field(description="the text, HTML-escaped, with matches in <mark> elements")
    outlet: str | None = None
    published_at: str | None = None
    language: str | None = None
    cluster_id: str | None = None
    cluster_size: int = 1
    cluster_outlets: list[str] = Field(default_factory=list)


class FacetValue(BaseModel):
    value: str
    count: int


class SearchPage(BaseModel):
    """One page of hits, the total number of matches, and the requested facets."""

    total: int
    page: int
    size: int
    hits: list[ClaimHit]
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict)


class ClaimView(BaseModel):
    """A claim as listed in a cluster or an article."""

    claim_id: str
    article_id: str
    kind: str
    speaker: str | None = None
    text: str
    outlet: str | None = None
    published_at: str | None = None
    cluster_id: str | None = None


class ClusterView(BaseModel):
    """A statement carried by one or more outlets: its members in order of first appearance.

    ``canonical_text`` and ``speaker`` are the first member's (earliest publication day, then
    submission time, then claim id); ``first_seen``/``last_seen`` are the earliest and latest
    ``published_at`` among members that have one. ``members`` is capped at 1000.
    """

    cluster_id: str
    canonical_text: str
    speaker: str | None = None
    count: int
    outlets: list[str]
    first_seen: str | None = None
    last_seen: str | None = None
    members: list[ClaimView]


class ArticleView(BaseModel):
    """An indexed article with the claims currently indexed for it."""

    article_id: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published_at: str | None = None
    language: str | None = None
    text: str
    claim_count: int
    claim_ids: list[str]
    claims: list[ClaimView]


class IndexBackend(Protocol):
    """What the indexer stage and the search API need from an index (see the module docstring)."""

    async def start(self) -> None:
        """Open connections and create missing indices; may raise ``IndexUnavailable``."""

    async def close(self) -> None: ...

    async def write(
        self, articles: Sequence[ArticleDoc], groups: Sequence[ClaimGroup]
    ) -> list[WriteRejection]: ...

    async def merge(self, merges: dict[str, str]) -> int:
        """Move the claims of each merged cluster (key) to its survivor (value); returns how many."""

    async def search(self, request: SearchRequest) -> SearchPage: ...

    async def cluster(self, cluster_id: str) -> ClusterView | None: ...

    async def article(self, article_id: str) -> ArticleView | None: ...

    async def counts(self) -> dict[str, int]:
        """``articles``, ``claims``, ``expected_claims`` (sum of claim_count) and ``clusters``."""

    async def healthy(self) -> bool: ...


def open_backend(settings: Settings) -> IndexBackend:
    """OpenSearch when ``opensearch_url`` is set, otherwise the embedded SQLite index (not started)."""
    if settings.opensearch_url:
        from services.indexer.opensearch_index import OpenSearchBackend

        return OpenSearchBackend(settings)
    from services.indexer.sqlite_index import SqliteBackend

    return SqliteBackend(settings.index_file)


def marks_to_html(text: str) -> str:
    """Highlighted text (``MARK_START``/``MARK_END`` around matches) as safe HTML with ``<mark>``."""
    return html.escape(text, quote=True).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def published_day(published_at: str | None) -> str | None:
    """The calendar day (``YYYY-MM-DD``) of an ISO 8601 date or date-time, as written; else None."""
    if not published_at:
        return None
    try:
        return datetime.fromisoformat(published_at.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        try:
            return date.fromisoformat(published_at).isoformat()
        except ValueError:
            return None
