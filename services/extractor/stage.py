"""Extractor: cleaned article in; its claims, grouped by speaker block, and its document out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from services.dedup.speakers import block_key
from services.extractor.extract import extract_claims
from shared.ids import claim_id
from shared.records import ArticleDoc, Claim, ClaimGroup, CleanedArticle
from shared.topics import CLEANED, EXTRACTED_ARTICLES, EXTRACTED_CLAIMS
from shared.worker import Out, Source, Stage


def article_claims(article: CleanedArticle) -> list[Claim]:
    """The article's claims with stable ids (see ``shared.ids.claim_id``)."""
    seen: Counter[str] = Counter()
    claims = []
    for c in extract_claims(article.text, article.sentences):
        occurrence = seen[c.text]
        seen[c.text] += 1
        claims.append(
            Claim(
                claim_id=claim_id(article.article_id, c.text, occurrence),
                article_id=article.article_id,
                kind=c.kind,  # type: ignore[arg-type]
                speaker=c.speaker,
                speaker_title=c.speaker_title,
                numbers=list(c.numbers),
                cue=c.cue,
                text=c.text,
                span=(c.start, c.end),
                sentence=c.sentence,
            )
        )
    return claims


def group_claims(article: CleanedArticle, claims: list[Claim]) -> list[ClaimGroup]:
    """One group per speaker block key, in order of first appearance (dedup partitions by it)."""
    groups: dict[str, list[Claim]] = {}
    for claim in claims:
        groups.setdefault(block_key(claim.speaker), []).append(claim)
    return [
        ClaimGroup(
            block=block,
            article_id=article.article_id,
            outlet=article.outlet,
            published_at=article.published_at,
            submitted_ts=article.submitted_ts,
            claims=members,
        )
        for block, members in groups.items()
    ]


def to_doc(article: CleanedArticle, claims: list[Claim]) -> ArticleDoc:
    meta = article.model_dump(exclude={"sentences", "schema_version"})
    return ArticleDoc(**meta, claim_count=len(claims), claim_ids=[c.claim_id for c in claims])


class Extractor(Stage[CleanedArticle]):
    name = "extractor"
    source = CLEANED
    input_model = CleanedArticle
    outputs = (EXTRACTED_CLAIMS, EXTRACTED_ARTICLES)

    async def process(self, record: CleanedArticle, source: Source) -> Sequence[Out]:
        claims = article_claims(record)
        outs = [Out(EXTRACTED_CLAIMS, g.block, g) for g in group_claims(record, claims)]
        outs.append(Out(EXTRACTED_ARTICLES, record.article_id, to_doc(record, claims)))
        return outs
