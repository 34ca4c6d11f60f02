"""Wire records: JSON objects with a ``schema_version``, validated on the way in.

``Submission`` is the public input schema (documented in the README). The others pass between
services; new fields are added as optional so older consumers keep working (unknown fields are
ignored on decode).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

ClaimKind = Literal["quote", "reported", "statement"]
Span = tuple[int, int]
ShortStr = Annotated[str, Field(max_length=2000)]


class Record(BaseModel):
    """Base of every wire record: immutable, unknown fields ignored, versioned."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    schema_version: int = SCHEMA_VERSION


class Submission(Record):
    """One article submitted on ``articles.submitted`` (the public input schema).

    At least one of ``url``, ``text`` or ``html`` is required. ``published_at`` is an ISO 8601
    date or date-time between the years 1800 and 2200.
    """

    id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    url: Annotated[str, Field(max_length=4096)] | None = None
    outlet: ShortStr | None = None
    title: ShortStr | None = None
    published_at: str | None = None
    text: str | None = None
    html: str | None = None
    # A URL already fetched is skipped as a duplicate unless the submitter asks for it again
    # (then fetched with a conditional GET: an unchanged page produces nothing).
    refetch: bool = False

    @field_validator("published_at")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parsed: date = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                raise ValueError("published_at is not an ISO 8601 date") from None
        if not 1800 <= parsed.year <= 2200:
            raise ValueError("published_at is out of range")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError("url must be http(s)")
        return value

    @model_validator(mode="after")
    def _has_content(self) -> Submission:
        if not (self.url or self.text or self.html):
            raise ValueError("one of url, text or html is required")
        return self


class ArticleMeta(Record):
    """What every stage knows about an article; ``submitted_ts`` is the input message's time."""

    article_id: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published_at: str | None = None
    submitted_ts: float


class FetchedArticle(ArticleMeta):
    """Fetcher → cleaner: the article's text (given, or extracted from HTML)."""

    source: Literal["text", "html", "url"]
    text: str
    language: str | None = None


class CleanedArticle(ArticleMeta):
    """Cleaner → extractor: boilerplate-free text with sentence offsets into it."""

    text: str
    sentences: list[Span]
    language: str | None = None
    removed: dict[str, int] = Field(default_factory=dict)


class Claim(BaseModel):
    """One sentence of quoted or reported content attributed to a speaker."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    claim_id: str
    article_id: str
    kind: ClaimKind
    speaker: str | None
    speaker_title: str | None = None
    cue: str | None = None
    text: str
    span: Span
    sentence: int
    cluster_id: str | None = None
    numbers: list[tuple[float, str]] = Field(default_factory=list)  # quantities: (4.75, "percent")

    @property
    def source(self) -> str | None:
        """The speaker as the article describes them: name, then title or role when given."""
        if self.speaker and self.speaker_title:
            return f"{self.speaker}, {self.speaker_title}"
        return self.speaker


class ClaimGroup(Record):
    """Extractor → dedup → indexer: an article's claims sharing one speaker block key."""

    block: str
    article_id: str
    outlet: str | None = None
    published_at: str | None = None
    submitted_ts: float
    claims: list[Claim]


class ArticleDoc(ArticleMeta):
    """Extractor → indexer: the article as it is indexed.

    ``claim_ids`` lists the article's claims as of this extraction: the sink drops claims of the
    article that are not listed (re-extraction after the cleaner learned more boilerplate, or
    with a better extractor, must not leave stale claims behind).
    """

    text: str
    language: str | None = None
    claim_count: int
    claim_ids: list[str] = Field(default_factory=list)
    removed: dict[str, int] = Field(default_factory=dict)


class ClusterRecord(Record):
    """Dedup → ``claims.clusters`` (compacted, keyed by cluster id): a cluster's latest state.

    ``new_members`` are the claim ids that joined in this update (the sink accumulates them);
    ``merged_into`` names the cluster this one was merged into, when a claim linked both.
    """

    cluster_id: str
    block: str
    speaker: str | None
    text: str
    first_seen: float
    last_seen: float
    count: int
    outlets: list[str]
    new_members: list[str] = Field(default_factory=list)
    merged_into: str | None = None


class DeadLetter(Record):
    """A message a stage could not process: why, where it came from, and its original bytes."""

    stage: str
    reason: str
    error: str
    topic: str
    partition: int
    offset: int
    timestamp: float | None = None
    key_b64: str | None = None
    value_b64: str
    value_len: int
    value_truncated: bool = False
    dead_at: float
