"""Index benchmark (not a test): bulk indexing throughput and query latency, both backends.

``run(settings, claims=100_000)`` writes synthetic articles and claim groups the way the sink
receives them (a batch of article documents, then a batch of claim groups, 500 messages each),
then times searches (one or two words, some with a speaker or outlet filter, facets and
highlighting on). The embedded index goes to a temporary file; OpenSearch (when
``opensearch_url`` is set) to indices under a ``bench-`` prefix that are dropped afterwards.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.indexer.backend import Filters, IndexBackend, SearchRequest
from services.indexer.opensearch_index import OpenSearchBackend
from services.indexer.sqlite_index import SqliteBackend
from shared.ids import claim_id, cluster_id
from shared.records import ArticleDoc, Claim, ClaimGroup
from shared.settings import Settings

CLAIMS_PER_ARTICLE = 5
OUTLETS_PER_STATEMENT = 3
BATCH = 500  # messages per sink batch, as ``indexer_batch_size``


@dataclass(frozen=True, slots=True)
class BenchResult:
    backend: str
    articles: int
    claims: int
    write_seconds: float
    docs_per_second: float
    query_p50_ms: float
    query_p99_ms: float
    queries: int


class Corpus:
    """Deterministic synthetic news: statements by speakers, each carried by several outlets."""

    def __init__(self, seed: int = 7) -> None:
        rng = random.Random(seed)
        syllables = ["ka", "lo", "mi", "ten", "ra", "vo", "su", "del", "an", "pri", "go", "mer", "tis", "ul"]
        self.words = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(3000)})
        self.speakers = [
            f"{rng.choice(['Ana', 'Ilse', 'Jon', 'Mara', 'Tomas'])} {w.title()}" for w in self.words[:200]
        ]
        self.outlets = [f"{w.title()} Daily" for w in self.words[200:230]]
        self.rng = rng

    def sentence(self) -> str:
        return " ".join(self.rng.choices(self.words, k=self.rng.randint(8, 20))).capitalize() + "."

    def batches(self, claims: int) -> Iterator[tuple[list[ArticleDoc], list[ClaimGroup]]]:
        """``(articles, groups)`` batches of ``BATCH`` articles with ``CLAIMS_PER_ARTICLE`` claims each."""
        articles: list[ArticleDoc] = []
        groups: list[ClaimGroup] = []
        for n in range(claims // CLAIMS_PER_ARTICLE):
            aid = f"bench-a{n}"
            day = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}"
            outlet = self.outlets[n % len(self.outlets)]
            speaker = self.rng.choice(self.speakers)
            # Consecutive articles repeat each other's statements: clusters across outlets.
            base = n - n % OUTLETS_PER_STATEMENT
            texts = [self._statement(base, i) for i in range(CLAIMS_PER_ARTICLE)]
            cs = [
                Claim(
                    claim_id=claim_id(aid, t),
                    article_id=aid,
                    kind="quote",
                    speaker=speaker,
                    text=t,
                    span=(0, len(t)),
                    sentence=i,
                    cluster_id=cluster_id(claim_id(f"bench-a{base}", t)),
                )
                for i, t in enumerate(texts)
            ]
            articles.append(
                ArticleDoc(
                    article_id=aid,
                    outlet=outlet,
                    title=self.sentence(),
                    published_at=day,
                    submitted_ts=1.0 + n,
                    text="\n".join([*texts, *(self.sentence() for _ in range(10))]),
                    language="en",
                    claim_count=len(cs),
                    claim_ids=[c.claim_id for c in cs],
                )
            )
            groups.append(
                ClaimGroup(
                    block=speaker.split()[-1].lower(),
                    article_id=aid,
                    outlet=outlet,
                    published_at=day,
                    submitted_ts=1.0 + n,
                    claims=cs,
                )
            )
            if len(articles) == BATCH:
                yield articles, groups
                articles, groups = [], []
        if articles:
            yield articles, groups

    def _statement(self, base: int, i: int) -> str:
        rng = random.Random(base * 31 + i)
        return " ".join(rng.choices(self.words, k=rng.randint(8, 20))).capitalize() + "."

    def queries(self, n: int) -> list[SearchRequest]:
        out = []
        for i in range(n):
            words = " ".join(self.rng.choices(self.words, k=1 + i % 2))
            filters = Filters()
            if i % 4 == 2:
                filters = Filters(speaker=self.rng.choice(self.speakers).split()[-1])
            elif i % 4 == 3:
                filters = Filters(outlet=self.rng.choice(self.outlets))
            out.append(SearchRequest(words, filters, facets=("speaker", "outlet")))
        return out


async def bench_backend(name: str, backend: IndexBackend, claims: int, queries: int) -> BenchResult:
    """Index ``claims`` synthetic claims into a started, empty ``backend``, then time ``queries``."""
    corpus = Corpus()
    n_articles = n_claims = 0
    started = time.perf_counter()
    for articles, groups in corpus.batches(claims):
        await backend.write(articles, [])
        await backend.write([], groups)
        n_articles += len(articles)
        n_claims += sum(len(g.claims) for g in groups)
    write_seconds = time.perf_counter() - started
    if isinstance(backend, OpenSearchBackend):
        await backend.refresh()
    latencies = []
    for request in corpus.queries(queries):
        t = time.perf_counter()
        await backend.search(request)
        latencies.append((time.perf_counter() - t) * 1000)
    cuts = statistics.quantiles(latencies, n=100)
    return BenchResult(
        backend=name,
        articles=n_articles,
        claims=n_claims,
        write_seconds=round(write_seconds, 2),
        docs_per_second=round((n_articles + n_claims) / write_seconds),
        query_p50_ms=round(cuts[49], 2),
        query_p99_ms=round(cuts[98], 2),
        queries=queries,
    )


async def run_async(settings: Settings, claims: int = 100_000, queries: int = 300) -> list[BenchResult]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = SqliteBackend(Path(tmp) / "bench.sqlite")
        await sqlite.start()
        try:
            results.append(await bench_backend("sqlite", sqlite, claims, queries))
        finally:
            await sqlite.close()
    if settings.opensearch_url:
        os_backend = OpenSearchBackend(settings.model_copy(update={"opensearch_index_prefix": "bench-"}))
        await os_backend.drop()
        await os_backend.start()
        try:
            results.append(await bench_backend("opensearch", os_backend, claims, queries))
        finally:
            await os_backend.drop()
            await os_backend.close()
    return results


def run(settings: Settings, claims: int = 100_000, queries: int = 300) -> list[BenchResult]:
    """Benchmark the embedded index, and OpenSearch when ``opensearch_url`` is set."""
    return asyncio.run(run_async(settings, claims, queries))
