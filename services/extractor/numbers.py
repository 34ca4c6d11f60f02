"""Quantities in a sentence, normalised: ``find_numbers("about 2,300 dockworkers")`` gives
``((2300.0, "dockworkers"),)``.

A quantity is a number (digits, or a number word up to "twenty", and their tens) with its unit:

- a percentage: ``4.75 percent``, ``4.75%``, ``0.2 percentage points`` -> ``(4.75, "percent")``,
  ``(0.2, "percentage points")``;
- money: ``$1.1 trillion``, ``£450 million``, ``3.5 million euros``, ``840 million marks`` ->
  ``(1.1e12, "USD")``, ``(4.5e8, "GBP")``, ``(3.5e6, "EUR")``, ``(8.4e8, "marks")``: the scale word
  is multiplied in and the currency named by a code when it has one;
- a count or a measure: ``five civilians``, ``16 people``, ``280 kilometres``, ``25 basis points``
  -> the number and the noun after it, lower-cased (two words for a few compound units).

Years ("in 2021"), days of the month ("April 1"), clock times ("6 a.m.") and ages or other
hyphenated modifiers ("a 63-year-old", "a 12-day stoppage") are not quantities of a statement
and are left out. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from services.extractor.wordtrie import alternation

_SCALE: Final = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6}
_CURRENCY_SIGN: Final = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY"}
_CURRENCY_WORD: Final = {
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "yen": "JPY",
    "rubles": "RUB",
    "roubles": "RUB",
    "hryvnias": "UAH",
    "marks": "marks",
}
_WORD_VALUES: Final = {
    w: float(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "hundred": 100.0, "dozens": 24.0, "dozen": 12.0}
_COMPOUND_UNITS: Final = frozenset(
    "percentage points|percentage point|basis points|basis point|cubic metres|cubic meters|"
    "square kilometres|square kilometers|square miles|square metres|square meters".split("|")
)
# Words after a number that make it something other than a quantity of a statement.
_NOT_UNITS: Final = frozenset(
    "a.m. p.m. am pm o'clock percent% and or to of the a an in on at by for from with per".split()
)
_SKIPPED_ADJECTIVES: Final = frozenset("more new additional other extra fewer further".split())
_MONTHS: Final = frozenset(
    "january february march april may june july august september october november december jan "
    "feb mar apr jun jul aug sep sept oct nov dec".split()
)

# A number and what may follow it, matched at a candidate position (see ``quantities``).
_NUMBER = re.compile(
    r"(?P<sign>[$£€¥])?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?i:"
    + "|".join(sorted(_WORD_VALUES, key=len, reverse=True))
    + r"))(?!\w|[.,]\d|-(?!(?:thousand|million|billion|trillion)\b))"
    r"(?:\s?(?P<pct>%|percent\b|per\s+cent\b))?"
    r"(?:[\s-]+(?P<scale>thousand|million|billion|trillion|bn)\b|(?<=\d)(?P<short>bn|m)\b)?"
    r"(?=(?P<after>(?:\s+[\w’'.-]+){0,3}))"
)
# Where a quantity may start: a digit or currency sign (a charset the engine skips to fast), or
# a number word (one trie, not a flat alternation).
_DIGIT = re.compile(r"[$£€¥\d][\d.,]*")
_WORDS = alternation({w for k in _WORD_VALUES for w in (k, k.capitalize())})
_NUMBER_WORD = re.compile(r"[\s(\[“\"—–/]((?:" + _WORDS + r"))(?![\w’'-])")  # a separator first: fast
_NUMBER_WORD_AT_START = re.compile(r"(?:" + _WORDS + r")(?![\w’'-])")
_NOT_BEFORE = frozenset(".,-$£€¥")
_YEAR = re.compile(r"1[89]\d\d|20\d\d")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity at ``[start, end)`` of a text: ``value`` in ``unit`` (see the module docstring)."""

    start: int
    end: int
    value: float
    unit: str


def quantities(text: str) -> list[Quantity]:
    """Every quantity of ``text`` in order, in one pass (an article's, looked up per claim)."""
    starts = [m.start(1) for m in _NUMBER_WORD.finditer(text)]
    if _NUMBER_WORD_AT_START.match(text):
        starts.append(0)
    for m in _DIGIT.finditer(text):
        i = m.start()
        if i == 0 or not (text[i - 1].isalnum() or text[i - 1] in _NOT_BEFORE):
            starts.append(i)
    out: list[Quantity] = []
    for i in sorted(starts):
        match = _NUMBER.match(text, i)
        found = _quantity(text, match) if match is not None else None
        if match is not None and found is not None:
            out.append(Quantity(match.start(), match.end(), *found))
    return out


def find_numbers(text: str, start: int = 0, end: int | None = None) -> tuple[tuple[float, str], ...]:
    """The quantities in ``text[start:end]`` as ``(value, unit)`` pairs, in order."""
    end = len(text) if end is None else end
    return tuple((q.value, q.unit) for q in quantities(text[start:end]))


def _quantity(text: str, m: re.Match[str]) -> tuple[float, str] | None:
    num = m.group("num")
    digits = num[0].isdigit()
    value = float(num.replace(",", "")) if digits else _WORD_VALUES[num.lower()]
    scale = m.group("scale") or m.group("short")
    if scale:
        value = round(value * _SCALE[scale.lower()], 6)  # 4.1 million is 4100000.0, not ...99995
    after = m.group("after").split()
    if m.group("pct"):
        return value, "percent"
    if m.group("sign"):
        return value, _CURRENCY_SIGN[m.group("sign")]
    if _date_or_time(text, m, num, after):
        return None
    unit = _unit(after)
    if unit is None:
        return None
    return value, _CURRENCY_WORD.get(unit, unit)


def _date_or_time(text: str, m: re.Match[str], num: str, after: list[str]) -> bool:
    """A year, a day of the month, a clock time or a hyphenated modifier ("12-day")."""
    before = text[max(0, m.start() - 12) : m.start()].split()
    if before and before[-1].lower().rstrip(".,") in _MONTHS:
        return True  # "April 1", "Sept. 11"
    if _YEAR.fullmatch(num) and not m.group("scale"):
        return True  # "in 2021", "since 1974"
    return bool(after) and (
        after[0].lower().strip(",;") in ("a.m.", "p.m.", "am", "pm") or after[0][:1] == "-"
    )


def _unit(after: list[str]) -> str | None:
    """The noun a number counts: the next word, or two for a compound unit."""
    words = [w.strip(",;:.!?”’\"'()").lower() for w in after]
    words = [w for w in words if w]
    if len(words) > 1 and words[0] in _SKIPPED_ADJECTIVES:
        words = words[1:]  # "12 more tugs"
    if not words:
        return None
    if len(words) > 1 and f"{words[0]} {words[1]}" in _COMPOUND_UNITS:
        return f"{words[0]} {words[1]}"
    if words[0] in _NOT_UNITS or not words[0].isalpha():
        return None
    return words[0]
