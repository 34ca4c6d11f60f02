"""Cleaner: article text in, boilerplate-free normalised text with sentence offsets out."""

from __future__ import annotations

from collections import Counter
from collections.abc import MutableMapping, Sequence
from typing import Any

import faust

from services.cleaner.clean import clean, warm_up
from services.cleaner.learned import LearnPolicy, OutletState, learned, observe
from shared.records import CleanedArticle, FetchedArticle
from shared.settings import Settings
from shared.topics import CLEANED, FETCHED, OUTLET_LINES
from shared.worker import Out, Rejected, Source, Stage

OutletStates = MutableMapping[str, OutletState]


def policy(settings: Settings) -> LearnPolicy:
    return LearnPolicy(settings.learn_min_articles, settings.learn_min_share, settings.learn_max_lines)


def clean_article(article: FetchedArticle, learned: frozenset[str] = frozenset()) -> CleanedArticle:
    """Clean one article; ``learned`` holds fingerprints of its outlet's recurring lines.

    Raises Rejected("empty-after-cleaning") when nothing of the article is left.
    """
    result = clean(article.text, title=article.title, learned=learned)
    if not result.text.strip():
        raise Rejected("empty-after-cleaning", "no text left after removing boilerplate")
    # The metadata is read field by field: ``model_dump(include=...)`` cost more than cleaning
    # some articles.
    return CleanedArticle(
        **{name: getattr(article, name) for name in _META},
        text=result.text,
        sentences=list(result.sentences),
        language=result.language or article.language,
        removed=dict(Counter(r.reason for r in result.removed)),
    )


# What a cleaned article carries over from the fetched one as it is.
_META = tuple(set(CleanedArticle.model_fields) - {"text", "sentences", "language", "removed"})


def clean_learning(article: FetchedArticle, state: OutletStates, policy: LearnPolicy) -> CleanedArticle:
    """Clean with the outlet's learned boilerplate, after counting this article's lines."""
    key = article.outlet or ""
    if not key:
        return clean_article(article)
    state[key] = observe(state.get(key), article.text, policy)
    return clean_article(article, learned(state[key], policy))


class Cleaner(Stage[FetchedArticle]):
    name = "cleaner"
    source = FETCHED
    input_model = FetchedArticle
    outputs = (CLEANED,)
    table: Any = None

    def bind(self, app: faust.App) -> None:
        # Keyed by outlet like the source topic; the changelog restores it after a restart.
        self.table = app.Table(OUTLET_LINES.name, default=None, partitions=self.settings.partitions)

    async def start(self) -> None:
        warm_up()  # load the language model and compile the rules before the first article

    async def process(self, record: FetchedArticle, source: Source) -> Sequence[Out]:
        cleaned = clean_learning(record, self.table, policy(self.settings))
        return [Out(CLEANED, cleaned.article_id, cleaned)]
