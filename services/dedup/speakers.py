"""Speaker names: compatibility ("Peskov" ~ "Dmitry Peskov") and the dedup blocking key."""

from __future__ import annotations

import re
import unicodedata

_GENERIC = frozenset({"the", "of", "a", "an", "and", "mr", "mrs", "ms", "dr"})


def _words(name: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return [w for w in re.findall(r"[a-z]+", folded) if w not in _GENERIC]


def block_key(speaker: str | None) -> str:
    """The last word of the name: compatible speakers share it ("" when there is none)."""
    words = _words(speaker or "")
    return words[-1] if words else ""


def speakers_compatible(a: str | None, b: str | None) -> bool:
    """Same block key, and the shorter name's words all occur in the longer one."""
    if not a or not b:
        return not a and not b
    wa, wb = set(_words(a)), set(_words(b))
    return block_key(a) == block_key(b) and (wa <= wb or wb <= wa)
