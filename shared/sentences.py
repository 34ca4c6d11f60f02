"""Sentence segmentation with character offsets into the text it is given.

Contract: ``split_sentences(text)`` returns ``(start, end)`` pairs, in order, non-overlapping,
each ``text[start:end]`` a sentence with surrounding whitespace excluded. Paragraph breaks
(newlines) always end a sentence.
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace and
# an upper-case letter, digit or opening quote. Common abbreviations are not ends.
_END = re.compile(r"""[.!?]+["'\u201d\u2019)\]]*(?=\s+["'\u201c\u2018(\[]?[A-Z0-9])""")
_ABBREV = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt gov sen rep rev st jr sr inc ltd co corp no vs "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e".split()
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans; see the module docstring for the contract."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        chunk = para.group()
        cut = 0
        for m in _END.finditer(chunk):
            word = re.search(r"([\w.]+)\.?$", chunk[cut : m.start() + 1])
            if word and word.group(1).lower().rstrip(".") in _ABBREV and m.group()[0] == ".":
                continue
            _add(spans, text, start + cut, start + m.end())
            cut = m.end()
        _add(spans, text, start + cut, para.end())
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
