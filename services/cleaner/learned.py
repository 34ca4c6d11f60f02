"""Learned per-outlet boilerplate: lines that recur across many articles of one outlet.

State per outlet is a JSON-able dict ``{"n": articles seen, "fp": {fingerprint: articles}}``
kept in a Faust table keyed by outlet (the fetched-articles topic is keyed by outlet, so each
worker owns its outlets' state). A fingerprint is learned once the outlet has at least
``min_articles`` articles and the line occurred in at least ``min_share`` of them (and at least
``min_articles`` times). State is bounded: past ``max_lines`` fingerprints the rarest are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.cleaner.clean import candidate_lines, line_fingerprint

OutletState = dict[str, Any]


@dataclass(frozen=True, slots=True)
class LearnPolicy:
    min_articles: int = 3
    min_share: float = 0.5
    max_lines: int = 400


def observe(state: OutletState | None, text: str, policy: LearnPolicy) -> OutletState:
    """The outlet's state after one more article with raw ``text`` (a new dict)."""
    counts: dict[str, int] = dict((state or {}).get("fp", {}))
    for fp in {line_fingerprint(line) for line in candidate_lines(text)}:
        counts[fp] = counts.get(fp, 0) + 1
    if len(counts) > policy.max_lines:
        # Keep the most frequent (ties: by fingerprint, so every worker prunes alike).
        keep = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: policy.max_lines]
        counts = dict(keep)
    return {"n": (state or {}).get("n", 0) + 1, "fp": counts}


def learned(state: OutletState | None, policy: LearnPolicy) -> frozenset[str]:
    """Fingerprints that are boilerplate for this outlet under ``policy``."""
    if not state or state["n"] < policy.min_articles:
        return frozenset()
    need = max(policy.min_articles, policy.min_share * state["n"])
    return frozenset(fp for fp, count in state["fp"].items() if count >= need)
