"""Cluster state: candidates, merges, eviction and redelivery (plain dicts, no Kafka)."""

from __future__ import annotations

import copy

from services.dedup.clusters import CANDIDATES_MAX, MEMBER, ClusterState, text_tokens
from services.dedup.speakers import block_key
from shared.records import Claim, ClaimGroup

DAY = 86400.0


def group(article: str, speaker: str, texts: list[str], ts: float, outlet: str = "Outlet") -> ClaimGroup:
    claims = [
        Claim(
            claim_id=f"{article}-{i}",
            article_id=article,
            kind="quote",
            speaker=speaker,
            text=text,
            span=(0, len(text)),
            sentence=i,
        )
        for i, text in enumerate(texts)
    ]
    return ClaimGroup(
        block=block_key(speaker), article_id=article, outlet=outlet, submitted_ts=ts, claims=claims
    )


def cluster_ids(state: ClusterState, g: ClaimGroup) -> list[str | None]:
    return [c.cluster_id for c in state.assign(g)[0].claims]


def test_paraphrase_sharing_few_words_is_still_a_candidate() -> None:
    # Content-word Jaccard 0.5: six LSH bands of two rows miss such pairs a fifth of the time;
    # the rare-word keys ("consulted", "published") bring them together.
    state = ClusterState(table={}, window_s=30 * DAY)
    first = cluster_ids(
        state,
        group(
            "a1", "Tomas Rehnberg", ["the union had not been consulted before the plan was published"], 1.0
        ),
    )
    second = cluster_ids(
        state,
        group("a2", "Tomas Rehnberg", ["the union was never consulted before the plan was made public"], 2.0),
    )
    assert first == second


def test_redelivered_claims_keep_their_clusters_and_change_nothing() -> None:
    state = ClusterState(table={}, window_s=30 * DAY)
    speaker = "Henrik Saalberg"
    g1 = group("a1", speaker, ["Inflation is still too high and it is not coming down fast enough"], 1.0)
    g2 = group(
        "a2",
        speaker,
        ["inflation is still too high and it is not coming down fast enough", "We will act again"],
        2.0,
    )
    g3 = group("a3", speaker, ["We are prepared to act again if that is what it takes"], 3.0)
    first = [cluster_ids(state, g) for g in (g1, g2, g3)]
    assert first[1][1] != first[2][0]  # "act again": the same words, not the same statement
    assert first[0][0] == first[1][0]  # the second outlet joined the first's cluster
    assert MEMBER + "a2-0" in state.table  # and that assignment is remembered
    before = copy.deepcopy(dict(state.table))

    again, records = state.assign(g2)  # redelivered after a crash: state has moved on
    assert [c.cluster_id for c in again.claims] == first[1]
    assert dict(state.table) == before  # counts, texts and outlets unchanged
    assert [r.cluster_id for r in records] == [first[1][0]]  # re-announced for the sink
    assert cluster_ids(state, g1) == first[0]


def test_redelivered_founder_follows_its_cluster_into_a_merge() -> None:
    state = ClusterState(table={}, window_s=30 * DAY)
    text = "the port will close Terminal North for good at the end of the year"
    founder = group("a1", "Marit Ekholm", [text], 1.0)
    (cid,) = cluster_ids(state, founder)
    state.table[cid] = [*state.table[cid][:7], "g-elsewhere", *state.table[cid][8:]]  # merged later
    state.table["g-elsewhere"] = copy.deepcopy(state.table[cid])
    state.table["g-elsewhere"][7] = None
    assert cluster_ids(state, founder) == ["g-elsewhere"]


def test_eviction_drops_clusters_and_assignments_of_the_window() -> None:
    state = ClusterState(table={}, window_s=1 * DAY)
    text = "the dam on the Dravin River will be opened on Monday morning"
    cluster_ids(state, group("a1", "Nadia Corvell", [text], 0.0))
    cluster_ids(state, group("a2", "Nadia Corvell", [text], 10.0))
    assert len(state.table) == 2  # one cluster, one remembered joiner
    assert state.sweep(now=2 * DAY, partition=0) == 2
    assert state.table == {} and state.in_sync()
    assert state.index == {} and state.words == {}  # the candidate index forgot them too
    (new,) = cluster_ids(state, group("a3", "Nadia Corvell", [text], 2 * DAY))
    assert new is not None and len(state.table) == 1


