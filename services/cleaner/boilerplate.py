"""Recognise boilerplate lines with the rules in ``rules.toml``.

Contract: functions here look at normalised lines (see ``normalize.py``) and are pure.
``match(line)`` returns the rule family that makes the line boilerplate, or None, and
``match_lines(lines)`` does the same for all lines of one article at once; the structural
predicates (``is_headline``, ``is_edge_junk``, ``is_lone_name``, ``is_appeal_voice``,
``is_empty``) are the context-free halves of the rules that ``clean.py`` applies with context
(after a marker, at the text's edges, inside an appeal).

Speed: the rules file is read once, at import. Python's re tries alternatives one by one and
has no fast scan for many literals, so a naive combined regex costs more per paragraph than the
rest of the cleaner. Hence two mechanisms. Patterns anchored at the line start ("ungated") are
tried on a line only if their family allows the line's length and they can start with its first
character (worked out from the parsed pattern); the matching subset is merged into one regex,
compiled on first use and cached. Other patterns are gated by needles, words (or symbols) of
which one must occur in the line; the article's word set is computed once with C-level string
methods and intersected with the needle index. And a short line's verdict, which depends on the
line alone, is remembered: an outlet's share bars and footers are decided once, not per article.
"""

from __future__ import annotations

import bisect
import importlib
import itertools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True, slots=True)
class Family:
    """One group of patterns from rules.toml: the reason code and how it is applied."""

    reason: str
    kind: str  # "line": whole line must match; "phrase": anywhere, in appeal voice only
    max_chars: int
    then: str | None  # "headlines" | "appeal" | None: what else goes after such a line


@dataclass(frozen=True, slots=True)
class Gated:
    """A pattern of one family that is tried only when one of its needles is in the line."""

    family: int
    regex: re.Pattern[str]


# An article's needles: (needle, indices into Rules.gated.patterns, into Rules.phrases.patterns).
Needles = list[tuple[str, tuple[int, ...], tuple[int, ...]]]


@dataclass(frozen=True, slots=True)
class GateIndex:
    """Gated patterns (in family order) and which needles make each worth trying."""

    patterns: tuple[Gated, ...]
    by_word: dict[bytes, tuple[int, ...]]  # needle word -> indices into patterns
    by_symbol: tuple[tuple[str, tuple[int, ...]], ...]  # needle symbol -> indices

    def needles_in(self, words: set[bytes], text: str) -> dict[str, tuple[int, ...]]:
        """The needles present in an article (its ``words``, its ``text``), with their patterns."""
        found = {w.decode(): self.by_word[w] for w in self.by_word.keys() & words}
        found.update((symbol, hits) for symbol, hits in self.by_symbol if symbol in text)
        return found

    def pick(self, hits: set[int]) -> list[Gated]:
        """The patterns with indices ``hits``, in file order."""
        return [self.patterns[k] for k in sorted(hits)]


@dataclass(frozen=True, slots=True)
class Ungated:
    """Line patterns anchored at the line start, dispatched by line length and first character."""

    entries: tuple[tuple[int, int, str, frozenset[str] | None], ...]  # family, max, re, starts
    limits: tuple[int, ...]  # ascending distinct max_chars of the entries
    starts: frozenset[str]  # every start key some entry names
    # (tier, start key) -> merged regex, filled on first use. Compiling all ~40 x 6 up front
    # would add a second to every import; a race between threads at worst compiles one twice.
    cache: dict[tuple[int, str], re.Pattern[str] | None]

    def match(self, line: str) -> int | None:
        """Index of the first family whose ungated patterns match all of ``line``, or None."""
        tier = bisect.bisect_left(self.limits, len(line))
        if tier == len(self.limits) or not line:
            return None
        start = _start_key(line[0])
        slot = (tier, start if start in self.starts else "")
        if slot not in self.cache:
            self.cache[slot] = self._merged(*slot)
        regex = self.cache[slot]
        m = regex.fullmatch(line) if regex is not None else None
        if m is None or m.lastgroup is None:
            return None
        return int(m.lastgroup[1:])  # every alternative sits in a named group f<index>

    def compile_all(self) -> None:
        """Fill the cache now (about a second) rather than over the first articles."""
        for tier in range(len(self.limits)):
            for start in (*self.starts, ""):
                if (tier, start) not in self.cache:
                    self.cache[tier, start] = self._merged(tier, start)

    def _merged(self, tier: int, start: str) -> re.Pattern[str] | None:
        by_family: dict[int, list[str]] = {}
        for family, max_chars, pattern, starts in self.entries:
            if max_chars >= self.limits[tier] and (starts is None or start in starts):
                by_family.setdefault(family, []).append(pattern)
        parts = [f"(?P<f{i}>{'|'.join(ps)})" for i, ps in by_family.items()]
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@dataclass(frozen=True, slots=True)
class Rules:
    """The compiled rules (see the module docstring)."""

    families: tuple[Family, ...]
    ungated: Ungated
    gated: GateIndex  # gated line patterns
    phrases: GateIndex  # phrase families' patterns
    limits: dict[str, int]
    decided: dict[str, Family | None] = field(default_factory=dict)  # see match_lines


