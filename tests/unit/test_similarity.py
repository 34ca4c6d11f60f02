"""The dedup decision function: normalisation, pair scoring, candidate keys, speakers.

Sentences here are invented. Two tests read the team kit beside the checkout: the MRPC training
pairs (quality floor of the shipped model) and the seed gold clusters (no false merges, the
cross-outlet pairs found).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest

from services.dedup.normalize import STOPWORDS, tokens
from services.dedup.similarity import (
    SAME_MIN_SHARED_IDF,
    lsh_bands,
    minhash,
    same_statement,
    score_pair,
    score_tokens,
    shipped,
    union,
)
from services.dedup.speakers import block_key, speakers_compatible

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
MRPC = SHARED / "dev" / "mrpc-train.pairs.jsonl"
SEEDS = SHARED / "gold" / "seeds.json"

# -- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Shelling in Kyiv and Luhansk", "shelling in Kiev and Lugansk"),
        ("the cease-fire held", "The ceasefire held"),
        ("Kyiv’s “new” offer — rejected", 'Kiev\'s "new" offer - rejected'),
        ("Zelenskiy met Zelensky", "Zelenskyy met Zelenskyy"),
        ("the organisation's defence programme", "the organization's defense program"),
        ("He hasn't rejected it", "he has not rejected it"),
        ("Five soldiers were wounded", "5 soldiers were wounded"),
        ("they took advantage of it", "they are taking advantage of it"),
        ("a counter-offer", "a counter offer"),
        ("the Ukrainian president", "the president of Ukraine"),
        ("Naïve café", "naive cafe"),
    ],
)
def test_tokens_unify_variants(a: str, b: str) -> None:
    def content(text: str) -> set[str]:
        return set(tokens(text)) - STOPWORDS - {"are", "of"}

    assert content(a) == content(b)


def test_tokens_keep_numbers_and_order() -> None:
    toks = tokens("More than 4,300 people died; prices rose 2.5% in 2014.")
    assert "4300" in toks
    assert "2.5" in toks
    assert "2014" in toks
    assert toks.index("4300") < toks.index("2014")
    assert tokens("12 soldiers") != tokens("13 soldiers")


def test_tokens_tell_the_country_from_the_pronoun() -> None:
    assert "usa" in tokens("US troops left")
    assert "usa" in tokens("U.S. troops left")
    assert "usa" not in tokens("they told us")


def test_tokens_of_empty_and_punctuation_only_text() -> None:
    assert tokens("") == ()
    assert tokens(" -- ... ") == ()


# -- pair scoring -------------------------------------------------------------------------------

SAME = [
    (
        "The Ukrainian side rejected the proposed plan without providing an alternative offer.",
        "The Ukrainian side rejected the proposed plan and did not make any counter offer.",
    ),
    (
        "The minister said the talks in Minsk would resume next week.",
        "Talks in Minsk will resume next week, the minister said.",
    ),
    (
        "Kyiv accused the rebels of shelling residential areas of Luhansk overnight.",
        "Kiev accused the rebels of shelling residential areas of Lugansk overnight.",
    ),
    (
        "The cease-fire has been broken dozens of times since it took effect.",
        "The ceasefire has been violated dozens of times since taking effect.",
    ),
    (
        "We will never give up a single piece of our land.",
        "We will never give up any piece of our land.",
    ),
]

DIFFERENT = [
    (
        "The minister said the talks in Minsk would resume next week.",
        "The minister said the talks in Minsk had collapsed and would not resume.",
    ),
    (
        "The governor said the new bridge will open to traffic in March.",
        "The governor said the old bridge will be closed to traffic for repairs.",
    ),
    (
        "Five civilians were killed in the shelling of Donetsk on Friday.",
        "Twelve civilians were killed in the shelling of Donetsk on Friday.",
    ),
    (
        "The army has withdrawn its heavy weapons from the front line.",
        "The army has not withdrawn its heavy weapons from the front line.",
    ),
    (
        "The central bank raised its key rate to 7.5 percent.",
        "The central bank cut its key rate to 6.5 percent.",
    ),
    (
        "Russia is ready to work with the OSCE to monitor the ceasefire.",
        "Russia accuses the OSCE of ignoring violations of the ceasefire.",
    ),
    (
        "The president will visit Paris and Berlin next month.",
        "The president cancelled his visit to Paris after the attack.",
    ),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_paraphrases_of_one_statement_merge(a: str, b: str) -> None:
    assert same_statement(score_pair(a, b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_distinct_statements_on_one_topic_stay_apart(a: str, b: str) -> None:
    assert not same_statement(score_pair(a, b))


def test_different_figures_never_merge_claims() -> None:
    result = score_pair(
        "Russia sent 40 trucks of aid to Donetsk.", "Russia sent 60 trucks of aid to Donetsk."
    )
    assert result.features["numbers_contradict"] == 1.0
    assert not same_statement(result)
    assert same_statement(
        score_pair("Russia sent 40 trucks of aid to Donetsk.", "Russia has sent 40 trucks of aid to Donetsk.")
    )


def test_opposites_veto_even_mrpc_equivalence() -> None:
    result = score_pair("Oil prices rose sharply on Monday.", "Oil prices fell sharply on Monday.")
    assert result.features["opposite"] == 1.0
    assert not result.duplicate


def test_score_contract() -> None:
    a, b = SAME[1]
    ab, ba = score_pair(a, b), score_pair(b, a)
    assert 0.0 <= ab.score <= 1.0
    assert ab.score == pytest.approx(ba.score)
    assert ab.duplicate == (ab.score >= shipped().threshold)
    assert ab == score_tokens(tokens(a), tokens(b))
    assert {"jaccard", "idf_jaccard", "lcs_max", "numbers_conflict", "lexicon"} <= ab.features.keys()
    assert score_pair(a, a).score > ab.score


def test_pairs_without_shared_content_score_zero() -> None:
    result = score_pair("Oil prices rose on Monday.", "The talks ended without agreement.")
    assert result.score == 0.0
    assert not result.duplicate
    assert score_pair("", "").score == 0.0


# -- candidate generation -----------------------------------------------------------------------


def test_scores_minhash_and_sketches_are_deterministic_across_processes() -> None:
    a, b = SAME[0]
    code = (
        "from services.dedup.normalize import tokens;"
        "from services.dedup.similarity import minhash, score_pair, shipped;"
        f"print(repr(score_pair({a!r}, {b!r}).score)); print(list(minhash(tokens({a!r}))));"
        f"print(shipped().sketch(tokens({a!r})))"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == repr(score_pair(a, b).score)
    assert json.loads(out[1]) == list(minhash(tokens(a)))
    assert int(out[2]) == shipped().sketch(tokens(a))  # which candidates a claim examines


def test_minhash_and_bands_shape() -> None:
    sig = minhash(tokens("Talks in Minsk will resume next week."), num_perm=64)
    assert len(sig) == 64
    assert all(0 <= v < 2**32 for v in sig)
    keys = lsh_bands(sig, bands=16)
    assert len(keys) == 16
    assert len(set(keys)) == 16
    assert keys == lsh_bands(sig, bands=16)
    assert minhash(()) == minhash(tokens("..."))
    with pytest.raises(ValueError):
        minhash(("a",), num_perm=0)
    with pytest.raises(ValueError):
        lsh_bands(sig[:8], bands=16)


def test_lsh_bands_bring_near_duplicates_together() -> None:
    def keys(text: str) -> set[str]:
        return set(lsh_bands(minhash(tokens(text))))

    a = keys("Kyiv accused the rebels of shelling residential areas of Luhansk overnight.")
    b = keys("Kiev accused the rebels of shelling residential areas of Lugansk overnight!")
    c = keys("The central bank cut its key rate to 6.5 percent.")
    assert a == b
    assert not a & c


# -- speakers -----------------------------------------------------------------------------------

NAMES = [
    "Peskov",
    "Dmitry Peskov",
    "Kremlin spokesman Dmitry Peskov",
    "Dmitry Peskov, the Kremlin's spokesman",
    "D. Peskov",
    "Vladimir Peskov",
    "Russian Foreign Ministry",
    "the foreign ministry",
    "Ministry of Foreign Affairs of Russia",
    "Ukrainian Foreign Ministry",
    "Vladimir Putin",
    "Russian President Vladimir Putin",
    "Petro Poroshenko",
    "Volodymyr Zelensky",
    "President Zelenskiy",
    "Kremlin",
    "the Kremlin",
    "UN Security Council",
    "an official",
]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Peskov", "Dmitry Peskov"),
        ("Dmitry Peskov", "Kremlin spokesman Dmitry Peskov"),
        ("Peskov", "Dmitry Peskov, the Kremlin's spokesman"),
        ("D. Peskov", "Dmitry Peskov"),
        ("Russian Foreign Ministry", "the foreign ministry"),
        ("Ministry of Foreign Affairs of Russia", "Russian Foreign Ministry"),
        ("Vladimir Putin", "Russian President Vladimir Putin"),
        ("Volodymyr Zelensky", "President Zelenskiy"),
        ("Kremlin", "the Kremlin"),
        (None, None),
    ],
)
def test_compatible_speakers(a: str | None, b: str | None) -> None:
    assert speakers_compatible(a, b)
    assert speakers_compatible(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dmitry Peskov", "Vladimir Peskov"),
        ("Russian Foreign Ministry", "Ukrainian Foreign Ministry"),
        ("Vladimir Putin", "Petro Poroshenko"),
        ("Kremlin", "Dmitry Peskov"),
        (None, "Peskov"),
        ("Peskov", None),
    ],
)
def test_incompatible_speakers(a: str | None, b: str | None) -> None:
    assert not speakers_compatible(a, b)
    assert not speakers_compatible(b, a)


def test_compatible_speakers_share_a_block_key() -> None:
    speakers: list[str | None] = [*NAMES, None]
    for a, b in combinations(speakers, 2):
        if speakers_compatible(a, b):
            assert block_key(a) == block_key(b), (a, b)
    assert block_key(None) == ""
    assert block_key("Kremlin spokesman Dmitry Peskov") == "peskov"
    assert block_key("Russian Foreign Ministry") == block_key("the foreign ministry") != ""


# -- the team kit's data ------------------------------------------------------------------------


def test_quality_on_mrpc_training_pairs() -> None:
    """A floor under the shipped model (this is its training data: the figures are training fit;
    the cross-validated ones are in model.json's report)."""
    rows = [json.loads(line) for line in MRPC.read_text(encoding="utf-8").splitlines() if line]
    pred = [score_pair(r["a"], r["b"]).duplicate for r in rows]
    gold = [bool(r["duplicate"]) for r in rows]
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    accuracy = sum(p == g for p, g in zip(pred, gold, strict=True)) / len(rows)
    precision = tp / sum(pred)
    recall = tp / sum(gold)
    f1 = 2 * precision * recall / (precision + recall)
    assert accuracy >= 0.92 and precision >= 0.91 and f1 >= 0.94, (accuracy, precision, recall, f1)


def _cross_article_pairs() -> list[tuple[bool, dict[str, object], dict[str, object]]]:
    claims = json.loads(SEEDS.read_text(encoding="utf-8"))["claims"]
    out = []
    for a, b in combinations(claims, 2):
        if a["article"] != b["article"] and speakers_compatible(a["speaker"], b["speaker"]):
            out.append((a["cluster"] is not None and a["cluster"] == b["cluster"], a, b))
    return out


def test_seed_gold_clusters() -> None:
    found: list[tuple[object, object]] = []
    missed: list[tuple[object, object]] = []
    false_merges: list[tuple[object, object]] = []
    for same, a, b in _cross_article_pairs():
        merged = same_statement(score_pair(str(a["text"]), str(b["text"])))
        if merged and not same:
            false_merges.append((a["id"], b["id"]))
        elif same:
            (found if merged else missed).append((a["id"], b["id"]))
    assert false_merges == []
    # The one miss restates the plan as "Putin's weaponry withdrawal proposal was 'rejected'":
    # three shared words, the rest needs knowing what the plan was.
    assert missed == [("seed-000-04", "seed-001-05")]
    assert len(found) == 4


def test_cheap_veto_never_refuses_what_the_full_decision_accepts() -> None:
    # ``may_be_same`` runs before any profile is built; it may only refuse pairs that
    # ``same_statement`` refuses too, and the floor it applies is the one the decision reports.
    scorer = shipped()
    texts = [t for pair in (*SAME, *DIFFERENT) for t in pair]
    for a, b in combinations(texts, 2):
        ta, tb = tokens(a), tokens(b)
        result = scorer.score(ta, tb)
        if scorer.same_statement(result):
            assert scorer.may_be_same(ta, tb), (a, b)
        if not scorer.may_be_same(ta, tb):
            assert not scorer.same_statement(result), (a, b)


def test_sketch_never_refuses_what_the_cheap_veto_accepts() -> None:
    # Dedup refuses a candidate by its stored sketch without reading its text; that bound may
    # only refuse pairs that ``may_be_same`` refuses. MRPC sentences against their pair and
    # against the next pair's (mostly unrelated, some on one subject), both ways round.
    scorer = shipped()
    rows = [json.loads(line) for line in MRPC.read_text(encoding="utf-8").splitlines()[:1500]]
    texts = [tokens(t) for row in rows for t in (row["a"], row["b"])]
    pairs = [(a, b) for i, a in enumerate(texts) for b in texts[i + 1 : i + 4]]
    refused = 0
    for a, b in [*pairs, *((b, a) for a, b in pairs)]:
        if not scorer.may_share(scorer.probe(a), scorer.sketch(b)):
            assert not scorer.may_be_same(a, b), (a, b)
            refused += 1
    assert refused > len(pairs) // 2  # and it does refuse most unrelated pairs
    # A cluster's handle carries the union of its texts' sketches: refused only if each is.
    for a, b, c in zip(texts, texts[1:], texts[5:], strict=False):
        if not scorer.may_share(scorer.probe(a), union(scorer.sketch(b), scorer.sketch(c))):
            assert not scorer.may_be_same(a, b) and not scorer.may_be_same(a, c), (a, b, c)


def test_texts_sharing_little_of_their_weight_are_not_one_statement() -> None:
    # One subject, a few shared words: under the shared-IDF floor, whatever the model says.
    a = "The council will publish the flood wall survey next week and consult residents."
    b = "Residents of the harbour district said the new wall had ruined the view for good."
    result = score_pair(a, b)
    assert result.features["shared_idf_min"] < SAME_MIN_SHARED_IDF
    assert not same_statement(result)
    assert not shipped().may_be_same(tokens(a), tokens(b))
