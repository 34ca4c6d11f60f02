"""A few fictional articles and claims for tests and demos of the index and the search API.

Two statements carried by several outlets (clusters), a reported claim, a German article, an
undated article and a claim with HTML-like text, so that filters, facets, clusters and escaping
all have something to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.ids import claim_id
from shared.records import ArticleDoc, Claim, ClaimGroup, ClaimKind


@dataclass(frozen=True, slots=True)
class Sample:
    article_id: str
    outlet: str
    published_at: str | None
    language: str
    speaker: str
    kind: ClaimKind
    text: str
    cluster_id: str


SAMPLES = (
    Sample(
        "s-ledger-1",
        "Ledger",
        "2026-03-01",
        "en",
        "Ilse Varga",
        "quote",
        "The bridge will reopen in May",
        "gbridge",
    ),
    Sample(
        "s-wire-1",
        "Wire",
        "2026-03-02T09:30:00Z",
        "en",
        "Ilse Varga",
        "quote",
        "The bridge reopens in May",
        "gbridge",
    ),
    Sample(
        "s-courier-1",
        "Courier",
        "2026-03-03",
        "en",
        "Ilse Varga",
        "reported",
        "The bridge would reopen in May",
        "gbridge",
    ),
    Sample(
        "s-ledger-2",
        "Ledger",
        "2026-02-10",
        "en",
        "Marta Saalberg",
        "quote",
        "Inflation will fall below two percent this year",
        "ginflation",
    ),
    Sample(
        "s-herald-1",
        "Herald",
        "2026-02-11",
        "en",
        "Marta Saalberg",
        "reported",
        "Inflation would fall below two percent this year",
        "ginflation",
    ),
    Sample(
        "s-wire-2",
        "Wire",
        None,
        "en",
        "Jon Bell",
        "statement",
        "We have no plans to close the <b>school</b> & pool",
        "gschool",
    ),
    Sample(
        "s-kurier-1",
        "Kurier",
        "2026-03-04",
        "de",
        "Ilse Varga",
        "quote",
        "Die Brücke bleibt bis Mai geschlossen",
        "gbruecke",
    ),
)


def sample_batch() -> tuple[list[ArticleDoc], list[ClaimGroup]]:
    """The samples as the indexer receives them: one article document and one claim group each."""
    articles: list[ArticleDoc] = []
    groups: list[ClaimGroup] = []
    for i, s in enumerate(SAMPLES):
        claim = Claim(
            claim_id=claim_id(s.article_id, s.text),
            article_id=s.article_id,
            kind=s.kind,
            speaker=s.speaker,
            text=s.text,
            span=(0, len(s.text)),
            sentence=0,
            cluster_id=s.cluster_id,
        )
        articles.append(
            ArticleDoc(
                article_id=s.article_id,
                outlet=s.outlet,
                title=f"{s.speaker}: {s.text}",
                published_at=s.published_at,
                submitted_ts=1000.0 + i,
                text=f"{s.speaker} said: {s.text}.",
                language=s.language,
                claim_count=1,
                claim_ids=[claim.claim_id],
            )
        )
        groups.append(
            ClaimGroup(
                block=s.speaker.split()[-1].lower(),
                article_id=s.article_id,
                outlet=s.outlet,
                published_at=s.published_at,
                submitted_ts=1000.0 + i,
                claims=[claim],
            )
        )
    return articles, groups
