"""Turn raw article text into clean paragraphs, sentence offsets and a language.

Contract: ``clean(text, title=..., learned=...)`` normalises ``text`` (see ``normalize.py``),
splits it into lines, drops blank lines and boilerplate lines, and returns the kept lines joined
by "\\n" together with sentence spans into that text, its language and every removed line with
a short stable reason code. Lines are removed whole, never edited, so every kept sentence is
exactly as the outlet wrote it (after normalisation). Pure and fast: no I/O after import
except the lazy load of the language model.

Which lines go, in order of precedence:
1. a line matching a rules.toml family (reason = the family's reason);
2. a line with no letter or digit ("empty");
3. a line whose fingerprint is in ``learned`` ("outlet-learned");
4. with context, in this order: short headline lines after a bare "Read more" marker
   ("see-also") and paragraphs continuing an appeal in the same voice ("donation-appeal"); the
   title repeated near the top ("title-repeat") and short verbless lines at the head or tail of
   the text ("short-edge-line"); a body line that is only a capitalised name ("caption").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from shared.sentences import split_sentences

from . import boilerplate as bp
from . import language
from .language import detect_language
from .normalize import normalize

# Lines counted for per-outlet learning are at most this long: boilerplate is short, and a
# longer paragraph that recurs (a stock background paragraph in a running story) is content.
CANDIDATE_MAX_CHARS = 200
# The title repeat is looked for among the first few kept lines only (after breadcrumbs, dates).
TITLE_SEARCH_LINES = 4
# A title may carry an outlet suffix ("<title> | Outlet") of at most this many words.
TITLE_SUFFIX_MAX_WORDS = 5
# A line that is only part of the title must have at least this many words to count.
TITLE_PART_MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class Removal:
    """A removed line, as it was after normalisation, and why it went."""

    line: str
    reason: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The result of ``clean``: see the module docstring."""

    text: str  # cleaned text, paragraphs separated by "\n"
    sentences: tuple[tuple[int, int], ...]  # (start, end) char offsets into `text`
    language: str | None  # ISO 639-1 code, None when too short to tell
    removed: tuple[Removal, ...]


def clean(text: str, *, title: str | None = None, learned: frozenset[str] = frozenset()) -> Cleaned:
    """Clean one article; see the module docstring for what is removed and why."""
    lines = [line for line in normalize(text).split("\n") if line]
    families = bp.match_lines(lines)
    reasons = [_line_reason(ln, fam, learned) for ln, fam in zip(lines, families, strict=True)]
    _extend(lines, families, reasons)
    _edges(lines, reasons, _words_key(normalize(title)) if title else "")
    _lone_names(lines, reasons)
    kept = "\n".join(line for line, why in zip(lines, reasons, strict=True) if why is None)
    removed = tuple(Removal(ln, why) for ln, why in zip(lines, reasons, strict=True) if why)
    return Cleaned(kept, tuple(split_sentences(kept)), detect_language(kept), removed)


def warm_up() -> None:
    """Load the language model and compile every rule regex now (~2 s), not on first articles.

    Optional: ``clean`` does both lazily; a service calls this once at start so that the first
    messages are not slow.
    """
    bp.RULES.ungated.compile_all()
    language.warm_up()


def line_fingerprint(line: str) -> str:
    """Stable 16-hex-digit fingerprint of a normalised line.

    Case, punctuation and spacing are ignored and digit runs are folded to "0", so
    "© 2015 Outlet" and "©2016 OUTLET." share a fingerprint across articles and years.
    """
    key = _DIGITS.sub("0", _words_key(line))
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def candidate_lines(text: str) -> list[str]:
    """The normalised lines of an article that per-outlet learning may count.

    Non-empty lines of at most CANDIDATE_MAX_CHARS characters, in order, duplicates kept; their
    ``line_fingerprint`` values are what ``clean(learned=...)`` expects.
    """
    return [ln for ln in normalize(text).split("\n") if ln and len(ln) <= CANDIDATE_MAX_CHARS]


_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")


def _words_key(line: str) -> str:
    return " ".join(_WORD.findall(line.lower()))


def _line_reason(line: str, fam: bp.Family | None, learned: frozenset[str]) -> str | None:
    """Context-free verdict on one line (rules 1-3 of the module docstring)."""
    if fam is not None:
        return fam.reason
    if bp.is_empty(line):
        return "empty"
    if learned and len(line) <= CANDIDATE_MAX_CHARS and line_fingerprint(line) in learned:
        return "outlet-learned"
    return None


def _extend(lines: Sequence[str], families: Sequence[bp.Family | None], reasons: list[str | None]) -> None:
    """Extend removals that announce more of the same: links after a marker, appeal paragraphs."""
    i = 0
    while i < len(lines):
        fam = families[i]
        i += 1
        if fam is None or fam.then is None:
            continue
        headlines = fam.then == "headlines"
        budget = bp.LIMITS["headlines_after_marker" if headlines else "appeal_max_paragraphs"]
        follows = bp.is_headline if headlines else bp.is_appeal_voice
        while i < len(lines) and budget > 0 and (reasons[i] is not None or follows(lines[i])):
            if reasons[i] is None:
                reasons[i] = fam.reason
                budget -= 1
            i += 1


def _lone_names(lines: Sequence[str], reasons: list[str | None]) -> None:
    """A body line that is only a capitalised name is a photo caption ("Jane Doe")."""
    for i, line in enumerate(lines):
        if reasons[i] is None and bp.is_lone_name(line):
            reasons[i] = "caption"


def _edges(lines: Sequence[str], reasons: list[str | None], title_key: str) -> None:
    """Drop the title repeat near the top, and verbless short lines at both ends."""
    seen = 0
    rest = title_key  # what of the title is still to be found; titles may span two lines
    for i, line in enumerate(lines):
        if reasons[i] is not None:
            continue
        after = _title_part(line, rest) if rest and seen < TITLE_SEARCH_LINES else None
        if after is not None:
            reasons[i], rest = "title-repeat", after
        elif bp.is_edge_junk(line):
            reasons[i] = "short-edge-line"
        else:
            break
        seen += 1
    for i in range(len(lines) - 1, -1, -1):
        if reasons[i] is not None:
            continue
        if not bp.is_edge_junk(lines[i]):
            break
        reasons[i] = "short-edge-line"


def _title_part(line: str, title_key: str) -> str | None:
    """If ``line`` repeats (the start of) the title, what of the title remains; else None.

    Punctuation and case are ignored; the line may add an outlet suffix or prefix of a few
    words ("<title> | Outlet"), or hold only the title's first part (headline, then subhead).
    """
    key = _words_key(line)
    if not key:
        return None
    if key == title_key:
        return ""
    if title_key.startswith(key + " ") and key.count(" ") >= TITLE_PART_MIN_WORDS - 1:
        return title_key[len(key) + 1 :]
    if title_key.count(" ") >= TITLE_PART_MIN_WORDS - 1 and f" {title_key} " in f" {key} ":
        extra = f" {key} ".replace(f" {title_key} ", " ", 1).split()
        return "" if len(extra) <= TITLE_SUFFIX_MAX_WORDS else None
    return None
