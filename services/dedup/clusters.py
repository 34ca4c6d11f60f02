"""Claim clustering state: per speaker block, the clusters seen so far and how claims join them.

State is a mutable mapping ``block key -> list of cluster entries`` (plain JSON-able dicts, so
a Faust table can hold it and a dict can stand in for it in batch mode). Decisions depend only
on the order of claims within a block, and blocks are partitioned by key, so any number of
workers reaches the same clusters as one.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from services.dedup.normalize import tokens
from services.dedup.similarity import score_tokens
from services.dedup.speakers import speakers_compatible
from shared.ids import cluster_id
from shared.records import Claim, ClaimGroup

Entry = dict[str, Any]  # {"id", "speaker", "text", "tokens", "first", "last", "n"}
State = MutableMapping[str, Any]


def assign_clusters(group: ClaimGroup, state: State, *, window_s: float) -> ClaimGroup:
    """Give every claim of ``group`` a cluster id, updating ``state``; returns the new group.

    A claim joins the best-scoring existing cluster in its block whose speaker is compatible
    and whose representative it duplicates; otherwise it founds a cluster named after itself.
    Clusters not touched within ``window_s`` of this group's time are evicted.
    """
    now = group.submitted_ts
    entries: list[Entry] = [e for e in (state.get(group.block) or []) if e["last"] >= now - window_s]
    out = [_assign(claim, entries, now) for claim in group.claims]
    state[group.block] = entries
    return group.model_copy(update={"claims": out})


def _assign(claim: Claim, entries: list[Entry], now: float) -> Claim:
    toks = tokens(claim.text)
    best: Entry | None = None
    best_score = 0.0
    for entry in entries:
        if not speakers_compatible(claim.speaker, entry["speaker"]):
            continue
        result = score_tokens(toks, tuple(entry["tokens"]))
        if result.duplicate and result.score > best_score:
            best, best_score = entry, result.score
    if best is None:
        best = {
            "id": cluster_id(claim.claim_id),
            "speaker": claim.speaker,
            "text": claim.text,
            "tokens": list(toks),
            "first": now,
            "last": now,
            "n": 0,
        }
        entries.append(best)
    best["n"] += 1
    best["last"] = max(best["last"], now)
    if claim.speaker and len(claim.speaker) > len(best["speaker"] or ""):
        best["speaker"] = claim.speaker  # keep the fullest name for later comparisons
    return claim.model_copy(update={"cluster_id": best["id"]})
