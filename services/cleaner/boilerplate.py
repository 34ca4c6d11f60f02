"""Recognise boilerplate lines with the rules in ``rules.toml``.

Contract: every function here looks at ONE normalised line (see ``normalize.py``) and is pure.
``match(line)`` returns the rule family that makes the line boilerplate, or None; the structural
predicates (``is_headline``, ``is_edge_junk``, ``is_lone_name``, ``is_appeal_voice``,
``is_empty``) are the context-free halves of the rules that ``clean.py`` applies with context
(after a marker, at the text's edges, inside an appeal). The rules file is read and compiled once,
at import, into two combined regular expressions, so a line costs one or two regex calls.
"""

from __future__ import annotations

import re
import tomllib
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
class Rules:
    """The compiled rules: one regex per kind, its named groups ``f<i>`` index ``families``."""

    families: tuple[Family, ...]
    line_re: re.Pattern[str]
    phrase_re: re.Pattern[str]
    family_res: tuple[re.Pattern[str] | None, ...]  # each line family alone, for the slow path
    limits: dict[str, int]


def load_rules(path: Path = RULES_PATH) -> Rules:
    """Read and compile a rules file (see the header of rules.toml for its format)."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    defines = _expand_defines(data.get("define", {}))
    families: list[Family] = []
    family_res: list[re.Pattern[str] | None] = []
    parts: dict[str, list[str]] = {"line": [], "phrase": []}
    for i, raw in enumerate(data["family"]):
        fam = _family(raw, data["limits"])
        alternatives = "|".join(f"(?:{_expand(p, defines)})" for p in raw["patterns"])
        families.append(fam)
        family_res.append(re.compile(alternatives, re.I) if fam.kind == "line" else None)
        parts[fam.kind].append(f"(?P<f{i}>{alternatives})")
    return Rules(
        families=tuple(families),
        line_re=re.compile("|".join(parts["line"]), re.IGNORECASE),
        phrase_re=re.compile("|".join(parts["phrase"]), re.IGNORECASE),
        family_res=tuple(family_res),
        limits=dict(data["limits"]),
    )


_REF = re.compile(r"<<(\w+)>>")


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

    Whole-line families are tried first (cheap, and most specific); appeal phrases only on text
    outside quotes and only when that text speaks to the reader (see ``is_appeal_voice``).
    """
    n = len(line)
    if n <= rules.limits["line_max_chars"]:
        m = rules.line_re.fullmatch(line)
        if m is not None:
            fam = _family_of(m, rules)
            if n <= fam.max_chars:
                return fam
            return _first_within_limit(line, rules)
    if n <= rules.limits["appeal_max_chars"] and rules.phrase_re.search(line):
        unquoted = _QUOTED.sub(" ", line)
        m = rules.phrase_re.search(unquoted)
        if m is not None and _speaks_to_reader(unquoted):
            return _family_of(m, rules)
    return None


def _family_of(m: re.Match[str], rules: Rules) -> Family:
    assert m.lastgroup is not None  # every alternative sits in a named group f<i>
    return rules.families[int(m.lastgroup[1:])]


def _first_within_limit(line: str, rules: Rules) -> Family | None:
    """Slow path, when the first matching family is too short for ``line``: try each one."""
    for fam, regex in zip(rules.families, rules.family_res, strict=True):
        if regex is not None and len(line) <= fam.max_chars and regex.fullmatch(line):
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
