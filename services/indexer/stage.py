"""Indexer: the sink. Article documents and clustered claims in, upserted into the index.

The backend comes from the settings (``backend.open_backend``): the embedded SQLite index by
default, OpenSearch when ``opensearch_url`` is set. ``write`` raises while the index is
unreachable (the runner retries and stops consuming) and returns the records the index refused
for good (the runner dead-letters them).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from services.indexer.backend import IndexBackend, IndexUnavailable, open_backend
from shared.records import ArticleDoc, ClaimGroup, ClusterRecord, Record
from shared.settings import Settings
from shared.topics import CLUSTERED_CLAIMS, CLUSTERS, EXTRACTED_ARTICLES
from shared.worker import Sink, WriteRejection

log = logging.getLogger(__name__)


class Indexer(Sink):
    name = "indexer"
    # Cluster documents are derived from the claims; from the clusters topic the sink needs the
    # merges only (a claim that linked two clusters moves the younger one's claims).
    sources = ((EXTRACTED_ARTICLES, ArticleDoc), (CLUSTERED_CLAIMS, ClaimGroup), (CLUSTERS, ClusterRecord))

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.index: IndexBackend | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        if self.index is None:
            self.index = open_backend(self.settings)
        try:
            await self.index.start()
        except IndexUnavailable as exc:  # not fatal: the first write retries until it is back
            log.warning("index not reachable at start-up: %s", exc)

    async def stop(self) -> None:
        if self.index is not None:
            await self.index.close()

    async def write(self, records: Sequence[Record]) -> list[WriteRejection]:
        if self.index is None:
            await self.start()
        assert self.index is not None
        articles = [r for r in records if isinstance(r, ArticleDoc)]
        groups = [r for r in records if isinstance(r, ClaimGroup)]
        # The two source agents write concurrently; one batch at a time keeps the stale-claim
        # and cluster bookkeeping of one batch from interleaving with another's.
        merges = {
            r.cluster_id: r.merged_into for r in records if isinstance(r, ClusterRecord) and r.merged_into
        }
        async with self._lock:
            rejected = await self.index.write(articles, groups) if articles or groups else []
            if merges:
                await self.index.merge(merges)
            return rejected