def load_rules(path: Path = RULES_PATH) -> Rules:
    """Read and compile a rules file (see the header of rules.toml for its format)."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    defines = _expand_defines(data.get("define", {}))
    families: list[Family] = []
    ungated: list[tuple[int, int, str, frozenset[str] | None]] = []
    gated: list[tuple[tuple[str, ...], Gated]] = []
    phrases: list[tuple[tuple[str, ...], Gated]] = []
    for i, raw in enumerate(data["family"]):
        fam = _family(raw, data["limits"])
        families.append(fam)
        plain, needled = _split_patterns(raw, defines)
        if fam.kind == "phrase":
            if plain:
                raise ValueError(f"rules.toml: phrase patterns of {fam.reason!r} need needles")
            phrases += [(nd, Gated(i, re.compile(p, re.I))) for nd, p in needled]
            continue
        ungated += [(i, fam.max_chars, p, _start_keys(p)) for p in plain]
        gated += [(nd, Gated(i, re.compile(p, re.I))) for nd, p in needled]
    starts = frozenset(k for *_, ks in ungated if ks for k in ks)
    limits = tuple(sorted({max_chars for _, max_chars, _, _ in ungated}))
    return Rules(
        families=tuple(families),
        ungated=Ungated(tuple(ungated), limits, starts, {}),
        gated=_gate_index(gated),
        phrases=_gate_index(phrases),
        limits=dict(data["limits"]),
    )


def _split_patterns(
    raw: dict[str, Any], defines: dict[str, str]
) -> tuple[list[str], list[tuple[tuple[str, ...], str]]]:
    """A family's patterns as (ungated alternatives, [(needles, pattern)])."""
    family_needles = tuple(raw.get("needles", ()))
    plain: list[str] = []
    needled: list[tuple[tuple[str, ...], str]] = []
    for entry in raw["patterns"]:
        text, own = (entry, ()) if isinstance(entry, str) else (entry["re"], entry["needles"])
        needles = tuple(n.lower() for n in own) or family_needles
        pattern = _expand(text, defines)
        if needles:
            needled.append((needles, pattern))
        elif text.startswith("."):
            raise ValueError(f"rules.toml: floating pattern needs needles: {text!r}")
        else:
            plain.append(f"(?:{pattern})")
    return plain, needled


def _gate_index(entries: list[tuple[tuple[str, ...], Gated]]) -> GateIndex:
    by_word: dict[str, list[int]] = {}
    by_symbol: dict[str, list[int]] = {}
    for k, (needles, _) in enumerate(entries):
        for needle in needles:
            if _NEEDLE_WORD.fullmatch(needle):
                by_word.setdefault(needle, []).append(k)
            elif len(needle) == 1:
                by_symbol.setdefault(needle, []).append(k)
            else:
                raise ValueError(f"rules.toml: a needle is one word or one symbol: {needle!r}")
    return GateIndex(
        patterns=tuple(g for _, g in entries),
        by_word={w.encode(): tuple(ks) for w, ks in by_word.items()},
        by_symbol=tuple((c, tuple(ks)) for c, ks in by_symbol.items()),
    )


