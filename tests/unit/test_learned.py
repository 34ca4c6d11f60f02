"""Learned per-outlet boilerplate: a footer repeated across an outlet's articles goes."""

from __future__ import annotations

from services.cleaner.learned import LearnPolicy, learned, observe
from services.cleaner.stage import clean_learning
from shared.records import FetchedArticle

FOOTER = "The Quarry Herald is owned by its readers since 1921\nFollow the Herald on every platform today"


TOPICS = ("quarry road", "harbour wall", "school roof", "tram depot", "river bridge", "town library")


def _article(i: int, outlet: str = "Quarry Herald") -> FetchedArticle:
    # Lines differing only in digits share a fingerprint, so articles differ in words.
    topic = TOPICS[i % len(TOPICS)]
    body = (
        f"The council voted on the plan for the {topic}.\n"
        f"Councillor Mira Olsen said the {topic} would reopen soon.\n{FOOTER}"
    )
    return FetchedArticle(article_id=f"q{i}", outlet=outlet, submitted_ts=1.0, source="text", text=body)


def test_footer_is_learned_after_enough_articles_of_one_outlet() -> None:
    state: dict[str, dict[str, object]] = {}
    policy = LearnPolicy(min_articles=3, min_share=0.5)
    cleaned = [clean_learning(_article(i), state, policy) for i in range(5)]
    assert "owned by its readers" in cleaned[0].text and "owned by its readers" in cleaned[1].text
    for article in cleaned[2:]:
        assert "owned by its readers" not in article.text
        assert "Follow the Herald" not in article.text
        assert "Mira Olsen said" in article.text
        assert article.removed.get("outlet-learned", 0) >= 1
    # Another outlet has learned nothing.
    other = clean_learning(_article(9, outlet="Lakeside Post"), state, policy)
    assert "owned by its readers" in other.text


def test_state_is_bounded_and_pruned_deterministically() -> None:
    policy = LearnPolicy(min_articles=2, min_share=0.5, max_lines=10)
    state = None
    for i in range(30):
        words = " ".join(TOPICS[j % len(TOPICS)] for j in range(i, i + 3))
        state = observe(
            state, f"Line about the {words} number {chr(97 + i % 26)}{i // 26}.\nShared footer", policy
        )
    assert state is not None and len(state["fp"]) <= 10 and state["n"] == 30
    assert len(learned(state, policy)) == 1  # only the footer recurs in most articles
