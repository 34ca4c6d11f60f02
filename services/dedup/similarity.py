"""Are two claim texts the same statement? A learned decision on normalised tokens.

``score_tokens(a, b)`` computes 35 lexical similarities between two token tuples (word and word
n-gram overlap, IDF-weighted overlap and unmatched mass, longest common subsequence, unmatched
stretches, number, negation and length agreement) and combines them, with per-word and per-bigram
weights, in a logistic model stored in ``model.json`` (learned offline by ``tools/train_pairs.py``
from the MRPC training pairs). Two decisions come out of one ``PairScore``:

* ``duplicate``: MRPC's sentence equivalence at its F1-optimal cut (precision >= 0.80 out of
  fold). It tolerates different figures ("the index rose 3 points" / "5 points" are MRPC
  paraphrases) and rejects a report that carries less or more than the other.
* ``same_statement(result)``: the dedup stage's merge decision for claims whose speakers are
  already known to be compatible. Same figures and polarity are required; then either equivalence
  at a stricter cut (MRPC precision 0.85) or one text being a partial report of the other.

Contracts:

* ``score`` is in [0, 1], symmetric in its arguments, higher = more likely the same statement;
  ``duplicate`` is ``score >= shipped().threshold``.
* Pairs that share no content word score 0 without running the model (the hot path's early exit);
  pairs that differ by an opposite ("rose"/"fell") have their score scaled down.
* Everything is deterministic across processes: no Python ``hash()``, no randomness, sums over
  sets use ``math.fsum`` (exact, so set iteration order cannot change a bit), and
  ``minhash``/``lsh_bands`` use BLAKE2b and fixed-width integer arithmetic only.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from itertools import pairwise
from operator import mul
from pathlib import Path
from typing import Final

from services.dedup.normalize import STOPWORDS, tokens

__all__ = [
    "FEATURES",
    "PairScore",
    "Profile",
    "Scorer",
    "lsh_bands",
    "minhash",
    "same_statement",
    "score_pair",
    "score_tokens",
    "shipped",
]

MODEL_PATH: Final = Path(__file__).with_name("model.json")
# Partial-report rule (see _partial_report); set by hand, checked on the seed gold and MRPC.
PARTIAL_MIN_SHARED: Final = 5
PARTIAL_MIN_CONTAINMENT: Final = 0.5
PARTIAL_MIN_SPAN: Final = 5
# Two texts are one statement only if their shared content words carry at least this share of
# the shorter text's IDF mass. No MRPC pair below 0.26 passes the claims decision anyway, nor
# does any gold cross-outlet pair below 0.35; the floor refuses the rest (texts on one subject
# that share a few of its words) before any profile is built: the dedup hot path's cheap veto.
SAME_MIN_SHARED_IDF: Final = 0.4
# A text's sketch (``Scorer.sketch``) for the cheap veto: a bit per content word (of
# SKETCH_BITS), above them two flags (a text not negated, a negated text), and above those its
# IDF mass in sixteenths, rounded down. The union of several texts' sketches (``union``) is a
# sketch that refuses only what every one of them refuses.
SKETCH_BITS: Final = 256
SKETCH_SIZE: Final = SKETCH_BITS + 2 + 16
_WORD_BITS: Final = (1 << SKETCH_BITS) - 1
# A pair whose texts differ by one of these opposites ("rose"/"fell") is scaled down by this
# factor: MRPC agrees (4 of its 34 such pairs are paraphrases) and so does our precision goal.
CONTRADICTION_FACTOR: Final = 0.25
_OPPOSITES: Final = tuple(
    (tokens(x)[0], tokens(y)[0])
    for x, y in (
        pair.split()
        for pair in (
            "rise fall|rise drop|rise decline|rise slide|rise lose|increase decrease|increase cut|"
            "increase reduce|increase fall|raise cut|raise lower|raise reduce|gain lose|gain fall|"
            "gain drop|gain decline|win lose|win loss|profit loss|surplus deficit|victory defeat|"
            "accept reject|approve reject|agree refuse|agree reject|confirm deny|support oppose|"
            "open close|new old|up down|buy sell|higher lower|high low|more less|allow ban|"
            "allow forbid|start end|begin end|resume suspend|resume halt|guilty innocent|"
            "legal illegal|success failure|succeed fail|strengthen weaken|expand shrink|"
            "include exclude|advance retreat|first last|maximum minimum|majority minority|"
            "import export|north south|east west|peace war|true false|boost cut|lift impose|"
            "acquit convict|hire fire|strong weak|positive negative|above below|inside outside|"
            "ahead behind"
        ).split("|")
    )
)
_OPPOSITE_OF: Final[dict[str, frozenset[str]]] = {
    w: frozenset(y if w == x else x for x, y in _OPPOSITES if w in (x, y))
    for w in {w for pair in _OPPOSITES for w in pair}
}
_POLAR: Final = frozenset(_OPPOSITE_OF)
NEGATIONS: Final = frozenset(
    "not no never nor none nobody nothing neither without".split()
)  # tokens() turns "n't" into "not", so these cover contractions too.
# Dense features, in the order of the model's coefficients.
FEATURES: Final = (
    "jaccard",
    "content_jaccard",
    "idf_jaccard",
    "idf_containment_min",
    "unmatched_idf_max",
    "unmatched_idf_min",
    "unmatched_max",
    "unmatched_min",
    "unmatched_rare_max",
    "unmatched_stop_max",
    "bigram_jaccard",
    "trigram_jaccard",
    "fourgram_jaccard",
    "prefix4_jaccard",
    "lcs_max",
    "lcs_min",
    "run_max",
    "run_min",
    "runs_max",
    "runs_min",
    "numbers_both",
    "numbers_any",
    "numbers_differ",
    "numbers_conflict",
    "numbers_jaccard",
    "numbers_unmatched",
    "length_ratio",
    "length_diff",
    "length_min",
    "length_max",
    "negation_mismatch",
    "said_mismatch",
    "stopword_jaccard",
    "same_start",
    "same_end",
)


@dataclass(frozen=True, slots=True)
class PairScore:
    """One decision: ``score`` in [0, 1] (higher = more likely the same statement),
    ``duplicate`` = ``score >= threshold``, and the named similarities behind it (for
    explain-cluster; ``lexicon`` is the per-word model's contribution in logits)."""

    score: float
    duplicate: bool
    features: dict[str, float]


class Profile:
    """Everything about one token tuple that pair scoring needs; built once per distinct tuple."""

    __slots__ = (
        "bigrams",
        "content",
        "deltas",
        "fourgrams",
        "head",
        "idf",
        "idf_of",
        "lexicon",
        "log_n",
        "n",
        "negated",
        "numbers",
        "polar",
        "positions",
        "prefixes",
        "rare",
        "said",
        "stops",
        "tail",
        "tokens",
        "trigrams",
        "words",
    )

    def __init__(self, toks: tuple[str, ...], scorer: Scorer) -> None:
        self.tokens = toks
        self.n = len(toks)
        self.log_n = math.log1p(self.n)
        self.head, self.tail = toks[:2], toks[-2:]
        self.words = words = frozenset(toks)
        self.content = content = words - STOPWORDS
        self.stops = words & STOPWORDS
        self.numbers, self.negated, self.idf_of, self.idf = scorer.gist(toks)
        self.rare = content - scorer.known_words - self.numbers
        self.prefixes = frozenset(w[:4] for w in content)
        self.bigrams = frozenset(map(" ".join, pairwise(toks)))
        self.trigrams = frozenset(zip(toks, toks[1:], toks[2:], strict=False))
        self.fourgrams = frozenset(zip(toks, toks[1:], toks[2:], toks[3:], strict=False))
        self.polar = words & _POLAR
        self.said = "said" in words
        # Only units the model weighs matter for the lexicon term; keeping just those makes the
        # per-pair intersection small.
        weighed = (words | self.bigrams) & scorer.weighed_units
        self.lexicon = math.fsum(map(scorer.apart.__getitem__, weighed))
        self.deltas = {u: scorer.shared_delta[u] for u in weighed}
        self.positions = _positions(toks)


def _positions(toks: tuple[str, ...]) -> dict[str, int]:
    """Bit mask of each token's positions (for bit-parallel LCS and unmatched runs)."""
    masks: dict[str, int] = {}
    for i, tok in enumerate(toks):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    return masks


def _lcs(a: Profile, b: Profile) -> int:
    """Length of the longest common token subsequence (Allison-Dix/Hyyrö bit-vector algorithm,
    O(len(a)) big-int operations instead of the O(len(a)*len(b)) table)."""
    full = (1 << b.n) - 1
    v = full
    for mask in map(b.positions.get, a.tokens):
        if mask:  # a token absent from b leaves v unchanged
            u = v & mask
            v = ((v + u) | (v - u)) & full
    return b.n - v.bit_count()


def _runs(p: Profile, shared: frozenset[str]) -> tuple[int, int]:
    """Longest stretch of tokens of ``p`` absent from the other text, and how many stretches."""
    matched = sum(map(p.positions.__getitem__, shared))  # masks of distinct words are disjoint
    gap = ((1 << p.n) - 1) & ~matched
    count = (gap & ~(gap << 1)).bit_count()
    longest = 0
    while gap:
        gap &= gap >> 1
        longest += 1
    return longest, count


def _jaccard(a: frozenset[object], b: frozenset[object]) -> float:
    """|a ∩ b| / |a ∪ b|, 0 when both are empty."""
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


class Scorer:
    """A learned decision function: IDF table, per-unit weights and logistic coefficients.

    ``apart[u]`` is the logit added when unit ``u`` (a word or a "w1 w2" bigram) occurs in one
    text only; ``shared[u]`` when it occurs in both. Units outside the tables weigh 0 and words
    outside the IDF table get ``idf_default`` (the IDF of a word seen once: unseen words are rare).
    """

    def __init__(
        self,
        idf: Mapping[str, float],
        idf_default: float,
        shared: Mapping[str, float],
        apart: Mapping[str, float],
        coef: Iterable[float],
        intercept: float,
        threshold: float,
        strict_threshold: float | None = None,
    ) -> None:
        self.idf_table = dict(idf)
        self.known_words = frozenset(self.idf_table)
        self.idf_default = idf_default
        self.apart = {u: apart.get(u, 0.0) for u in {*shared, *apart}}
        # Shared units are visited per pair; fold the "not apart" correction in once here.
        self.shared_delta = {u: shared.get(u, 0.0) - 2 * self.apart.get(u, 0.0) for u in {*shared, *apart}}
        self.weighed_units = frozenset(self.shared_delta)
        self.coef = tuple(coef)
        if len(self.coef) != len(FEATURES):
            raise ValueError(f"{len(self.coef)} coefficients for {len(FEATURES)} features")
        self.intercept = intercept
        self.threshold = threshold
        self.strict_threshold = threshold if strict_threshold is None else strict_threshold
        # ~16 KB a profile: 4096 of them (the hot cluster representatives) stay under 70 MB.
        self.profile = lru_cache(maxsize=1 << 12)(self._profile)
        # ~1 KB a gist; the new claims' own (looked up again for every candidate) are the hits.
        self.gist = lru_cache(maxsize=1 << 14)(self._gist)

    def _gist(self, toks: tuple[str, ...]) -> Gist:
        """What the cheap veto needs (``may_be_same``); ``Profile`` takes it from here too, so
        the veto and the full decision compute the same floats."""
        words = frozenset(toks)
        idf, default = self.idf_table, self.idf_default
        idf_of = {w: idf.get(w, default) for w in words - STOPWORDS}
        return (
            frozenset(w for w in words if w[0].isdigit()),
            not NEGATIONS.isdisjoint(words),
            idf_of,
            math.fsum(idf_of.values()),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> Scorer:
        """Read a model written by ``tools/train_pairs.py``."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: feature list differs from this code's; retrain the model")
        units = data["units"]
        return cls(
            idf=data["idf"],
            idf_default=data["idf_default"],
            shared={u: w[0] for u, w in units.items()},
            apart={u: w[1] for u, w in units.items()},
            coef=data["coef"],
            intercept=data["intercept"],
            threshold=data["threshold"],
            strict_threshold=data["strict_threshold"],
        )

    def idf(self, word: str) -> float:
        """IDF of ``word`` in the training sentences (``idf_default`` if unseen)."""
        return self.idf_table.get(word, self.idf_default)

    def _profile(self, toks: tuple[str, ...]) -> Profile:
        return Profile(toks, self)

    def features(self, a: Profile, b: Profile) -> list[float]:
        """The dense features of the pair, in ``FEATURES`` order (symmetric in a and b)."""
        words = a.words & b.words
        content = a.content & b.content
        return [
            *_overlap(a, b, words, content),
            *_weighted(a, b, content, len(words) - len(content)),
            _jaccard(a.bigrams, b.bigrams),
            _jaccard(a.trigrams, b.trigrams),
            _jaccard(a.fourgrams, b.fourgrams),
            _jaccard(a.prefixes, b.prefixes),
            *_sequence(a, b, words),
            *_numbers(a.numbers, b.numbers),
            *_shape(a, b, len(words) - len(content)),
        ]

    def lexicon(self, a: Profile, b: Profile) -> float:
        """Per-unit logit contribution: apart weights of both texts, corrected for shared units."""
        return a.lexicon + b.lexicon + math.fsum(map(a.deltas.__getitem__, a.deltas.keys() & b.deltas.keys()))

    def same_statement(self, result: PairScore) -> bool:
        """Dedup decision for two claims whose speakers are already known to be compatible.

        ``result.duplicate`` is MRPC's notion of equivalence at its F1-optimal cut, which
        tolerates different figures and polarity (MRPC calls "the index rose 3 points" / "rose
        5 points" a paraphrase) and rejects partial reports. For claims we want the reverse on
        both counts, and fewer false merges: a claim is the same statement if it has the same
        figures and polarity and is either equivalent at ``strict_threshold`` (the cut where
        MRPC precision reaches 0.85) or a partial report of the other.
        """
        f = result.features
        if f.get("numbers_contradict", 0.0) or f.get("negation_mismatch", 0.0):
            return False
        if f.get("shared_idf_min", 1.0) < SAME_MIN_SHARED_IDF:
            return False
        return result.score >= self.strict_threshold or f.get("partial_report", 0.0) >= 1.0

    def may_be_same(self, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        """False when ``same_statement`` must refuse the pair whatever its score (contradicting
        figures, one side negated, or too little shared: ``SAME_MIN_SHARED_IDF``): the dedup hot
        path skips scoring those candidates, and checks this without building their profiles."""
        na, nega, ia, ta = self.gist(a)
        nb, negb, ib, tb = self.gist(b)
        if nega != negb or _contradict(na, nb):
            return False
        return _shared_idf_min(ia, ta, ib, tb) >= SAME_MIN_SHARED_IDF

    def sketch(self, toks: tuple[str, ...]) -> int:
        """A compact summary of ``toks`` (``SKETCH_SIZE`` bits) against which ``may_share``
        checks the cheap veto without the text: a stored text's sketch lets the dedup hot path
        refuse it without reading, tokenising or profiling it. Word bits come from a fixed
        hash: which candidates a sketch refuses, and so which ones a claim examines, is the same
        in every process."""
        _, negated, idf_of, total = self.gist(toks)
        mask = 0
        for word in idf_of:
            mask |= 1 << _word_bit(word)
        return (min(int(total * 16), 0xFFFF) << 2 | 1 << negated) << SKETCH_BITS | mask

    def probe(self, toks: tuple[str, ...]) -> Probe:
        """What ``may_share`` needs of the new text: its word bits, the IDF mass behind each
        bit (words sharing a bit add up), its IDF mass."""
        _, negated, idf_of, total = self.gist(toks)
        weights = [0.0] * SKETCH_BITS
        mask = 0
        for word, idf in idf_of.items():
            bit = _word_bit(word)
            weights[bit] += idf
            mask |= 1 << bit
        return mask, weights, total, negated

    def may_share(self, probe: Probe, sketch: int) -> bool:
        """False only when ``may_be_same`` is False for the probe's text against the sketched
        one (against each of them, for a union): one is negated and the other not, or they lack
        shared IDF mass. A bit shared by chance only adds to the bound, and the sketched mass
        is rounded down: the bound never refuses a pair the floor accepts."""
        mask, weights, total, negated = probe
        above = sketch >> SKETCH_BITS
        if not above >> negated & 1:
            return False
        small = min(total, (above >> 2) / 16)
        shared = 0.0
        common = mask & sketch
        while common:
            low = common & -common
            shared += weights[low.bit_length() - 1]
            common ^= low
        return shared + 1e-9 >= SAME_MIN_SHARED_IDF * small

    def score(self, a: tuple[str, ...], b: tuple[str, ...]) -> PairScore:
        """Score a pair of token tuples (see the module contract)."""
        pa, pb = self.profile(a), self.profile(b)
        if pa.content.isdisjoint(pb.content):
            return PairScore(0.0, False, {"content_jaccard": 0.0, "shared_idf_min": 0.0})
        values = self.features(pa, pb)
        lexicon = self.lexicon(pa, pb)
        z = self.intercept + lexicon + sum(map(mul, self.coef, values))
        score = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
        opposite = _opposite(pa, pb)
        if opposite:
            score *= CONTRADICTION_FACTOR
        features = dict(zip(FEATURES, values))  # noqa: B905 (lengths checked at load)
        features["lexicon"] = lexicon
        features["opposite"] = float(opposite)
        features["numbers_contradict"] = float(_contradict(pa.numbers, pb.numbers))
        features["partial_report"] = float(_partial_report(pa, pb))
        features["shared_idf_min"] = _shared_idf_min(pa.idf_of, pa.idf, pb.idf_of, pb.idf)
        return PairScore(score, score >= self.threshold, features)


# A token tuple's figures, whether it is negated, its content words' IDFs and their sum.
Gist = tuple[frozenset[str], bool, dict[str, float], float]
# A text's content-word bits, the IDF mass behind each bit, its whole IDF mass, negated or not.
Probe = tuple[int, list[float], float, bool]


@lru_cache(maxsize=1 << 16)
def _word_bit(word: str) -> int:
    return zlib.crc32(word.encode("utf-8", "surrogatepass")) % SKETCH_BITS


def union(a: int, b: int) -> int:
    """The sketch of a set of texts from two sketches (see ``SKETCH_BITS``)."""
    flags = (a | b) >> SKETCH_BITS & 3
    mass = min(a >> SKETCH_BITS + 2, b >> SKETCH_BITS + 2)
    return (mass << 2 | flags) << SKETCH_BITS | (a | b) & _WORD_BITS


def _shared_idf_min(ia: dict[str, float], ta: float, ib: dict[str, float], tb: float) -> float:
    """IDF mass of the content words two texts share, over the smaller text's (0 if it has none)."""
    small = min(ta, tb)
    if small <= 0:
        return 0.0
    return math.fsum(map(ia.__getitem__, ia.keys() & ib.keys())) / small


def _contradict(na: frozenset[str], nb: frozenset[str]) -> bool:
    """Both texts carry figures, and each one a figure the other lacks."""
    return bool(na and nb and na - nb and nb - na)


def _opposite(a: Profile, b: Profile) -> bool:
    """Whether one text has a word the other lacks whose opposite only the other has."""
    if not a.polar or not b.polar or a.polar == b.polar:
        return False
    only_b = b.polar - a.polar
    return any(not _OPPOSITE_OF[w].isdisjoint(only_b) for w in a.polar - b.polar)


def _partial_report(a: Profile, b: Profile) -> bool:
    """Whether one text reports a part of the other in largely the same words.

    MRPC-style equivalence (``duplicate``) rejects a pair when one side carries extra
    information; two outlets quoting the same source often do exactly that (one truncates the
    quote, or translates the rest differently). This is the evidence that such a pair is still one
    statement: at least ``PARTIAL_MIN_SHARED`` shared content words carrying at least half of the
    shorter text's IDF mass, a shared stretch of ``PARTIAL_MIN_SPAN`` tokens, the same figures and
    the same polarity. It says nothing about the speakers: callers check those.
    """
    content = a.content & b.content
    if len(content) < PARTIAL_MIN_SHARED or a.numbers != b.numbers or a.negated != b.negated:
        return False
    if math.fsum(map(a.idf_of.__getitem__, content)) < PARTIAL_MIN_CONTAINMENT * min(a.idf, b.idf):
        return False
    # Reached by few pairs: the span n-grams are built here rather than in every Profile.
    return not _spans(a.tokens).isdisjoint(_spans(b.tokens))


@lru_cache(maxsize=1 << 12)  # the new claim's are needed again for each candidate that gets here
def _spans(toks: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """Word n-grams of the partial-report span length."""
    return frozenset(zip(*(toks[i:] for i in range(PARTIAL_MIN_SPAN)), strict=False))


def _overlap(a: Profile, b: Profile, words: frozenset[str], content: frozenset[str]) -> list[float]:
    """Word-set Jaccard and content-word Jaccard."""
    union_c = len(a.content) + len(b.content) - len(content)
    return [
        len(words) / (len(a.words) + len(b.words) - len(words)),
        len(content) / union_c if union_c else 0.0,
    ]


def _weighted(a: Profile, b: Profile, content: frozenset[str], shared_stops: int) -> list[float]:
    """IDF-weighted overlap, unmatched IDF mass and unmatched (rare, function) word counts."""
    shared = math.fsum(map(a.idf_of.__getitem__, content))
    big, small = (a.idf, b.idf) if a.idf >= b.idf else (b.idf, a.idf)
    union = big + small - shared
    only_a, only_b = len(a.content) - len(content), len(b.content) - len(content)
    return [
        shared / union if union > 0 else 0.0,
        shared / big if big > 0 else 0.0,
        big - shared,
        small - shared,
        max(only_a, only_b),
        min(only_a, only_b),
        max(len(a.rare - content) if a.rare else 0, len(b.rare - content) if b.rare else 0),
        max(len(a.stops), len(b.stops)) - shared_stops,
    ]


def _sequence(a: Profile, b: Profile, words: frozenset[str]) -> list[float]:
    """LCS ratios and the stretches of each text that the other lacks."""
    lcs = _lcs(a, b) if a.n <= b.n else _lcs(b, a)
    run_a, count_a = _runs(a, words)
    run_b, count_b = _runs(b, words)
    return [
        lcs / max(a.n, b.n),
        lcs / min(a.n, b.n),
        max(run_a, run_b),
        min(run_a, run_b),
        max(count_a, count_b),
        min(count_a, count_b),
    ]


_NO_NUMBERS: Final = (0.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def _numbers(na: frozenset[str], nb: frozenset[str]) -> Sequence[float]:
    """Agreement of the figures quoted: different numbers are strong evidence of a different claim."""
    if not na and not nb:
        return _NO_NUMBERS  # most claims quote no figure
    both, either = bool(na and nb), bool(na or nb)
    return [
        float(both),
        float(either),
        float(na != nb),
        float(both and na != nb),
        len(na & nb) / len(na | nb) if either else 1.0,
        len(na ^ nb),
    ]


def _shape(a: Profile, b: Profile, shared_stops: int) -> list[float]:
    """Length agreement, negation and attribution mismatch, function-word overlap, same ends."""
    short, long = min(a.n, b.n), max(a.n, b.n)
    union_stops = len(a.stops) + len(b.stops) - shared_stops
    return [
        short / long,
        long - short,
        min(a.log_n, b.log_n),
        max(a.log_n, b.log_n),
        float(a.negated != b.negated),
        float(a.said != b.said),
        shared_stops / union_stops if shared_stops else 0.0,
        float(a.head == b.head),
        float(a.tail == b.tail),
    ]


@lru_cache(maxsize=1)
def shipped() -> Scorer:
    """The model in ``model.json``, loaded on first use (so the trainer can import this module
    while no model, or one for another feature list, is on disk)."""
    return Scorer.load()


def score_tokens(a: tuple[str, ...], b: tuple[str, ...]) -> PairScore:
    """Score two pre-normalised token tuples (``normalize.tokens`` output) with the shipped model."""
    return shipped().score(a, b)


def score_pair(a: str, b: str) -> PairScore:
    """Score two claim texts: ``score_tokens(tokens(a), tokens(b))``."""
    return shipped().score(tokens(a), tokens(b))


def same_statement(result: PairScore) -> bool:
    """The dedup stage's merge decision for a scored pair of same-source claims (see
    ``Scorer.same_statement``); use it instead of ``result.duplicate`` once speakers match."""
    return shipped().same_statement(result)


# -- candidate generation -----------------------------------------------------------------------

_MASK64: Final = (1 << 64) - 1
_EMPTY: Final = 1 << 32  # larger than any 32-bit hash: the signature slot of an empty text


def _params(num_perm: int) -> tuple[tuple[int, int], ...]:
    """Fixed multiply-shift hash parameters (odd multipliers), derived from BLAKE2b of the index."""
    out = []
    for i in range(num_perm):
        digest = blake2b(f"claimwire-minhash-{i}".encode(), digest_size=16).digest()
        out.append((int.from_bytes(digest[:8], "little") | 1, int.from_bytes(digest[8:], "little")))
    return tuple(out)


_PARAMS: Final = _params(256)


@lru_cache(maxsize=1 << 13)  # ~2.5 KB a row: 8192 rows, 20 MB
def _shingle_row(shingle: str, num_perm: int) -> tuple[int, ...]:
    """The shingle's value under each of the ``num_perm`` hash functions (cached: Zipfian words)."""
    x = int.from_bytes(blake2b(shingle.encode(), digest_size=8).digest(), "little")
    return tuple((((a * x + b) & _MASK64) >> 32) for a, b in _PARAMS[:num_perm])


def minhash(tokens: tuple[str, ...], num_perm: int = 64) -> tuple[int, ...]:
    """MinHash signature of the content-word set of ``tokens`` (all words if none is content).

    Content words, not n-grams: paraphrases share words far more than word sequences, and the
    candidate stage must not lose them. Deterministic across processes; ``num_perm`` ≤ 256.
    """
    if not 0 < num_perm <= len(_PARAMS):
        raise ValueError(f"num_perm must be in 1..{len(_PARAMS)}")
    words = {t for t in tokens if t not in STOPWORDS} or set(tokens)
    if not words:
        return (_EMPTY,) * num_perm
    return tuple(map(min, zip(*[_shingle_row(w, num_perm) for w in words], strict=True)))


def lsh_bands(signature: tuple[int, ...], bands: int = 16) -> list[str]:
    """One key per band of ``len(signature) // bands`` rows: "band:16 hex digits" strings.

    Texts whose signatures agree on all rows of some band share that band's key; the band index
    in the key keeps equal rows in different bands apart. Values must fit in 32 bits + 1 (as
    ``minhash`` produces).
    """
    if bands <= 0 or len(signature) < bands:
        raise ValueError("need 1 <= bands <= len(signature)")
    rows = len(signature) // bands
    data = b"".join(v.to_bytes(5, "little") for v in signature)
    width = 5 * rows
    return [
        f"{band}:{blake2b(data[band * width : (band + 1) * width], digest_size=8).hexdigest()}"
        for band in range(bands)
    ]
