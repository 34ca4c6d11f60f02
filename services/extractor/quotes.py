"""Quotations: where they are, and a copy of the text without their words.

- ``find_quotes`` pairs quotation marks paragraph by paragraph: curly marks by shape, straight
  marks by what surrounds them, nested quotes inside the outer one. A paragraph that ends inside
  a quotation, followed by a paragraph that opens with a quotation mark, continues the same
  quotation (``Quote.chain``). Single quotes count only as British-style quotations (three words
  or more ending in punctuation: ``'We will go,' he said``), never as scare quotes.
- ``mask_quotes`` replaces quoted words by ``cues.MASK`` so that a cue verb or a name inside a
  quotation is never taken for the attribution frame around it (see ``attribution``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from services.extractor.cues import MASK


@dataclass(frozen=True, slots=True)
class Quote:
    """A top-level quotation: content ``[start, end)``, marks included ``[open, close)``;
    ``closed`` False when it runs to the end of its paragraph (then ``close == end``);
    quotations of one multi-paragraph quote share ``chain``."""

    start: int
    end: int
    closed: bool
    chain: int
    open: int
    close: int


_DOUBLE = re.compile(r"''|[\"“”]")  # '' is a double quote in some archives
_SINGLE = re.compile(r"(?<![\w’'])[‘'](?=[A-Za-z0-9])([^\n‘'\"“”]*?[^\s][,.?!])[’'](?![\w’'])")
_PARA = re.compile(r"[^\n]+")
_OPENERS_BEFORE = frozenset(" \t([{—–-/:;")


def find_quotes(text: str) -> list[Quote]:
    """Top-level quotations of ``text`` in order; see the module docstring."""
    quotes: list[Quote] = []
    chain = -1
    carry = False  # the previous paragraph ended inside a quotation
    for para in _PARA.finditer(text):
        ps, pe = para.start(), para.end()
        spans = _double_quotes(text, ps, pe)
        spans += _single_quotes(text, ps, pe, spans)
        spans.sort()
        for i, (qo, qs, qe, qc) in enumerate(spans):
            continues = carry and i == 0 and qo == _first_char(text, ps, pe)
            if not continues:
                chain += 1
            quotes.append(Quote(qs, qe, qc > qe, chain, qo, qc))
        carry = bool(spans) and spans[-1][3] == spans[-1][2]
    return quotes


def _first_char(text: str, ps: int, pe: int) -> int:
    i = ps
    while i < pe and text[i].isspace():
        i += 1
    return i


def _opens(text: str, i: int, j: int, ps: int, pe: int, depth: int) -> bool:
    """Whether the double quotation mark ``text[i:j]`` opens a quotation (``depth`` open)."""
    mark = text[i]
    before = text[i - 1] if i > ps else " "
    after = text[j] if j < pe else " "
    if mark == "“":
        return True
    if mark == "”":  # a closing shape used as an opener at the start of a paragraph
        return depth == 0 and i == _first_char(text, ps, pe) and after.isalnum()
    return before in _OPENERS_BEFORE and not after.isspace()


def _double_quotes(text: str, ps: int, pe: int) -> list[tuple[int, int, int, int]]:
    """(open mark, content start, content end, after close mark) of top-level quotations."""
    out: list[tuple[int, int, int, int]] = []
    depth = 0
    opened = start = ps
    for m in _DOUBLE.finditer(text, ps, pe):
        i = m.start()
        if _opens(text, i, m.end(), ps, pe, depth):
            if depth == 0:
                opened, start = i, m.end()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                out.append((opened, start, i, m.end()))
    if depth > 0:
        end = pe
        while end > start and text[end - 1].isspace():
            end -= 1
        out.append((opened, start, end, end))
    return out


def _single_quotes(
    text: str, ps: int, pe: int, doubles: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    out: list[tuple[int, int, int, int]] = []
    if text.find("'", ps, pe) < 0 and text.find("‘", ps, pe) < 0:
        return out  # cheap test first: most paragraphs have no single quote at all
    for m in _SINGLE.finditer(text, ps, pe):
        qs, qe = m.span(1)
        if len(m.group(1).split()) < 3:
            continue
        if any(do <= qs and qe <= dc for do, _, _, dc in doubles):
            continue
        out.append((m.start(), qs, qe, m.end()))
    return out


def mask_quotes(text: str, quotes: Sequence[Quote]) -> str:
    """``text`` with each quotation's content replaced by ``MASK`` (same length, marks kept)."""
    parts: list[str] = []
    pos = 0
    for q in quotes:
        parts.append(text[pos : q.start])
        parts.append(MASK * (q.end - q.start))
        pos = q.end
    parts.append(text[pos:])
    return "".join(parts)
