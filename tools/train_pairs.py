"""Learn ``services/dedup/model.json`` from labelled sentence pairs (offline; needs numpy).

Input: JSON lines ``{"id", "a", "b", "duplicate"}`` (the MRPC training split by default). Output:
the model file the dedup stage loads, holding only learned numbers: logistic coefficients for the
dense features of ``services.dedup.similarity.FEATURES``, an IDF table and per-unit weights for
words and word bigrams seen in at least two pairs, and the decision threshold. No sentence is
stored.

The model is a logistic regression over (1) the standardised dense features, (2) two naive-Bayes
sums per unit kind (log-likelihood ratios of a unit being shared/unshared in duplicates versus
non-duplicates; cross-fitted, so a pair never sees tables learned from itself) and (3) sparse
shared/apart indicators per unit. (2) and (3) are linear in per-unit weights, so the exported
model folds them into one ``units`` table: ``unit -> [weight if shared, weight if in one text]``.

The threshold (``duplicate``) maximises F1 subject to precision >= --min-precision on out-of-fold
scores; the strict threshold used by the claims decision (``same_statement``) is the same choice at
--strict-precision. Reported quality is nested cross-validation: every outer test fold is scored
by a model and a threshold chosen without it. The figures land in the model's ``report``.
Deterministic (seeded folds, full-batch optimiser); about 4 minutes on 2 cores.

    python tools/train_pairs.py [PAIRS.jsonl] [--out services/dedup/model.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

# One BLAS thread: multi-threaded sums change the last digits of the weights from run to run.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.dedup.normalize import tokens  # noqa: E402
from services.dedup.similarity import FEATURES, PairScore, Profile, Scorer  # noqa: E402

Vec = npt.NDArray[np.float64]
Idx = npt.NDArray[np.int64]
DEFAULT_PAIRS = ROOT.parent / "shared" / "dev" / "mrpc-train.pairs.jsonl"
NB_ALPHA = 2.0  # add-alpha smoothing of the naive-Bayes shared/unshared rates
MIN_PAIRS = 2  # a unit needs evidence from two pairs to get a weight (bounds the table, too)
L2_DENSE = 1.0
L2_UNITS = 10.0


@dataclass(frozen=True)
class Data:
    """Token tuples and labels of all pairs, and each pair's (shared, apart) units."""

    a: list[tuple[str, ...]]
    b: list[tuple[str, ...]]
    y: Vec
    pair_units: list[tuple[frozenset[str], frozenset[str]]]

    def units(self, i: int) -> tuple[frozenset[str], frozenset[str]]:
        """(shared units, apart units) of pair ``i``: words and "w1 w2" bigrams."""
        return self.pair_units[i]


def _units(toks: tuple[str, ...]) -> frozenset[str]:
    """The units the per-unit weights are keyed by (the same as ``Profile.units``)."""
    return frozenset(toks) | frozenset(map(" ".join, pairwise(toks)))


def load(path: Path) -> Data:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    a = [tokens(r["a"]) for r in rows]
    b = [tokens(r["b"]) for r in rows]
    units = [(_units(x), _units(z)) for x, z in zip(a, b, strict=True)]
    return Data(
        a=a,
        b=b,
        y=np.array([bool(r["duplicate"]) for r in rows], dtype=np.float64),
        pair_units=[(ua & ub, ua ^ ub) for ua, ub in units],
    )


# -- tables learned from a training subset ------------------------------------------------------


def idf_table(data: Data, idx: Idx) -> tuple[dict[str, float], float]:
    """Smoothed IDF over the training sentences; words seen in one sentence only get the default."""
    df: Counter[str] = Counter()
    for i in idx:
        df.update(set(data.a[i]))
        df.update(set(data.b[i]))
    n = 2 * len(idx)
    idf = {w: math.log((n + 1) / (c + 1)) + 1 for w, c in df.items() if c >= MIN_PAIRS}
    return idf, math.log((n + 1) / 2) + 1