def _start_key(ch: str) -> str:
    """What dispatches a line by its first character: "0" for any digit, else the lower case."""
    return "0" if ch.isdigit() else ch.lower()


def _start_keys(pattern: str) -> frozenset[str] | None:
    """The start keys of the lines ``pattern`` can match, or None for "any line".

    Worked out from the standard library's parse of the pattern (a private module, so any
    surprise there yields None: the pattern is then tried on every line, slower but correct).
    """
    try:
        parsed = importlib.import_module("re._parser").parse(pattern, re.IGNORECASE)
        keys, nullable = _seq_keys(list(parsed))
    except Exception:  # whatever the private parser does, fall back to "any line"
        return None
    return None if keys is None or nullable else frozenset(keys)


def _seq_keys(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(start keys, can be empty) of a sequence of parsed regex items; None keys = any."""
    out: set[str] = set()
    for op, av in items:
        keys, nullable = _item_keys(str(op), av)
        if keys is None:
            return None, False
        out |= keys
        if not nullable:
            return out, False
    return out, True


def _item_keys(op: str, av: Any) -> tuple[set[str] | None, bool]:
    if op == "LITERAL":
        return {_start_key(chr(av))}, False
    if op == "IN":
        return _set_keys(av), False
    if op == "BRANCH":
        branches = [_seq_keys(list(b)) for b in av[1]]
        if any(k is None for k, _ in branches):
            return None, False
        return set().union(*(k for k, _ in branches if k)), any(n for _, n in branches)
    if op == "SUBPATTERN":
        return _seq_keys(list(av[3]))
    if op == "ATOMIC_GROUP":
        return _seq_keys(list(av))
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        keys, nullable = _seq_keys(list(av[2]))
        return keys, nullable or av[0] == 0
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
        return set(), True  # zero-width: look at what follows (over-approximates lookaheads)
    return None, False


def _set_keys(items: list[tuple[Any, Any]]) -> set[str] | None:
    keys: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            keys.add(_start_key(chr(av)))
        elif name == "RANGE" and av[1] - av[0] <= 512:
            keys.update(_start_key(chr(c)) for c in range(av[0], av[1] + 1))
        elif name == "CATEGORY" and str(av) == "CATEGORY_DIGIT":
            keys.add("0")
        else:
            return None  # negated sets, word classes...: any
    return keys


_REF = re.compile(r"<<(\w+)>>")
_NEEDLE_WORD = re.compile(r"[a-z0-9_]+")


def _expand_defines(raw: dict[str, str]) -> dict[str, str]:
    """Resolve ``<<name>>`` references; a define may use the ones above it."""
    out: dict[str, str] = {}
    for name, pattern in raw.items():
        out[name] = _expand(pattern, out)
    return out


def _expand(pattern: str, defines: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        if m[1] not in defines:
            raise ValueError(f"rules.toml: undefined <<{m[1]}>>")
        return f"(?:{defines[m[1]]})"

    return _REF.sub(sub, pattern)


def _family(raw: dict[str, Any], limits: dict[str, int]) -> Family:
    kind = raw.get("kind", "line")
    if kind not in ("line", "phrase"):
        raise ValueError(f"rules.toml: unknown kind {kind!r} for {raw['reason']!r}")
    then = raw.get("then")
    if then not in (None, "headlines", "appeal"):
        raise ValueError(f"rules.toml: unknown then {then!r} for {raw['reason']!r}")
    default_max = limits["line_max_chars"] if kind == "line" else limits["appeal_max_chars"]
    return Family(raw["reason"], kind, int(raw.get("max_chars", default_max)), then)


RULES = load_rules()
LIMITS = RULES.limits

# Quoted spans, including a quote left open at the line end (it continues in the next paragraph):
# what people are quoted as saying is never the outlet's own appeal.
_QUOTED = re.compile(r'"[^"\n]*(?:"|$)|“[^”\n]*(?:”|$)')
# The appeal voice, and the verbs of reported speech, as words (see _speaks_to_reader). "us" is
# only the pronoun in lower case: "US" is the country.
_VOICE = frozenset(w.encode() for v in "we our ours you your".split() for w in (v, v.capitalize())) | {b"us"}
_REPORTED = frozenset(
    w.encode()
    for v in (
        "said says told tells according added stated announced reported wrote asked declared "
        "insisted explained noted"
    ).split()
    for w in (v, v.capitalize())
)
# A cheap stand-in for "has a verb": auxiliaries, reporting verbs and -ed/-ing forms. False
# positives only make us keep a line, which is the safe side.
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|am|has|have|had|will|would|shall|should|can|could|may|might|"
    r"must|do|does|did|says?|said|tells?|told|calls?|wants?|gets?|goes|makes?|\w{3,}(?:ed|ing))\b",
    re.I,
)
_CLOSERS = "\"'”’)]"
_END_MARKS = frozenset(".!?…")
_QUOTE_CHARS = re.compile(r"[\"“”]")
_ALNUM = re.compile(r"[^\W_]")
_NAME_PARTICLES = frozenset("de da di du dos del van von der den la le al bin ibn y".split())


def match(line: str, rules: Rules = RULES) -> Family | None:
    """The family whose patterns make ``line`` boilerplate, or None.

    Line families win over phrase families, and among line families the first in the file wins.
    Appeal phrases count only outside quotes and only when that text speaks to the reader (see
    ``is_appeal_voice``).
    """
    return match_lines([line], rules)[0]


def match_lines(lines: Sequence[str], rules: Rules = RULES) -> list[Family | None]:
    """``match`` for every line of one article, sharing one needle scan of the whole text.

    Tokenising the article once and intersecting with the needle words leaves, per line, a
    few substring tests instead of a tokenisation: half the cost on typical news.
    """
    decided = rules.decided
    out: list[Family | None] = [None] * len(lines)
    todo: list[int] = []
    for i, line in enumerate(lines):
        if len(line) <= DECIDED_MAX_CHARS and line in decided:
            out[i] = decided[line]
        else:
            todo.append(i)
    if not todo:
        return out
    fresh = [lines[i] for i in todo]
    text = "\n".join(fresh)
    words = article_words(text)
    gated = rules.gated.needles_in(words, text)
    phrases = rules.phrases.needles_in(words, text)
    needles = [(n, gated.get(n, ()), phrases.get(n, ())) for n in gated.keys() | phrases.keys()]
    if len(decided) > DECIDED_MAX_LINES:
        decided.clear()
    for i, line, hits in zip(todo, fresh, _line_hits(fresh, text, needles), strict=True):
        out[i] = family = _match(line, hits, rules)
        if len(line) <= DECIDED_MAX_CHARS:
            decided[line] = family
    return out


# A line's verdict depends on the line alone (a gated pattern's needles are necessary: the
# article-level needle scan only saves regex calls), so short lines are decided once: an
# outlet's share bars, sign-up boxes and footers recur in every article it publishes.
DECIDED_MAX_CHARS = 200
DECIDED_MAX_LINES = 50_000  # ~10 MB; the memo is dropped whole when full


def _line_hits(lines: Sequence[str], text: str, needles: Needles) -> list[tuple[set[int], set[int]]]:
    """Per line, the gated and phrase patterns its needles call for.

    A substring test stands in for a word test here (the article-level test was by word): a
    false hit costs one regex call. Needles hold no newline, so each occurrence in the joined
    text lies in one line: a few ``find`` calls over the article replace a test of every needle
    on every line.
    """
    hits: list[tuple[set[int], set[int]]] = [(set(), set()) for _ in lines]
    if not needles:
        return hits
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer ("İ"): offsets would drift
        for (gated, phrases), line in zip(hits, lines, strict=True):
            low_line = line.lower()
            for needle, gated_hits, phrase_hits in needles:
                if needle in low_line:
                    gated.update(gated_hits)
                    phrases.update(phrase_hits)
        return hits
    starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    for needle, gated_hits, phrase_hits in needles:
        at = low.find(needle)
        while at >= 0:
            i = bisect.bisect_right(starts, at) - 1
            gated, phrases = hits[i]
            gated.update(gated_hits)
            phrases.update(phrase_hits)
            at = low.find(needle, starts[i + 1] if i + 1 < len(starts) else len(low))
    return hits


def _word_byte(c: int) -> int:
    if 65 <= c <= 90:  # A-Z
        return c + 32
    return c if 97 <= c <= 122 or 48 <= c <= 57 or c == 95 else 32


# Bytes that are not ASCII letters, digits or "_" become spaces, and capitals become small.
_WORD_BYTES = bytes(_word_byte(c) for c in range(256))
# The same, keeping capitals.
_SPLIT_BYTES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))


def article_words(text: str) -> set[bytes]:
    """The lower-case ASCII words of ``text``, as bytes.

    Needles are ASCII words, so non-ASCII letters may be cut anywhere; in exchange this is a few
    C-level passes (encode, translate, split) instead of a regex tokenisation, at a third of its
    cost.
    """
    return set(text.encode().translate(_WORD_BYTES).split())


def _match(line: str, hits: tuple[set[int], set[int]], rules: Rules) -> Family | None:
    first = rules.ungated.match(line)
    best = len(rules.families) if first is None else first
    gated, phrases = hits
    for g in rules.gated.pick(gated) if gated else ():
        if g.family >= best:
            break
        if len(line) <= rules.families[g.family].max_chars and g.regex.fullmatch(line):
            best = g.family
            break
    if best < len(rules.families):
        return rules.families[best]
    return _phrase(line, rules.phrases.pick(phrases), rules) if phrases else None


def _phrase(line: str, candidates: list[Gated], rules: Rules) -> Family | None:
    unquoted: str | None = None
    for g in candidates:
        fam = rules.families[g.family]
        if len(line) > fam.max_chars:
            continue
        if unquoted is None:
            unquoted = _unquoted(line)
            if not _speaks_to_reader(unquoted):
                return None
        if g.regex.search(unquoted):
            return fam
    return None


def _unquoted(line: str) -> str:
    return _QUOTED.sub(" ", line) if '"' in line or "“" in line else line


def _speaks_to_reader(unquoted: str) -> bool:
    words = set(unquoted.encode().translate(_SPLIT_BYTES).split())
    return not words.isdisjoint(_VOICE) and words.isdisjoint(_REPORTED)


def is_appeal_voice(line: str) -> bool:
    """True if ``line``, outside quotes, addresses the reader as we/you and reports no speech."""
    if len(line) > LIMITS["appeal_max_chars"]:
        return False
    return _speaks_to_reader(_unquoted(line))


def is_headline(line: str) -> bool:
    """Looks like a linked headline: short, no quotes, no sentence-final punctuation."""
    return (
        line.count(" ") < LIMITS["headline_max_words"]
        and not _ends_sentence(line)
        and _QUOTE_CHARS.search(line) is None
    )


def is_edge_junk(line: str) -> bool:
    """A short line without a verb or a sentence end: outlet name, date, label, menu item."""
    return (
        line.count(" ") < LIMITS["edge_max_words"] and not _ends_sentence(line) and _VERB.search(line) is None
    )


def is_lone_name(line: str) -> bool:
    """One to a few capitalised words and nothing else, e.g. the caption "Jane Doe"."""
    if line.count(" ") >= LIMITS["lone_name_max_words"] or _ends_sentence(line):
        return False
    return all((w[0].isupper() and w.isalpha()) or w in _NAME_PARTICLES for w in line.split())


def _ends_sentence(line: str) -> bool:
    """Ends in . ! ? or …, possibly followed by closing quotes or brackets."""
    return line.rstrip(_CLOSERS)[-1:] in _END_MARKS


def is_empty(line: str) -> bool:
    """No letter or digit at all: rules, bullets, separators ("* * *", "___")."""
    return _ALNUM.search(line) is None
