"""Every Kafka topic claimwire uses, declared once.

The pipeline: ``articles.submitted`` → fetcher → ``articles.fetched`` → cleaner →
``articles.cleaned`` → extractor → ``claims.extracted`` (one message per article and speaker block,
keyed by the block so dedup state partitions by speaker) → dedup → ``claims.clustered`` → indexer.
The extractor also sends each article's document straight to the indexer on
``articles.extracted``: the body needs no dedup state, and skipping that hop saves work.
Dedup publishes each touched cluster's state to the compacted ``claims.clusters``.
Every stage sends what it cannot process to ``claimwire.deadletter``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A topic's base name (prefixed per deployment) and what its keys mean."""

    name: str
    key: str
    compacted: bool = False
    retention_ms: int | None = None

    def full_name(self, prefix: str = "") -> str:
        return f"{prefix}{self.name}"


SUBMITTED = TopicSpec("articles.submitted", key="article id (given, else from the canonical URL) or none")
FETCHED = TopicSpec("articles.fetched", key="article id")
CLEANED = TopicSpec("articles.cleaned", key="article id")
EXTRACTED_ARTICLES = TopicSpec("articles.extracted", key="article id")
EXTRACTED_CLAIMS = TopicSpec("claims.extracted", key="speaker block key")
CLUSTERED_CLAIMS = TopicSpec("claims.clustered", key="speaker block key")
CLUSTERS = TopicSpec("claims.clusters", key="cluster id", compacted=True)
# Every page the fetcher saw (fetched or submitted as HTML), as an ``html`` Submission, so
# articles can be re-extracted later (``claimwire replay``). Retained forever; compacted by article
# id so a replay or a re-fetch replaces the page instead of piling up copies.
RAW = TopicSpec("articles.raw", key="article id", compacted=True, retention_ms=-1)
DEADLETTER = TopicSpec("claimwire.deadletter", key="stage", retention_ms=30 * 24 * 3600 * 1000)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A Faust table of one service; its compacted changelog topic is Faust's naming."""

    service: str
    name: str

    def changelog(self, prefix: str = "") -> str:
        return f"{prefix}claimwire-{self.service}-{self.name}-changelog"


# Keyed like their service's source topic (outlet; speaker block), so each worker owns its keys.
OUTLET_LINES = TableSpec("cleaner", "cleaner-outlet-lines")
DEDUP_CLUSTERS = TableSpec("dedup", "dedup-clusters")
# Keyed by article id like the submitted topic: what the fetcher fetched (validators, offset).
FETCHED_URLS = TableSpec("fetcher", "fetcher-urls")
ALL_TABLES: tuple[TableSpec, ...] = (OUTLET_LINES, DEDUP_CLUSTERS, FETCHED_URLS)

ALL_TOPICS: tuple[TopicSpec, ...] = (
    SUBMITTED,
    FETCHED,
    CLEANED,
    EXTRACTED_ARTICLES,
    EXTRACTED_CLAIMS,
    CLUSTERED_CLAIMS,
    CLUSTERS,
    DEADLETTER,
    RAW,
)
