"""Language identification of cleaned article text with py3langid.

Contract: ``detect_language(text)`` returns an ISO 639-1 code, or None when the text has too few
letters to tell. Only a bounded prefix is classified: py3langid walks its model byte by byte in
Python (about 0.3 µs per byte here), so the whole article would cost more than everything else
the cleaner does, while a few hundred characters of news prose are plenty. And since most of
the stream is English news, a text that is unmistakably English (in its first ENGLISH_SAMPLE
characters, "the", "of" or "and", and English function words making ENGLISH_MIN_SHARE of all
words) is labelled "en" without the model at all; every other text goes to py3langid. The
model (~1 s to load) is loaded once, on first use; call ``warm_up()`` at service start to pay
that up front.
"""

from __future__ import annotations

import functools
import re
from typing import Any

SAMPLE_CHARS = 240  # classified prefix: ~80 µs, and plenty for news prose
MIN_LETTERS = 24  # fewer letters than this: too short to tell
MIN_CONFIDENCE = 0.5  # normalised probability below which we abstain

_LETTER = re.compile(r"[^\W\d_]")
# Frequent English function words that other Latin-script languages do not use as words
# (or not all together); "the" must be among them.
_ENGLISH = frozenset(
    "the of and to in is that for on with was said by as at from it its his her has have had "
    "be are were will would he she they not an this which who".split()
)
ENGLISH_SAMPLE = 600  # chars; splitting them costs a few µs
ENGLISH_MIN_WORDS = 20
ENGLISH_MIN_SHARE = 0.15  # news leads are dense with names: ~15-25% here, ~40% in body prose


@functools.cache
def _identifier() -> Any:
    # Imported here so that importing the cleaner stays cheap for code that never detects.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def warm_up() -> None:
    """Load the model now rather than on the first article."""
    _identifier()


def sample(text: str) -> str:
    """The prefix of ``text`` that is classified: SAMPLE_CHARS, cut back to a word boundary."""
    if len(text) <= SAMPLE_CHARS:
        return text
    cut = text.rfind(" ", 0, SAMPLE_CHARS)
    return text[: cut if cut > SAMPLE_CHARS // 2 else SAMPLE_CHARS]


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None if too short or too unsure to tell."""
    head = sample(text)
    if len(_LETTER.findall(head)) < MIN_LETTERS:
        return None
    if _obviously_english(text[:ENGLISH_SAMPLE]):
        return "en"
    lang, confidence = _identifier().classify(head)
    return str(lang) if confidence >= MIN_CONFIDENCE else None


def _obviously_english(sample: str) -> bool:
    words = sample.lower().split()
    if len(words) < ENGLISH_MIN_WORDS or "the" not in words:
        return False
    if "of" not in words and "and" not in words:
        return False
    hits = sum(1 for w in words if w in _ENGLISH)
    return hits >= ENGLISH_MIN_SHARE * len(words)
