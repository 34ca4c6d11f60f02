"""Candidate generation: MinHash LSH over a claim's content tokens, within its speaker block.

``band_keys`` maps a token set to ``BANDS`` integer keys; two token sets with Jaccard similarity
J share at least one key with probability 1 - (1 - J**ROWS) ** BANDS (0.82 at J = 0.5, 0.94 at
J = 0.6 with 6 bands of 2 rows): paraphrases meet, unrelated statements rarely do. Keys mix in
the block, so one dict serves every block. Hashes are blake2b-based: equal in every process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache

from services.dedup.normalize import STOPWORDS

BANDS = 6
ROWS = 2
# Rare-word keys: LSH misses paraphrases that share few words (J = 0.3 meets only 43% of the
# time), yet two claims of one speaker sharing a word rare in news ("consulted", "mediator") are
# worth verifying. The claim's WORD_KEYS rarest content words with IDF >= MIN_WORD_IDF each
# give a key; a key shared by too many clusters of the block is no evidence (see clusters.py).
WORD_KEYS = 3
MIN_WORD_IDF = 5.0
_MASK = (1 << 64) - 1
# Fixed odd multipliers and offsets: one universal-hash permutation per row of every band.
_PERMS = tuple(
    (
        int.from_bytes(hashlib.blake2b(f"perm{i}".encode(), digest_size=8).digest(), "big") | 1,
        int.from_bytes(hashlib.blake2b(f"seed{i}".encode(), digest_size=8).digest(), "big"),
    )
    for i in range(BANDS * ROWS)
)


@lru_cache(maxsize=200_000)
def _h(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")


def word_keys(block: str, toks: tuple[str, ...], idf: Callable[[str], float]) -> list[int]:
    """Keys of the claim's rarest content words in ``block`` (at most ``WORD_KEYS``)."""
    rare = sorted(
        {t for t in toks if t not in STOPWORDS and not t[0].isdigit() and idf(t) >= MIN_WORD_IDF},
        key=lambda t: (-idf(t), t),
    )
    base = _h(block)
    return [hash((base, -1, _h(t))) & _MASK for t in rare[:WORD_KEYS]]


@lru_cache(maxsize=1 << 16)  # ~600 B a row: 40 MB for the 65k most recent words
def _row(token: str) -> tuple[int, ...]:
    """The token's value under every row's permutation (cached: words are Zipfian)."""
    h = _h(token)
    return tuple((h * a + b) & _MASK for a, b in _PERMS)


def band_keys(block: str, toks: tuple[str, ...]) -> list[int]:
    """The LSH keys of a claim's tokens in ``block`` (empty when it has no content word)."""
    rows = [_row(t) for t in {t for t in toks if t not in STOPWORDS}]
    if not rows:
        return []
    mins = list(map(min, zip(*rows, strict=True)))
    base = _h(block)
    return [hash((base, band, *mins[band * ROWS : (band + 1) * ROWS])) & _MASK for band in range(BANDS)]
