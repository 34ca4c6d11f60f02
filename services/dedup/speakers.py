"""Speaker name compatibility and the blocking key that partitions dedup work.

Two claims can only be the same statement if their speakers may be the same source. Speakers come
from attribution extraction in many shapes: "Peskov", "Dmitry Peskov", "Kremlin spokesman Dmitry
Peskov", "Dmitry Peskov, the Kremlin's spokesman", "Russian Foreign Ministry", "the foreign
ministry". Contracts:

* ``speakers_compatible(a, b)`` is symmetric and reflexive; ``None`` is compatible only with
  ``None`` (an unattributed claim is never merged with an attributed one).
* ``speakers_compatible(a, b)`` implies ``block_key(a) == block_key(b)``, so partitioning claims by
  ``block_key`` never separates two claims that could merge.
* Both are deterministic across processes (no Python ``hash()``, no randomness).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from services.dedup.normalize import tokens

__all__ = ["block_key", "speakers_compatible"]

# Words that describe a speaker's role rather than name them; a person's name follows the last one
# ("Kremlin spokesman Dmitry Peskov"), so they mark where the name starts.
_ROLES: Final = frozenset(
    tokens(
        "spokesman spokeswoman spokesperson press secretary president vice prime minister "
        "chancellor premier leader chief head director chairman chairwoman chair ambassador "
        "envoy representative official officials aide adviser advisor general commander "
        "governor mayor senator congressman congresswoman lawmaker deputy foreign defense "
        "interior state sen rep gen col lt maj dr prof mr mrs ms sir former acting"
    )
)
# Determiners and generic modifiers that do not distinguish one source from another.
_FILLER: Final = frozenset(tokens("the a an its his her their our official"))
# A trailing apposition or relative clause ("Peskov, the Kremlin's spokesman", "X who ...") only
# describes the speaker; the part before it names them.
_APPOSITION: Final = re.compile(r",|\s(?:who|which|that)\s|\s\(")
# Organisation-like heads: with "X of Y" ("Ministry of Foreign Affairs") the head comes first.
_OF: Final = re.compile(r"\s(?:of|for)\s")
_ALIASES: Final = {
    ("ministry", "foreign", "affair"): ("foreign", "ministry"),
    ("ministry", "defens"): ("defens", "ministry"),
    ("ministry", "interior"): ("interior", "ministry"),
    ("department", "stat"): ("stat", "department"),
}


@lru_cache(maxsize=1 << 14)
def _core(speaker: str) -> tuple[str, ...]:
    """Name-bearing tokens of a speaker string, head last (the head is the block key)."""
    main = _APPOSITION.split(speaker, maxsplit=1)[0] or speaker
    parts = _OF.split(main, maxsplit=1)
    toks = tuple(t for t in tokens(main) if t not in _FILLER)
    if len(parts) == 2:
        head = tuple(t for t in tokens(parts[0]) if t not in _FILLER)
        tail = tuple(t for t in tokens(parts[1]) if t not in _FILLER)
        if head and head[-1] not in _ROLES:
            # "Ministry of Foreign Affairs" → foreign affair ministry: the head goes last.
            toks = _ALIASES.get((*head, *tail), (*tail, *head))
    roles = [i for i, t in enumerate(toks) if t in _ROLES]
    if roles and roles[-1] < len(toks) - 1:
        # A person named after their role: keep the name only ("spokesman Dmitry Peskov").
        toks = toks[roles[-1] + 1 :]
    return toks


def block_key(speaker: str | None) -> str:
    """Partition key: the speaker's head token ("peskov", "ministry"); "" for no speaker."""
    if speaker is None:
        return ""
    core = _core(speaker)
    return core[-1] if core else ""


def _names_agree(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Every token of ``short`` matches a token of ``long`` (an initial matches its full name)."""
    for tok in short:
        if tok in long:
            continue
        if len(tok) == 1 and any(other.startswith(tok) for other in long):
            continue
        return False
    return True


def speakers_compatible(a: str | None, b: str | None) -> bool:
    """Whether ``a`` and ``b`` may name the same source (see the module contract)."""
    if a is None or b is None:
        return a is None and b is None
    ca, cb = _core(a), _core(b)
    if not ca or not cb:
        # Nothing name-like left ("the official"): only an identical string is safe.
        return tokens(a) == tokens(b)
    if ca[-1] != cb[-1]:
        return False
    short, long = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
    return _names_agree(short, long)
