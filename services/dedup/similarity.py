"""Are two claim texts the same statement? A lexical decision on normalised tokens."""

from __future__ import annotations

from dataclasses import dataclass

from services.dedup.normalize import STOPWORDS, tokens

THRESHOLD = 0.6


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float
    duplicate: bool
    features: dict[str, float]


def score_tokens(a: tuple[str, ...], b: tuple[str, ...]) -> PairScore:
    """Content-word Jaccard blended with containment; numbers must agree."""
    ca = {t for t in a if t not in STOPWORDS}
    cb = {t for t in b if t not in STOPWORDS}
    if not ca or not cb:
        return PairScore(0.0, False, {})
    inter = len(ca & cb)
    jac = inter / len(ca | cb)
    cont = inter / min(len(ca), len(cb))
    nums_a = {t for t in ca if t.isdigit()}
    nums_b = {t for t in cb if t.isdigit()}
    score = 0.5 * jac + 0.5 * cont
    if nums_a != nums_b:
        score *= 0.5
    return PairScore(score, score >= THRESHOLD, {"jaccard": jac, "containment": cont})


def score_pair(a: str, b: str) -> PairScore:
    return score_tokens(tokens(a), tokens(b))
