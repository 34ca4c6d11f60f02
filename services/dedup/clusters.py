"""Claim clusters: the same statement by the same source, across any number of articles.

State lives in a mapping ``cluster id -> compact entry`` (a Faust table partitioned like the
speaker-block-keyed input, or a dict in batch mode), so every worker owns the clusters of its
blocks and any number of workers reaches the same clusters as one: decisions depend only on the
order of claims within a block, which partitioning preserves.

Candidates come from an in-memory LSH index (``lsh.py``) derived from that state: O(1)-ish per
claim as the store grows; each candidate is then verified with the pair decision
(``similarity.score_tokens``) and speaker compatibility. A claim matching several clusters
merges them into the oldest (first seen, then id): deterministic whatever the worker count.
Entries untouched for the window are evicted by periodic sweeps.

Redelivery (at-least-once) changes nothing: the table remembers which cluster each claim was
given (a founder by its own cluster's id, a joiner by a ``MEMBER`` entry), and a claim seen
before gets that cluster again, resolved through merges, without being matched anew. Matching
it against state that has moved on could link clusters that the first delivery kept apart.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from typing import Any

from services.dedup.lsh import band_keys, word_keys
from services.dedup.normalize import tokens
from services.dedup.similarity import SKETCH_SIZE, shipped, union
from services.dedup.speakers import speakers_compatible
from shared.ids import cluster_id
from shared.memory import freeze_alive
from shared.records import Claim, ClaimGroup, ClusterRecord

# Entry layout (a list, compact in memory and on the changelog):
BLOCK, SPEAKER, TEXTS, FIRST, LAST, COUNT, OUTLETS, MERGED, PART = range(9)  # PART stays last
MAX_TEXTS = 4  # the founding text plus a few differently worded members, to catch paraphrase chains
MAX_OUTLETS = 64
VARIANT_BELOW = 0.9  # a member this different from every stored text is kept as a variant
SWEEP_EVERY = 5000
# The cluster state is millions of long-lived acyclic objects: after each sweep what is alive
# is frozen out of the cyclic collector (a full collection walking it costs about a second at a
# million claims). That also freezes Faust's and aiokafka's objects in flight, whose cycles would
# then never be collected: every THAW_EVERY sweeps (and on rebuild) everything is thawed once.
THAW_EVERY = 10
# A band key shared by more clusters than this (near-identical statements that are not the same,
# say a figure repeated with a new value every day) keeps the most recent ones: candidates per
# claim stay bounded however many such clusters a block accumulates. Which ones stay depends
# only on first-seen times and ids, so a rebuilt index keeps the same ones.
BAND_KEY_MAX = 24
# Key prefix of a joiner's assignment: "m:<claim id>" -> [cluster id, seen at, partition].
MEMBER = "m:"
_MEMBER_LEN = 3
# A rare-word key shared by more clusters of one block than this is common in that block (a
# speaker's pet subject): it yields no candidates. That depends only on which clusters are
# indexed under the key, so a rebuilt index (which, like the live one, includes merged
# clusters and not evicted ones) decides alike.
WORD_KEY_MAX = 48
# Live clusters verified per claim at most: those sharing the most candidate keys with it, then
# the most recent (first seen, then id). Keeps a claim's cost bounded however dense its block
# grows (a prolific speaker's thousands of statements on one subject); a true match shares more
# keys than statements that merely share its subject's words.
CANDIDATES_MAX = 8


@lru_cache(maxsize=200_000)
def text_tokens(text: str) -> tuple[str, ...]:
    return tokens(text)


@lru_cache(maxsize=1 << 14)  # a new claim's keys are needed twice: to look up, then to add
def _bands(block: str, toks: tuple[str, ...]) -> list[int]:
    return band_keys(block, toks)


@lru_cache(maxsize=1 << 14)
def _words(block: str, toks: tuple[str, ...]) -> list[int]:
    return word_keys(block, toks, shipped().idf)


# The candidate index holds an integer handle per indexed cluster instead of its id: the
# cluster's first-seen time (microseconds), its id's 80 bits and the union of its texts'
# sketches (``Scorer.sketch``), in that order. Ranking candidates by recency, and a band list's
# choice of which cluster leaves, compare plain integers; the sketch refuses most candidates of
# a busy block unread. Neither reads the table (a million-entry mapping, a Faust table in the
# service) nor a stored text.
_ID_BITS = 80
_ID_MASK = (1 << _ID_BITS) - 1
_SKETCH_MASK = (1 << SKETCH_SIZE) - 1


def _handle(cid: str, first: float, sketch: int) -> int:
    """The index's handle of cluster ``cid`` (an id made by ``shared.ids.cluster_id``)."""
    return (int(first * 1_000_000) << _ID_BITS | int(cid[1:], 16)) << SKETCH_SIZE | sketch


