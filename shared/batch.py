"""The pipeline's stage functions run in one process without Kafka (``claimwire batch``).

The same functions the services call, in the same order; dedup state is a plain dict standing
in for the Faust table. Bad input lines are reported, not fatal, mirroring the dead-letter topic.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from services.cleaner.stage import clean_learning, policy
from services.dedup.clusters import ClusterState
from services.extractor.stage import article_claims, group_claims, to_doc
from services.fetcher.errors import FetchError
from services.fetcher.fetch import Page, PageFetcher
from services.fetcher.stage import from_submission
from shared.records import ArticleDoc, Claim, Submission
from shared.serde import DecodeError, decode
from shared.settings import Settings
from shared.worker import Rejected


@dataclass
class BatchResult:
    """What a batch run produced, and the lines it could not process (line number, reason)."""

    articles: list[ArticleDoc] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)


def run_batch(lines: Iterable[bytes], settings: Settings) -> BatchResult:
    """Run every stage over submission lines (JSON objects, the input topic's schema)."""
    result = BatchResult()
    clusters = ClusterState(table={}, window_s=settings.dedup_window_days * 86400)
    outlets: dict[str, dict[str, object]] = {}
    for lineno, sub, ts in _submissions(lines, settings, result):
        try:
            page = None if (sub.text or sub.html) else asyncio.run(_fetch(sub.url or "", settings))
            article = from_submission(
                sub, ts, page.text if page else None, page_url=page.url if page else None
            )
            cleaned = clean_learning(article, outlets, policy(settings))
        except (Rejected, FetchError) as exc:
            result.failures.append((lineno, str(exc)))
            continue
        claims = article_claims(cleaned)
        result.articles.append(to_doc(cleaned, claims))
        by_id = {}
        for group in group_claims(cleaned, claims):
            for c in clusters.assign(group)[0].claims:
                by_id[c.claim_id] = c
        result.claims.extend(by_id[c.claim_id] for c in claims)
    # Later claims may have merged clusters that earlier claims were given: point them at the
    # surviving cluster, as the sink does when it reads a merge from the clusters topic.
    result.claims = [
        c.model_copy(update={"cluster_id": clusters.resolve(c.cluster_id)}) if c.cluster_id else c
        for c in result.claims
    ]
    return result


def _submissions(
    lines: Iterable[bytes], settings: Settings, result: BatchResult
) -> Iterator[tuple[int, Submission, float]]:
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            yield lineno, decode(Submission, raw, max_bytes=settings.max_message_bytes), time.time()
        except DecodeError as exc:
            result.failures.append((lineno, str(exc)))


async def _fetch(url: str, settings: Settings) -> Page:
    async with PageFetcher(settings) as fetcher:
        return await fetcher.fetch(url)
