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
# Heads of organisation names: "Russian Foreign Ministry" names a body, so "Foreign" there is part
# of the name, not a role preceding a person's name.
_BODIES: Final = frozenset(
    tokens(
        "ministry office department council committee government parliament agency service "
        "army forces force court commission party union bank company group administration "
        "authorities authority embassy mission headquarters command staff guard police "
        "republic assembly duma rada senate congress cabinet organization alliance"
    )
)
# Determiners, prepositions and generic modifiers that do not distinguish one source from another.
_FILLER: Final = frozenset(tokens("the a an its his her their our of for to in on at from"))
# A trailing apposition or relative clause ("Peskov, the Kremlin's spokesman", "X who ...") only
# describes the speaker; the part before it names them.
_APPOSITION: Final = re.compile(r",|\s(?:who|which|that)\s|\s\(")
# Organisation-like heads: with "X of Y" ("Ministry of Foreign Affairs") the head comes first.
_OF: Final = re.compile(r"\s(?:of|for)\s")
# "Kiev's envoy to the talks": what follows these only situates the speaker.
_SITUATION: Final = re.compile(r"\s(?:to|at|in|on|from)\s")
# Speaker-only synonyms: "Affairs" is decoration in "Ministry of Foreign Affairs", and "Internal
# Affairs" is the interior. (tokens() already maps "Russian" to "Russia", so "Russian Foreign
# Ministry" and "Foreign Ministry of Russia" agree.)
_ALIASES: Final = {tokens("affairs")[0]: "", tokens("internal")[0]: tokens("interior")[0]}


@lru_cache(maxsize=1 << 14)
def _core(speaker: str) -> tuple[str, ...]:
    """Name-bearing tokens of a speaker string, head last (the head is the block key)."""
    main = _APPOSITION.split(speaker, maxsplit=1)[0] or speaker
    main = _SITUATION.split(main, maxsplit=1)[0] or main
    parts = _OF.split(main, maxsplit=1)
    toks = _words(main)
    if len(parts) == 2:
        head, tail = _words(parts[0]), _words(parts[1])
        if head and head[-1] not in _ROLES:
            # "Ministry of Foreign Affairs" → foreign ministry: the head goes last.
            toks = (*tail, *head)
    if toks and toks[-1] in _BODIES:
        return toks
    roles = [i for i, t in enumerate(toks) if t in _ROLES]
    if roles and roles[-1] < len(toks) - 1:
        # A person named after their role: keep the name only ("spokesman Dmitry Peskov").
        toks = toks[roles[-1] + 1 :]
    return toks


def _words(text: str) -> tuple[str, ...]:
    """Normalised tokens without filler, with speaker aliases applied."""
    out = (_ALIASES.get(t, t) for t in tokens(text) if t not in _FILLER)
    return tuple(t for t in out if t)


def block_key(speaker: str | None) -> str:
    """Partition key: the speaker's head token ("peskov", "ministry"); "" for no speaker."""
    if speaker is None:
        return ""
    core = _core(speaker)
    return core[-1] if core else ""


def _same_name(x: str, y: str) -> bool:
    """Equal tokens, or an initial and a name it abbreviates ("d" and "dmitry")."""
    return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def _names_agree(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """Every token of ``part`` matches some token of ``whole``."""
    return all(any(_same_name(x, y) for y in whole) for x in part)


@lru_cache(maxsize=1 << 16)  # a block's claims come from a handful of speaker strings
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
    # One name must be a part of the other: "Peskov" ⊂ "Dmitry Peskov", "foreign ministry" ⊂
    # "Russian foreign ministry"; "Russian" vs "Ukrainian foreign ministry" is neither way.
    return _names_agree(ca, cb) or _names_agree(cb, ca)
