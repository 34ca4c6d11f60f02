"""Recognise boilerplate lines with the rules in ``rules.toml``.

Contract: every function here looks at ONE normalised line (see ``normalize.py``) and is pure.
``match(line)`` returns the rule family that makes the line boilerplate, or None; the structural
predicates (``is_headline``, ``is_edge_junk``, ``is_lone_name``, ``is_appeal_voice``,
``is_empty``) are the context-free halves of the rules that ``clean.py`` applies with context
(after a marker, at the text's edges, inside an appeal).

Speed: the rules file is read and compiled once, at import. Patterns anchored at the line start
are merged into one regex per line-length tier (a line is only tested against the families
that allow its length), and the other patterns are gated by needles: words (or symbols) of
which one must occur in the line. Python's re tries alternatives one by one and has no fast scan
for many literals, so floating patterns run on every paragraph would cost more than the whole
rest of the cleaner; instead the line's word set is looked up in a needle index.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
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


Needles = list[tuple[str, tuple[int, ...]]]  # needle -> indices into GateIndex.patterns


@dataclass(frozen=True, slots=True)
class GateIndex:
    """Gated patterns (in family order) and which needles make each worth trying."""

    patterns: tuple[Gated, ...]
    by_word: dict[bytes, tuple[int, ...]]  # needle word -> indices into patterns
    by_symbol: tuple[tuple[str, tuple[int, ...]], ...]  # needle symbol -> indices

    def needles_in(self, words: set[bytes]) -> Needles:
        """The needle words among an article's ``words`` (plus every symbol), with patterns."""
        found = [(w.decode(), self.by_word[w]) for w in self.by_word.keys() & words]
        return found + list(self.by_symbol)

    def candidates(self, low_line: str, needles: Needles) -> list[Gated]:
        """The patterns, in order, with one of the article's ``needles`` in ``low_line``.

        A substring test stands in for a word test here: a false hit costs one regex call.
        """
        found: set[int] = set()
        for needle, hits in needles:
            if needle in low_line:
                found.update(hits)
        return [self.patterns[k] for k in sorted(found)]


@dataclass(frozen=True, slots=True)
class Rules:
    """The compiled rules (see the module docstring)."""

    families: tuple[Family, ...]
    tier_limits: tuple[int, ...]  # ascending distinct max_chars of the line families
    tier_res: tuple[re.Pattern[str] | None, ...]  # ungated patterns of families allowing a tier
    gated: GateIndex  # gated line patterns
    phrases: GateIndex  # phrase families' patterns
    limits: dict[str, int]


