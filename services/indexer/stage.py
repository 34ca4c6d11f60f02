"""Indexer: the sink. Article documents and clustered claims in, upserted into the index."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from services.indexer.sqlite_index import SqliteIndex
from shared.records import ArticleDoc, ClaimGroup, Record
from shared.topics import CLUSTERED_CLAIMS, EXTRACTED_ARTICLES
from shared.worker import Sink


class Indexer(Sink):
    name = "indexer"
    sources = ((EXTRACTED_ARTICLES, ArticleDoc), (CLUSTERED_CLAIMS, ClaimGroup))
    index: SqliteIndex | None = None

    async def start(self) -> None:
        self.index = SqliteIndex(self.settings.index_file)

    async def stop(self) -> None:
        if self.index is not None:
            self.index.close()

    async def write(self, records: Sequence[Record]) -> None:
        if self.index is None:
            await self.start()
        assert self.index is not None
        articles = [r for r in records if isinstance(r, ArticleDoc)]
        groups = [r for r in records if isinstance(r, ClaimGroup)]
        # SQLite blocks; keep the event loop free for the consumer and producer.
        await asyncio.to_thread(self.index.write, articles, groups)
