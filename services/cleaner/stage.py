"""Cleaner: article text in, boilerplate-free normalised text with sentence offsets out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from services.cleaner.clean import clean, warm_up
from shared.records import CleanedArticle, FetchedArticle
from shared.topics import CLEANED, FETCHED
from shared.worker import Out, Rejected, Source, Stage


def clean_article(article: FetchedArticle, learned: frozenset[str] = frozenset()) -> CleanedArticle:
    """Clean one article; ``learned`` holds fingerprints of its outlet's recurring lines.

    Raises Rejected("empty-after-cleaning") when nothing of the article is left.
    """
    result = clean(article.text, title=article.title, learned=learned)
    if not result.text.strip():
        raise Rejected("empty-after-cleaning", "no text left after removing boilerplate")
    meta = article.model_dump(include=set(CleanedArticle.model_fields) - {"text", "language"})
    return CleanedArticle(
        **meta,
        text=result.text,
        sentences=list(result.sentences),
        language=result.language or article.language,
        removed=dict(Counter(r.reason for r in result.removed)),
    )


class Cleaner(Stage[FetchedArticle]):
    name = "cleaner"
    source = FETCHED
    input_model = FetchedArticle
    outputs = (CLEANED,)

    async def start(self) -> None:
        warm_up()  # load the language model and compile the rules before the first article

    async def process(self, record: FetchedArticle, source: Source) -> Sequence[Out]:
        cleaned = clean_article(record)
        return [Out(CLEANED, cleaned.article_id, cleaned)]
