"""The embedded index: idempotent upserts, safe queries, derived clusters."""

from __future__ import annotations

from pathlib import Path

from services.indexer.sqlite_index import SqliteIndex, fts_query
from shared.records import ArticleDoc, Claim, ClaimGroup


def _doc(aid: str, outlet: str, claims: tuple[str, ...] | None = None) -> ArticleDoc:
    ids = list(claims if claims is not None else (f"k-{aid}",))
    return ArticleDoc(
        article_id=aid, outlet=outlet, submitted_ts=1.0, text="body", claim_count=len(ids), claim_ids=ids
    )


def _group(aid: str, outlet: str, text: str, cluster: str) -> ClaimGroup:
    claim = Claim(
        claim_id=f"k-{aid}",
        article_id=aid,
        kind="quote",
        speaker="Ilse Varga",
        text=text,
        span=(0, len(text)),
        sentence=0,
        cluster_id=cluster,
    )
    return ClaimGroup(block="varga", article_id=aid, outlet=outlet, submitted_ts=1.0, claims=[claim])


def test_upserts_are_idempotent_and_searchable(tmp_path: Path) -> None:
    index = SqliteIndex(tmp_path / "i.sqlite")
    batch = (
        [_doc("a1", "Ledger"), _doc("a2", "Wire")],
        [
            _group("a1", "Ledger", "The bridge will reopen in May", "g1"),
            _group("a2", "Wire", "The bridge reopens in May", "g1"),
        ],
    )
    index.write(*batch)
    index.write(*batch)  # a redelivery changes nothing
    assert index.counts() == {"articles": 2, "claims": 2, "expected_claims": 2, "clusters": 1}
    hits = index.search("bridge May", speaker="Varga")
    assert {h.article_id for h in hits} == {"a1", "a2"}
    assert all(h.cluster_size == 2 and "[bridge]" in h.highlighted for h in hits)
    assert index.search("bridge", outlet="Wire")[0].article_id == "a2"
    [cluster] = index.clusters(min_outlets=2)
    assert cluster["outlets"] == 2 and len(cluster["members"]) == 2


def test_query_syntax_in_user_text_is_inert(tmp_path: Path) -> None:
    index = SqliteIndex(tmp_path / "i.sqlite")
    index.write([_doc("a1", "Ledger")], [_group("a1", "Ledger", 'He said "NEAR" OR AND *', "g1")])
    for query in [
        '"',
        "NEAR(",
        "a OR",
        "*",
        "speaker:x",
        ") AND (",
        "-",
        "'; DROP TABLE claims; --",
    ]:
        index.search(query)  # must not raise
    assert fts_query('say "hi" OR *') == '"say" "hi" "OR"'
    assert index.search("near or")[0].claim_id == "k-a1"


def test_claims_an_article_no_longer_lists_are_dropped_in_any_order(tmp_path: Path) -> None:
    index = SqliteIndex(tmp_path / "i.sqlite")
    index.write([_doc("a1", "Ledger")], [_group("a1", "Ledger", "The bridge will reopen", "g1")])
    index.write([_doc("a1", "Ledger", claims=())], [])  # re-extracted: no claims any more
    assert index.counts()["claims"] == 0
    index.write([], [_group("a1", "Ledger", "The bridge will reopen", "g1")])  # a late stale group
    assert index.counts()["claims"] == 0


def test_merged_clusters_move_their_claims_now_and_later(tmp_path: Path) -> None:
    index = SqliteIndex(tmp_path / "i.sqlite")
    index.write(
        [_doc("a1", "Ledger"), _doc("a2", "Wire")], [_group("a1", "Ledger", "The bridge opens", "g1")]
    )
    assert index.merge({"g1": "g0"}) == 1
    index.write([], [_group("a2", "Wire", "The bridge will open", "g1")])  # clustered before the merge
    assert {h.cluster_id for h in index.search("bridge")} == {"g0"}