def nb_tables(data: Data, idx: Idx) -> dict[str, tuple[float, float]]:
    """unit -> (log LR if shared, log LR if apart) between duplicates and non-duplicates."""
    counts: dict[str, list[int]] = {}
    for i in idx:
        shared, apart = data.units(i)
        base = 0 if data.y[i] else 2
        for u in shared:
            counts.setdefault(u, [0, 0, 0, 0])[base] += 1
        for u in apart:
            counts.setdefault(u, [0, 0, 0, 0])[base + 1] += 1
    out = {}
    for u, (ps, pa, ns, na) in counts.items():
        if ps + pa + ns + na < MIN_PAIRS:
            continue
        p = (ps + NB_ALPHA) / (ps + pa + 2 * NB_ALPHA)
        q = (ns + NB_ALPHA) / (ns + na + 2 * NB_ALPHA)
        out[u] = (math.log(p / q), math.log((1 - p) / (1 - q)))
    return out


def nb_sums(data: Data, i: int, table: dict[str, tuple[float, float]]) -> list[float]:
    """The four naive-Bayes sums of pair ``i``: word shared, word apart, bigram shared, bigram apart.

    ``math.fsum``: exact, so the (hash-seeded) set iteration order cannot change the result.
    """
    shared, apart = data.units(i)
    parts: list[list[float]] = [[], [], [], []]
    for u in shared & table.keys():
        parts[2 if " " in u else 0].append(table[u][0])
    for u in apart & table.keys():
        parts[3 if " " in u else 1].append(table[u][1])
    return [math.fsum(p) for p in parts]


def folds(y: Vec, idx: Idx, k: int, seed: int) -> list[Idx]:
    """Stratified folds of ``idx``."""
    rng = np.random.default_rng(seed)
    pos, neg = idx[y[idx] == 1].copy(), idx[y[idx] == 0].copy()
    rng.shuffle(pos)
    rng.shuffle(neg)
    return [np.sort(np.concatenate([pos[f::k], neg[f::k]])) for f in range(k)]


# -- the model ----------------------------------------------------------------------------------


@dataclass
class Fitted:
    """A fitted model in training form (standardised dense part + unit columns)."""

    idf: dict[str, float]
    idf_default: float
    nb: dict[str, tuple[float, float]]
    mean: Vec
    scale: Vec
    coef: Vec  # dense features then the four NB sums, on standardised inputs
    intercept: float
    unit_index: dict[str, int]  # unit -> column; shared at 2j, apart at 2j+1
    unit_coef: Vec

    def scorer(self, threshold: float = 0.5, strict_threshold: float | None = None) -> Scorer:
        """The equivalent run-time scorer (NB sums and standardisation folded into weights)."""
        raw = self.coef / self.scale
        nd = len(FEATURES)
        shared: dict[str, float] = {}
        apart: dict[str, float] = {}
        for u, j in self.unit_index.items():
            shared[u] = float(self.unit_coef[2 * j])
            apart[u] = float(self.unit_coef[2 * j + 1])
        for u, (sh, ap) in self.nb.items():
            k = nd + (2 if " " in u else 0)
            shared[u] = shared.get(u, 0.0) + float(raw[k] * sh)
            apart[u] = apart.get(u, 0.0) + float(raw[k + 1] * ap)
        return Scorer(
            idf=self.idf,
            idf_default=self.idf_default,
            shared=shared,
            apart=apart,
            coef=[float(c) for c in raw[:nd]],
            intercept=float(self.intercept - raw @ self.mean),
            threshold=threshold,
            strict_threshold=strict_threshold,
        )


def dense(data: Data, idx: Idx, idf: dict[str, float], idf_default: float) -> Vec:
    """Dense feature rows for pairs ``idx`` under a given IDF table (via the run-time code)."""
    scorer = Scorer(idf, idf_default, {}, {}, [0.0] * len(FEATURES), 0.0, 0.5)
    rows = []
    for i in idx:
        pa: Profile = scorer.profile(data.a[i])
        pb: Profile = scorer.profile(data.b[i])
        rows.append(scorer.features(pa, pb))
    return np.array(rows, dtype=np.float64)


