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
from collections.abc import Iterator

# A break: a newline, or a candidate end (terminal punctuation plus trailing closers, before
# spaces and a capital or digit, possibly behind an opening quote or bracket).
_BREAK = re.compile(
    r"""(?=[\n.!?…])(?:\n|(?:\.\.\.|…|[.!?]+)["'\u201d\u2019)\]]*(?=[ \t\r\f\v\u00a0]+["'\u201c\u2018(\[]*"""
    r"""([A-Z0-9][\w'’-]*)))"""
)
_BREAK_START = re.compile(r"[\n.!?…]")  # where a _BREAK match can begin
_TOKEN_CHARS = frozenset(".'’&-")
# An attribution right after a closing quotation mark: a name (or pronoun) and a speech verb.
_ATTRIBUTION = re.compile(
    r"\s+(?:(?:[A-Z][\w.'’-]*|he|she|they|it)\s+){1,4}(?:said|says|asked|asks|added|adds|told|"
    r"tells|wrote|writes|continued|explained|replied|noted|recalled|warned|insisted|argued)\b"
)

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
    cut = 0
    for m in _breaks(text):
        if m.group() == "\n":
            _add(spans, text, cut, m.start())
            cut = m.end()
        elif _is_end(text, m):
            _add(spans, text, cut, m.end())
            cut = m.end()
    _add(spans, text, cut, len(text))
    return spans


def _breaks(text: str) -> Iterator[re.Match[str]]:
    """``_BREAK.finditer(text)``, faster: the regex is tried only where a break can start (a
    scan for one character class runs at C speed; finditer tries the whole pattern at every
    position)."""
    resume = 0
    match = _BREAK.match
    for c in _BREAK_START.finditer(text):
        if c.start() >= resume and (m := match(text, c.start())) is not None:
            resume = m.end()
            yield m


def _is_end(text: str, m: re.Match[str]) -> bool:
    """Whether the candidate end ``m`` really ends a sentence (abbreviation checks)."""
    mark = m.group()
    if mark[0] in "?!" and mark[-1] in "\"”’'" and _ATTRIBUTION.match(text, m.end()):
        return False  # '"Why?" Clinton asked.': the attribution belongs to the quotation
    if not mark.startswith(".") or mark.startswith("..") or len(mark.rstrip("\"'”’)]")) > 1:
        return True  # "!", "?", an ellipsis or ".." are not abbreviation periods
    if len(mark) > 1:
        return True  # a closing quote or bracket after the period: the sentence is closed
    word = _word_before(text, m.start())
    if not word:
        return True
    nxt = m.group(1)
    low = word.lower()
    if low in _TITLES:
        return False
    if low in _BEFORE_NUMBER:
        return not nxt[0].isdigit()
    if (len(word) == 1 and word.isupper()) or "." in word or word in _STATES:
        return nxt in _STARTERS  # initial, acronym or state: only before a typical opener
    return True


def _word_before(text: str, end: int) -> str:
    """The token ending at ``end``: letters, digits, dots, apostrophes, "&" and hyphens."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in _TOKEN_CHARS):
        start -= 1
    while start < end and not text[start].isalnum():
        start += 1
    return text[start:end]


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