def load_rules(path: Path = RULES_PATH) -> Rules:
    """Read and compile a rules file (see the header of rules.toml for its format)."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    defines = _expand_defines(data.get("define", {}))
    families: list[Family] = []
    ungated: list[str] = []  # one named-group alternative per line family, "" if none
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
        ungated.append(f"(?P<f{i}>{'|'.join(plain)})" if plain else "")
        gated += [(nd, Gated(i, re.compile(p, re.I))) for nd, p in needled]
    limits = sorted({f.max_chars for f in families if f.kind == "line"})
    line_families = list(zip([f for f in families if f.kind == "line"], ungated, strict=True))
    return Rules(
        families=tuple(families),
        tier_limits=tuple(limits),
        tier_res=tuple(_tier_regex(line_families, t) for t in limits),
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


def _tier_regex(line_families: list[tuple[Family, str]], tier: int) -> re.Pattern[str] | None:
    """One regex of the ungated patterns of the families that allow lines of ``tier`` chars."""
    parts = [u for f, u in line_families if u and f.max_chars >= tier]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


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
    default_max = limits["line_max_chars"] if kind == "line" else limits["appeal_max_chars"]
    return Family(raw["reason"], kind, int(raw.get("max_chars", default_max)), raw.get("then"))


RULES = load_rules()
LIMITS = RULES.limits

# Quoted spans, including a quote left open at the line end (it continues in the next paragraph):
# what people are quoted as saying is never the outlet's own appeal.
_QUOTED = re.compile(r'"[^"\n]*(?:"|$)|“[^”\n]*(?:”|$)')
_VOICE = re.compile(r"\b(?:we|we['’](?:re|ve|ll)|our|ours|us|you|you['’](?:re|ve|ll)|your)\b", re.I)
_REPORTED = re.compile(
    r"\b(?:said|says|told|tells|according to|added|stated|announced|reported|wrote|asked|"
    r"declared|insisted|explained|noted)\b",
    re.I,
)
# A cheap stand-in for "has a verb": auxiliaries, reporting verbs and -ed/-ing forms. False
# positives only make us keep a line, which is the safe side.
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|am|has|have|had|will|would|shall|should|can|could|may|might|"
    r"must|do|does|did|says?|said|tells?|told|calls?|wants?|gets?|goes|makes?|\w{3,}(?:ed|ing))\b",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_QUOTE_CHARS = re.compile(r"[\"“”«»]")
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
    words = article_words("\n".join(lines))
    line_needles = rules.gated.needles_in(words)
    phrase_needles = rules.phrases.needles_in(words)
    return [_match(line, line_needles, phrase_needles, rules) for line in lines]


# Bytes that are not ASCII letters, digits or "_" become spaces, and capitals become small.
_WORD_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 or c == 95 else 32 for c in range(256)
)


def article_words(text: str) -> set[bytes]:
    """The lower-case ASCII words of ``text``, as bytes.

    Needles are ASCII words, so non-ASCII letters may be cut anywhere; in exchange this is a few
    C-level passes (encode, translate, split) instead of a regex tokenisation, at a third of its
    cost.
    """
    return set(text.encode().translate(_WORD_BYTES).split())


def _match(line: str, line_needles: Needles, phrase_needles: Needles, rules: Rules) -> Family | None:
    n = len(line)
    best = _ungated(line, rules)
    low = line.lower()
    for g in rules.gated.candidates(low, line_needles):
        if g.family >= best:
            break
        if n <= rules.families[g.family].max_chars and g.regex.fullmatch(line):
            best = g.family
            break
    if best < len(rules.families):
        return rules.families[best]
    return _phrase(line, rules.phrases.candidates(low, phrase_needles), rules)


def _ungated(line: str, rules: Rules) -> int:
    """Index of the first family whose ungated patterns match, or len(families)."""
    tier = bisect.bisect_left(rules.tier_limits, len(line))
    regex = rules.tier_res[tier] if tier < len(rules.tier_res) else None
    m = regex.fullmatch(line) if regex is not None else None
    if m is None or m.lastgroup is None:
        return len(rules.families)
    return int(m.lastgroup[1:])  # every alternative sits in a named group f<index>


def _phrase(line: str, candidates: list[Gated], rules: Rules) -> Family | None:
    unquoted: str | None = None
    for g in candidates:
        fam = rules.families[g.family]
        if len(line) > fam.max_chars:
            continue
        if unquoted is None:
            unquoted = _QUOTED.sub(" ", line)
            if not _speaks_to_reader(unquoted):
                return None
        if g.regex.search(unquoted):
            return fam
    return None


def _speaks_to_reader(unquoted: str) -> bool:
    return _VOICE.search(unquoted) is not None and _REPORTED.search(unquoted) is None


def is_appeal_voice(line: str) -> bool:
    """True if ``line``, outside quotes, addresses the reader as we/you and reports no speech."""
    if len(line) > LIMITS["appeal_max_chars"]:
        return False
    return _speaks_to_reader(_QUOTED.sub(" ", line))


def is_headline(line: str) -> bool:
    """Looks like a linked headline: short, no quotes, no sentence-final punctuation."""
    return (
        len(line.split()) <= LIMITS["headline_max_words"]
        and _QUOTE_CHARS.search(line) is None
        and _SENTENCE_END.search(line) is None
    )


def is_edge_junk(line: str) -> bool:
    """A short line without a verb or a sentence end: outlet name, date, label, menu item."""
    return (
        len(line.split()) <= LIMITS["edge_max_words"]
        and _SENTENCE_END.search(line) is None
        and _VERB.search(line) is None
    )


def is_lone_name(line: str) -> bool:
    """One to a few capitalised words and nothing else, e.g. the caption "Jane Doe"."""
    words = line.split()
    if not 0 < len(words) <= LIMITS["lone_name_max_words"] or _SENTENCE_END.search(line):
        return False
    return all((w[0].isupper() and w.isalpha()) or w in _NAME_PARTICLES for w in words)


def is_empty(line: str) -> bool:
    """No letter or digit at all: rules, bullets, separators ("* * *", "___")."""
    return _ALNUM.search(line) is None