def fit(data: Data, idx: Idx, seed: int) -> Fitted:
    """Fit IDF, NB tables (cross-fitted for the training rows) and the joint logistic model."""
    idf, idf_default = idf_table(data, idx)
    nb_rows = np.zeros((len(data.y), 4))
    for inner in folds(data.y, idx, 5, seed + 1000):
        table = nb_tables(data, np.setdiff1d(idx, inner))
        for i in inner:
            nb_rows[i] = nb_sums(data, int(i), table)
    x = np.hstack([dense(data, idx, idf, idf_default), nb_rows[idx]])
    mean, scale = x.mean(0), x.std(0) + 1e-9
    unit_counts: Counter[str] = Counter()
    for i in idx:
        shared, apart = data.units(int(i))
        unit_counts.update(shared | apart)
    unit_index = {u: j for j, u in enumerate(sorted(u for u, c in unit_counts.items() if c >= MIN_PAIRS))}
    cols, ptr = _unit_columns(data, idx, unit_index)
    coef, intercept, unit_coef = _logistic((x - mean) / scale, cols, ptr, 2 * len(unit_index), data.y[idx])
    return Fitted(idf, idf_default, nb_tables(data, idx), mean, scale, coef, intercept, unit_index, unit_coef)


def _unit_columns(data: Data, idx: Idx, unit_index: dict[str, int]) -> tuple[Idx, Idx]:
    """Sparse 0/1 unit indicators of pairs ``idx`` in CSR form (column indices, row pointers)."""
    cols: list[int] = []
    ptr = [0]
    for i in idx:
        shared, apart = data.units(int(i))
        # Sorted: the per-row sums then add in one order whatever the set iteration order.
        row = [2 * unit_index[u] for u in shared if u in unit_index]
        row += [2 * unit_index[u] + 1 for u in apart if u in unit_index]
        cols.extend(sorted(row))
        ptr.append(len(cols))
    return np.array(cols, dtype=np.int64), np.array(ptr, dtype=np.int64)


def _logistic(x: Vec, cols: Idx, ptr: Idx, n_units: int, y: Vec, iters: int = 800) -> tuple[Vec, float, Vec]:
    """L2-regularised logistic regression, dense + sparse parts, full-batch Adam (deterministic)."""
    n = len(y)
    rows = np.repeat(np.arange(n), np.diff(ptr))
    params = [np.zeros(x.shape[1]), np.zeros(1), np.zeros(n_units)]
    params[1][0] = math.log(y.mean() / (1 - y.mean()))
    l2 = [L2_DENSE, 0.0, L2_UNITS]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, iters + 1):
        z = x @ params[0] + params[1][0] + np.bincount(rows, params[2][cols], minlength=n)
        r = 1.0 / (1.0 + np.exp(-z)) - y
        grads = [x.T @ r / n, np.array([r.mean()]), np.bincount(cols, r[rows], minlength=n_units) / n]
        for k, g in enumerate(grads):
            g = g + l2[k] * params[k] / n
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            params[k] -= 0.05 * (m[k] / (1 - 0.9**t)) / (np.sqrt(v[k] / (1 - 0.999**t)) + 1e-8)
    return params[0], float(params[1][0]), params[2]


def predict(model: Scorer, data: Data, idx: Idx) -> Vec:
    """Run-time scores of pairs ``idx`` (the exported model, so CV measures what ships)."""
    return np.array([model.score(data.a[i], data.b[i]).score for i in idx])


# -- thresholds and metrics ---------------------------------------------------------------------