def test_candidates_per_claim_are_bounded_and_the_true_match_ranks_first() -> None:
    # A prolific speaker: many statements sharing a subject's words with the new claim. Only
    # CANDIDATES_MAX of them are verified; the one that shares the most keys (the same
    # statement) is among them however many others the block holds.
    state = ClusterState(table={}, window_s=30 * DAY)
    speaker = "Ilse Marwick"
    original = "the harbour wall will be rebuilt before the winter storms reach the coast"
    [founder] = cluster_ids(state, group("a0", speaker, [original], 1.0))
    for i in range(3 * CANDIDATES_MAX):
        text = f"the harbour wall plan number {i} was discussed with coast residents on day {i}"
        cluster_ids(state, group(f"b{i}", speaker, [text], 2.0 + i))
    toks = text_tokens(original)
    hits = state._candidates(block_key(speaker), toks)
    assert len(hits) > CANDIDATES_MAX
    live = state._live(hits, 100.0, toks)
    assert 1 <= len(live) <= CANDIDATES_MAX
    assert live[0][0] == founder
    again = "the harbour wall will be rebuilt before winter storms reach the coast"
    assert cluster_ids(state, group("a1", speaker, [again], 100.0)) == [founder]


def test_a_reported_echo_of_a_quotation_joins_its_cluster() -> None:
    # The reporter's summary puts the speaker's own word in quotation marks; it shares too few
    # words with the other outlet's version to match on its own, but it echoes the quotation of
    # its own article, and so joins that statement's cluster.
    state = ClusterState(table={}, window_s=30 * DAY)
    speaker = "Dmitry Peskov"
    summary = "the mediation proposal was 'rejected' by the other side"
    quote = "unfortunately the other side rejected the proposed plan without offering an alternative"
    first = group("a1", speaker, [summary, quote], 1.0)
    first.claims[0] = first.claims[0].model_copy(update={"kind": "reported"})
    echo, quoted = cluster_ids(state, first)
    version = "the other side rejected the proposed plan without any alternative"
    other = cluster_ids(state, group("a2", speaker, [version], 2.0))
    assert echo == quoted == other[0]
    # Not an echo: a scare-quoted word the speaker's quotation does not say.
    state = ClusterState(table={}, window_s=30 * DAY)
    unrelated = group("a3", speaker, ["the talks were 'productive' according to aides", quote], 3.0)
    unrelated.claims[0] = unrelated.claims[0].model_copy(update={"kind": "reported"})
    a, b = cluster_ids(state, unrelated)
    assert a != b


def _as_sets(index: dict[int, object]) -> dict[int, set[object]]:
    return {k: set(v) if isinstance(v, list | set) else {v} for k, v in index.items()}


def test_live_index_equals_the_rebuilt_one_and_eviction_empties_it() -> None:
    # Handles carry the union of a cluster's text sketches: a cluster that gains a differently
    # worded text is re-keyed, and the index a restart rebuilds from the table is the same.
    state = ClusterState(table={}, window_s=1 * DAY)
    speaker = "Marit Ekholm"
    versions = [
        "the port will close Terminal North for good at the end of the year",
        "the port will close Terminal North for good at the end of the year and move its cranes south",
        "Terminal North will close for good at the end of the year, and its staff will move south",
        "the port will close Terminal North for good at the end of the year because ships have outgrown it",
    ]
    others = [f"the ferry timetable for route {n} changes in spring, with fewer crossings" for n in range(6)]
    for i, text in enumerate([*versions, *others]):
        cluster_ids(state, group(f"a{i}", speaker, [text], 1.0 + i))
    assert max(len(e[2]) for k, e in state.table.items() if not k.startswith(MEMBER)) > 1
    rebuilt = ClusterState(table=dict(state.table), window_s=1 * DAY)
    rebuilt.rebuild()
    assert _as_sets(rebuilt.index) == _as_sets(state.index)
    assert _as_sets(rebuilt.words) == _as_sets(state.words)  # type: ignore[arg-type]
    state.sweep(now=3 * DAY, partition=0)
    assert state.table == {} and state.index == {} and state.words == {}