def _cid(handle: int) -> str:
    return "g" + (handle >> SKETCH_SIZE & _ID_MASK).to_bytes(_ID_BITS // 8, "big").hex()


def _entry_handle(cid: str, entry: Any) -> int:
    sketches = [shipped().sketch(text_tokens(text)) for text in entry[TEXTS]]
    return _handle(cid, entry[FIRST], reduce(union, sketches))


@dataclass
class ClusterState:
    """Clusters of the blocks this worker owns, with their candidate index."""

    table: MutableMapping[str, Any]
    window_s: float
    index: dict[int, Any] = field(default_factory=dict)  # band key -> handle or list of handles
    words: dict[int, set[int]] = field(default_factory=dict)  # rare-word key -> handles
    assigned: int = 0
    sweeps: int = 0
    size: int = 0  # entries the index was built from plus those added since: see ``in_sync``

    def in_sync(self) -> bool:
        """False when the table gained or lost entries behind our back (changelog recovery
        after a rebalance or restart): the index must then be rebuilt."""
        return len(self.table) == self.size

    def rebuild(self) -> None:
        """Derive the candidate index from the table (after start-up or a rebalance)."""
        self.index.clear()
        self.words.clear()
        self.size = len(self.table)
        for cid, entry in list(self.table.items()):
            if entry and not cid.startswith(MEMBER):  # merged ones too, as the live index has them
                handle = _entry_handle(cid, entry)
                for text in entry[TEXTS]:
                    self._add(handle, entry[BLOCK], text_tokens(text))
        freeze_alive(thaw=True)  # see THAW_EVERY

    def assign(self, group: ClaimGroup, partition: int = 0) -> tuple[ClaimGroup, list[ClusterRecord]]:
        """Cluster every claim of ``group``; returns it with cluster ids, and the touched clusters."""
        touched: dict[str, ClusterRecord] = {}
        echoing = echoes([(c.kind, c.text) for c in group.claims])
        done: dict[int, Claim] = {}
        # Quotations first: an echo then joins the cluster its quotation got.
        for i in sorted(range(len(group.claims)), key=lambda i: i in echoing):
            claim = group.claims[i]
            quoted = done[echoing[i]].cluster_id if i in echoing else None
            if quoted is not None and self.known(claim.claim_id) is None:
                done[i] = self._join(claim, group, partition, quoted, touched)
            else:
                done[i] = self._claim(claim, group, partition, touched)
        claims = [done[i] for i in range(len(group.claims))]
        self.assigned += len(claims)
        # A sweep reads the whole table: at most one per tenth of its size keeps that O(1) a claim.
        if self.assigned >= max(SWEEP_EVERY, self.size // 10):
            self.assigned = 0
            self.sweep(group.submitted_ts, partition)
        return group.model_copy(update={"claims": claims}), list(touched.values())

    def resolve(self, cid: str) -> str:
        """The live cluster ``cid`` was (transitively) merged into, or ``cid`` itself."""
        seen = {cid}
        entry = self.table.get(cid)
        while entry and entry[MERGED] is not None and entry[MERGED] not in seen:
            cid = entry[MERGED]
            seen.add(cid)
            entry = self.table.get(cid)
        return cid

    def sweep(self, now: float, partition: int) -> int:
        """Evict this partition's clusters untouched for the window; returns how many."""
        before = now - self.window_s
        # Both layouts end with the partition; a member entry (3 long) keeps its time at 1, a
        # cluster at LAST. One comprehension, no call per entry: sweeps read the whole table.
        stale = [
            cid
            for cid, e in list(self.table.items())
            if e and e[-1] == partition and e[1 if len(e) == _MEMBER_LEN else LAST] < before
        ]
        for cid in stale:
            entry = self.table.pop(cid)
            if not cid.startswith(MEMBER):
                self._swap(entry, _entry_handle(cid, entry), None)
        self.size -= len(stale)
        self.sweeps += 1
        freeze_alive(thaw=self.sweeps % THAW_EVERY == 0)
        return len(stale)

    def known(self, claim_id: str) -> str | None:
        """The cluster ``claim_id`` was given when first seen (before any later merge), if any."""
        own = cluster_id(claim_id)
        if own in self.table:
            return own
        member = self.table.get(MEMBER + claim_id)
        return member[0] if member else None

    def _claim(self, claim: Claim, group: ClaimGroup, part: int, touched: dict[str, ClusterRecord]) -> Claim:
        if (known := self.known(claim.claim_id)) is not None:
            return self._again(claim, self.resolve(known), touched)
        toks = text_tokens(claim.text)
        now = group.submitted_ts
        matches = sorted(self._matches(claim, group.block, toks, now), key=lambda m: (m[1][FIRST], m[0]))
        if not matches:
            winner = cluster_id(claim.claim_id)
            # Written once, by _update (each table write is a changelog message), before the
            # index learns it: band lists order their clusters by the table's first-seen times.
            founded = [group.block, claim.speaker, [claim.text], now, now, 0, [], None, part]
            self._update(winner, claim, group, toks, 1.0, touched, founded)
            self.size += 1
            self._add(_entry_handle(winner, founded), group.block, toks)
        else:
            winner, best = matches[0][0], max(m[2] for m in matches)
            for loser, entry, _ in matches[1:]:
                self._merge(loser, entry, winner, touched)
            self._member(claim, group, part, winner, toks, best, touched)
        return claim.model_copy(update={"cluster_id": winner})

    def _member(
        self,
        claim: Claim,
        group: ClaimGroup,
        part: int,
        cid: str,
        toks: tuple[str, ...],
        score: float,
        touched: dict[str, ClusterRecord],
    ) -> None:
        """Record ``claim`` as a member of the live cluster ``cid`` and count it in."""
        self.table[MEMBER + claim.claim_id] = [cid, group.submitted_ts, part]
        self.size += 1
        self._update(cid, claim, group, toks, score, touched)

    def _join(
        self, claim: Claim, group: ClaimGroup, part: int, cid: str, touched: dict[str, ClusterRecord]
    ) -> Claim:
        """Count ``claim`` into the live cluster ``cid`` without matching (see ``echoes``)."""
        cid = self.resolve(cid)
        # As an exact copy would (score 1): an echo's wording is the reporter's, not a variant
        # to match on.
        self._member(claim, group, part, cid, text_tokens(claim.text), 1.0, touched)
        return claim.model_copy(update={"cluster_id": cid})

    def _again(self, claim: Claim, cid: str, touched: dict[str, ClusterRecord]) -> Claim:
        """A redelivered claim: its cluster as it stands, re-announced (the first delivery's
        outputs may have been lost with the crash), the state untouched."""
        entry = self.table.get(cid)
        if entry and entry[COUNT] > 1:
            record = touched.get(cid)
            touched[cid] = _record(cid, entry, [*(record.new_members if record else []), claim.claim_id])
        return claim.model_copy(update={"cluster_id": cid})

    def _matches(
        self, claim: Claim, block: str, toks: tuple[str, ...], now: float
    ) -> Iterator[tuple[str, Any, float]]:
        scorer = shipped()
        for cid, entry in self._live(self._candidates(block, toks), now, toks):
            if not speakers_compatible(claim.speaker, entry[SPEAKER]):
                continue
            # The same statement for claims of one source: equivalent, or a partial report of it
            # (which scores low as a paraphrase), never contradicting figures or negation.
            best = -1.0
            for other in map(text_tokens, entry[TEXTS]):
                if not scorer.may_be_same(toks, other):
                    continue
                result = scorer.score(toks, other)
                if scorer.same_statement(result) and result.score > best:
                    best = result.score
                    if best >= VARIANT_BELOW:
                        break  # the other texts could only confirm it: ``_update`` needs no more
            if best >= 0.0:
                yield cid, entry, best

    def _live(self, hits: dict[int, int], now: float, toks: tuple[str, ...]) -> list[tuple[str, Any]]:
        """The candidates worth verifying among the first ``CANDIDATES_MAX`` (those sharing the
        most keys with the claim ``toks``, then the most recent: first seen, then id) that are
        either refused by their sketch or still open to new members."""
        if not hits:
            return []
        scorer = shipped()
        probe = scorer.probe(toks)
        # Two stable sorts of plain integers: cheaper than sorting (count, handle) pairs.
        ranked = sorted(sorted(hits, reverse=True), key=hits.__getitem__, reverse=True)
        live = []
        examined = 0
        oldest = now - self.window_s
        for handle in ranked:
            if examined == CANDIDATES_MAX:
                break
            if not scorer.may_share(probe, handle & _SKETCH_MASK):
                examined += 1  # verified and refused, as far as the decision goes
                continue
            cid = _cid(handle)
            entry = self.table.get(cid)
            if not entry or entry[MERGED] is not None or entry[LAST] < oldest:
                continue
            if entry[FIRST] > now:
                # Founded by a later message: seen here only when this message is redelivered
                # after the state moved on. Ignoring it keeps redelivery's decisions the same.
                continue
            live.append((cid, entry))
            examined += 1
        return live

    def _candidates(self, block: str, toks: tuple[str, ...]) -> Counter[int]:
        """Handles of the clusters sharing a candidate key with the tokens, with how many keys
        each shares."""
        found: list[int] = []
        for key in _bands(block, toks):
            hit = self.index.get(key)
            if hit is None:
                continue
            if type(hit) is int:
                found.append(hit)
            else:
                found.extend(hit)
        for key in _words(block, toks):
            handles = self.words.get(key)
            if handles and len(handles) <= WORD_KEY_MAX:
                found.extend(handles)
        return Counter(found)

    def _add(self, handle: int, block: str, toks: tuple[str, ...]) -> None:
        for key in _bands(block, toks):
            hit = self.index.get(key)
            if hit is None:
                self.index[key] = handle
            elif type(hit) is int:
                if hit != handle:
                    self.index[key] = [hit, handle]
            elif handle not in hit:
                hit.append(handle)
                if len(hit) > BAND_KEY_MAX:
                    hit.remove(min(hit))  # the oldest (first seen, then id) leaves first
        for key in _words(block, toks):
            self.words.setdefault(key, set()).add(handle)

    def _swap(self, entry: Any, old: int, new: int | None) -> None:
        """Under the keys of the cluster's texts, put handle ``new`` in place of ``old`` (its
        sketch grew), or drop ``old`` if ``new`` is None (evicted: as if rebuilt without it)."""
        for text in entry[TEXTS]:
            toks = text_tokens(text)
            for key in _bands(entry[BLOCK], toks):
                hit = self.index.get(key)
                if hit == old:
                    if new is None:
                        del self.index[key]
                    else:
                        self.index[key] = new
                elif isinstance(hit, list) and old in hit:
                    if new is not None:
                        hit[hit.index(old)] = new
                        continue
                    hit.remove(old)
                    if not hit:
                        del self.index[key]
            for key in _words(entry[BLOCK], toks):
                handles = self.words.get(key)
                if handles is not None and old in handles:
                    handles.discard(old)
                    if new is not None:
                        handles.add(new)
                    elif not handles:
                        del self.words[key]

    def _update(
        self,
        cid: str,
        claim: Claim,
        group: ClaimGroup,
        toks: tuple[str, ...],
        score: float,
        touched: dict[str, ClusterRecord],
        founded: list[Any] | None = None,
    ) -> None:
        """Count ``claim`` into cluster ``cid`` (``founded``: its new entry, not yet stored)."""
        entry = founded if founded is not None else list(self.table[cid])
        entry[LAST] = max(entry[LAST], group.submitted_ts)
        entry[COUNT] += 1
        if claim.speaker and len(claim.speaker) > len(entry[SPEAKER] or ""):
            entry[SPEAKER] = claim.speaker  # the fullest name seen for this source
        if group.outlet and group.outlet not in entry[OUTLETS] and len(entry[OUTLETS]) < MAX_OUTLETS:
            entry[OUTLETS] = [*entry[OUTLETS], group.outlet]
        if score < VARIANT_BELOW and len(entry[TEXTS]) < MAX_TEXTS and claim.text not in entry[TEXTS]:
            before = _entry_handle(cid, entry)
            entry[TEXTS] = [*entry[TEXTS], claim.text]
            after = _entry_handle(cid, entry)  # its sketch now covers the new text too
            self._swap(entry, before, after)
            self._add(after, entry[BLOCK], toks)
        self.table[cid] = entry
        if entry[COUNT] > 1:  # a lone claim is no news: its cluster record waits for a second member
            record = touched.get(cid)
            members = [*(record.new_members if record else []), claim.claim_id]
            touched[cid] = _record(cid, entry, members)

    def _merge(self, loser: str, entry: Any, winner: str, touched: dict[str, ClusterRecord]) -> None:
        merged = list(entry)
        merged[MERGED] = winner
        self.table[loser] = merged
        touched[loser] = _record(loser, merged, [])


# A word or short phrase in quotation marks inside reported speech ("the proposal was
# 'rejected'"): the speaker's own word, lifted from what they said.
_SCARE = re.compile(r"(?<![\w’'])['‘\"“]([^'‘’\"“”\n]{3,40}?)['’\"”](?![\w’'])")


def echoes(claims: Sequence[tuple[str, str]]) -> dict[int, int]:
    """Of a group's claims as (kind, text) pairs (one article, one speaker block), the reported
    ones that echo a quotation: index of the echo -> index of the quotation. An echo puts in
    quotation marks words that the quotation says ("Putin's proposal was 'rejected' by the
    Ukrainian side" beside "the Ukrainian side rejected the proposed plan"): the reporter's
    summary of that statement, which shares too few words with other outlets' versions of it
    to be matched on its own."""
    out: dict[int, int] = {}
    if not any(kind == "reported" and _SCARE.search(text) for kind, text in claims):
        return out  # most groups: no quotation marks in reported speech
    quotes = [
        (i, f" {' '.join(text_tokens(text))} ") for i, (kind, text) in enumerate(claims) if kind == "quote"
    ]
    for i, (kind, text) in enumerate(claims):
        if kind != "reported":
            continue
        for phrase in _SCARE.findall(text):
            words = f" {' '.join(tokens(phrase))} "
            target = next((q for q, text in quotes if words.strip() and words in text), None)
            if target is not None:
                out[i] = target
                break
    return out


def _record(cid: str, entry: Any, new_members: list[str]) -> ClusterRecord:
    return ClusterRecord(
        cluster_id=cid,
        block=entry[BLOCK],
        speaker=entry[SPEAKER],
        text=entry[TEXTS][0],
        first_seen=entry[FIRST],
        last_seen=entry[LAST],
        count=entry[COUNT],
        outlets=list(entry[OUTLETS]),
        new_members=new_members,
        merged_into=entry[MERGED],
    )