def metrics(scores: Vec, y: Vec, threshold: float) -> dict[str, float]:
    pred = scores >= threshold
    tp = float((pred & (y == 1)).sum())
    fp = float((pred & (y == 0)).sum())
    fn = float((~pred & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": float((pred == (y == 1)).mean()), "precision": precision, "recall": recall, "f1": f1}


def choose_threshold(scores: Vec, y: Vec, min_precision: float) -> float:
    """The cut maximising F1 among those with precision >= min_precision (else the strictest)."""
    order = np.argsort(-scores)
    s, t = scores[order], y[order]
    tp = np.cumsum(t)
    k = np.arange(1, len(s) + 1)
    precision, recall = tp / k, tp / t.sum()
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    distinct = np.append(s[1:] != s[:-1], True)  # only cut between different scores
    ok = distinct & (precision >= min_precision)
    if not ok.any():
        return float(s[0])
    best = int(np.argmax(np.where(ok, f1, -1.0)))
    return float(s[best])


def same_statement_metrics(model: Scorer, data: Data, oof: Vec) -> dict[str, float]:
    """MRPC figures of the claims decision (``Scorer.same_statement``) with out-of-fold scores.

    Its rules are not learned; only the score is, so out-of-fold scores make this an honest
    estimate (the strict cut itself was chosen on the same out-of-fold scores).
    """
    decisions = []
    for i, score in enumerate(oof):
        result = model.score(data.a[i], data.b[i])
        result = PairScore(float(score), bool(score >= model.threshold), result.features)
        decisions.append(model.same_statement(result))
    return metrics(np.array(decisions, dtype=np.float64), data.y, 0.5)


def oof_scores(data: Data, idx: Idx, seed: int) -> Vec:
    """Out-of-fold run-time scores for ``idx`` (5 folds), aligned with ``idx``."""
    out = np.zeros(len(data.y))
    for test in folds(data.y, idx, 5, seed):
        model = fit(data, np.setdiff1d(idx, test), seed).scorer()
        out[test] = predict(model, data, test)
    return out[idx]


def nested_cv(data: Data, min_precision: float, repeats: int, log: bool) -> dict[str, float]:
    """Mean test-fold metrics over ``repeats`` x 5 outer folds, thresholds chosen inside."""
    every = np.arange(len(data.y))
    results = []
    for rep in range(repeats):
        for f, test in enumerate(folds(data.y, every, 5, rep)):
            train = np.setdiff1d(every, test)
            threshold = choose_threshold(oof_scores(data, train, rep), data.y[train], min_precision)
            model = fit(data, train, rep).scorer(threshold)
            results.append(metrics(predict(model, data, test), data.y[test], threshold))
            if log:
                print(f"  repeat {rep} fold {f}: {_fmt(results[-1])}", file=sys.stderr, flush=True)
    return {k: float(np.mean([r[k] for r in results])) for k in results[0]}


def _fmt(m: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.4f}" for k, v in m.items())


# -- export -------------------------------------------------------------------------------------


def export(model: Scorer, fitted: Fitted, report: dict[str, object]) -> dict[str, object]:
    """The JSON document of a model (rounded: 4 decimals of a logit weight are plenty)."""
    units = {
        u: [round(model.shared_delta[u] + 2 * w, 4), round(w, 4)]
        for u, w in sorted(model.apart.items())
        if abs(w) >= 1e-4 or abs(model.shared_delta[u] + 2 * w) >= 1e-4
    }
    return {
        "about": "Learned by tools/train_pairs.py; weights only, no training text.",
        "features": list(FEATURES),
        "coef": [round(c, 6) for c in model.coef],
        "intercept": round(model.intercept, 6),
        "threshold": round(model.threshold, 6),
        "strict_threshold": round(model.strict_threshold, 6),
        "idf_default": round(fitted.idf_default, 4),
        "idf": {w: round(v, 3) for w, v in sorted(fitted.idf.items())},
        "units": units,
        "report": report,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pairs", nargs="?", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--out", type=Path, default=ROOT / "services" / "dedup" / "model.json")
    parser.add_argument("--min-precision", type=float, default=0.80, help="precision floor of `duplicate`")
    parser.add_argument("--strict-precision", type=float, default=0.85, help="of the claims decision's cut")
    parser.add_argument("--repeats", type=int, default=2, help="outer CV repeats (0: skip CV)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = load(args.pairs)
    report: dict[str, object] = {"pairs": len(data.y), "min_precision": args.min_precision}
    if args.repeats:
        report["nested_cv"] = _log("nested CV", nested_cv(data, args.min_precision, args.repeats, log=True))
    oof = oof_scores(data, np.arange(len(data.y)), 0)
    threshold = choose_threshold(oof, data.y, args.min_precision)
    strict = choose_threshold(oof, data.y, args.strict_precision)
    report["oof_at_threshold"] = _log("out-of-fold", metrics(oof, data.y, threshold))
    report["oof_at_strict_threshold"] = metrics(oof, data.y, strict)
    fitted = fit(data, np.arange(len(data.y)), 0)
    model = fitted.scorer(threshold, strict)
    report["training_fit"] = _log(
        "training fit", metrics(predict(model, data, np.arange(len(data.y))), data.y, threshold)
    )
    report["oof_same_statement"] = _log(
        "claims decision, out-of-fold", same_statement_metrics(model, data, oof)
    )
    doc = export(model, fitted, report)
    args.out.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    elapsed = time.perf_counter() - started
    print(f"wrote {args.out} ({len(fitted.idf)} idf words) in {elapsed:.0f}s", file=sys.stderr)
    return 0


def _log(label: str, figures: dict[str, float]) -> dict[str, float]:
    print(f"{label}: {_fmt(figures)}", file=sys.stderr, flush=True)
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
