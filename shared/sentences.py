"""Sentence segmentation with character offsets into the text it is given.

Contract: ``split_sentences(text)`` returns ``(start, end)`` pairs, in order, non-overlapping,
each ``text[start:end]`` a sentence with surrounding whitespace excluded. Paragraph breaks
(newlines) always end a sentence.

A sentence ends at ``.``, ``!``, ``?`` or an ellipsis, together with any closing quotes or
brackets that follow it, when whitespace and an upper-case letter or digit (possibly behind an
opening quote or bracket) come next. Not ends: titles and other abbreviations ("Mr.", "Gov.",
"Sept. 11"), initials ("Charles E. Grassley"), and dotted acronyms ("U.S.", "a.m.", "J.F.K.")
unless the next word is one that typically opens a sentence ("in the U.S. The ...").
Quotes that span sentences are split like any other text: each sentence of a quotation is its
own span, and a closing quote after the final period belongs to the sentence it closes. A
question or exclamation in quotes followed by its attribution ('"Why?" Clinton asked.') is one
sentence.
"""

from __future__ import annotations

import re

# A candidate end: terminal punctuation plus trailing closers, before whitespace and a capital or
# digit (an opening quote or bracket may come first).
_END = re.compile(r"""(?:\.\.\.|…|[.!?]+)["'\u201d\u2019)\]]*(?=\s+["'\u201c\u2018(\[]*([A-Z0-9][\w'’-]*))""")
_PARA = re.compile(r"[^\n]+")
# An attribution right after a closing quotation mark: a name (or pronoun) and a speech verb.
_ATTRIBUTION = re.compile(
    r"\s+(?:(?:[A-Z][\w.'’-]*|he|she|they|it)\s+){1,4}(?:said|says|asked|asks|added|adds|told|"
    r"tells|wrote|writes|continued|explained|replied|noted|recalled|warned|insisted|argued)\b"
)
# The token that a lone period follows: letters, dots, apostrophes, hyphens.
_TOKEN = re.compile(r"[\w.'’&-]*\w$")

# Abbreviations that precede a name or a number and so never end a sentence.
_TITLES = frozenset(
    "mr mrs ms messrs dr prof gen gens col lt sgt capt cmdr adm maj gov govs sen sens rep reps "
    "rev fr st mt ft pres supt det atty amb hon jr sr inc ltd co corp bros vs v etc approx dept "
    "est fig".split()
)
# Abbreviations that only precede a number ("No. 1", "Sept. 11", "Vol. 3").
_BEFORE_NUMBER = frozenset("no nos vol pp p art jan feb mar apr jun jul aug sep sept oct nov dec".split())
# US state abbreviations (AP style): an end only when a sentence-opening word follows.
_STATES = frozenset(
    "Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Ky La Md Mass Mich Minn Miss Mo Mont "
    "Neb Nev Okla Ore Pa Tenn Va Vt Wash Wis Wyo".split()
)
# Words that typically open a sentence: after an acronym or initial they signal a real end.
_STARTERS = frozenset(
    "The A An He She It They We I You But And Or In On At This That These Those There Here His "
    "Her Their Its Our My Your As After Before When While If So Yet Still However Now Then "
    "Meanwhile For With Some Many Most Other One No Not What Why How Who Last Since By According "
    "Asked Under Despite Although Though Earlier Later Also Both Each Such Even Only".split()
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans; see the module docstring for the contract."""
    spans: list[tuple[int, int]] = []
    for para in _PARA.finditer(text):
        start = para.start()
        chunk = para.group()
        cut = 0
        for m in _END.finditer(chunk):
            if not _is_end(chunk, m):
                continue
            _add(spans, text, start + cut, start + m.end())
            cut = m.end()
        _add(spans, text, start + cut, para.end())
    return spans


def _is_end(chunk: str, m: re.Match[str]) -> bool:
    """Whether the candidate end ``m`` really ends a sentence (abbreviation checks)."""
    mark = m.group()
    if mark[0] in "?!" and mark[-1] in "\"”’'" and _ATTRIBUTION.match(chunk, m.end()):
        return False  # '"Why?" Clinton asked.': the attribution belongs to the quotation
    if not mark.startswith(".") or mark.startswith("..") or len(mark.rstrip("\"'”’)]")) > 1:
        return True  # "!", "?", an ellipsis or ".." are not abbreviation periods
    if len(mark) > 1:
        return True  # a closing quote or bracket after the period: the sentence is closed
    tok = _TOKEN.search(chunk, max(0, m.start() - 40), m.start())
    if tok is None:
        return True
    word = tok.group()
    nxt = m.group(1)
    low = word.lower()
    if low in _TITLES:
        return False
    if low in _BEFORE_NUMBER:
        return not nxt[0].isdigit()
    if (len(word) == 1 and word.isupper()) or "." in word or word in _STATES:
        return nxt in _STARTERS  # initial, acronym or state: only before a typical opener
    return True


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
