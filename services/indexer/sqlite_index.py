"""The embedded index: SQLite with FTS5, one file, no server.

Why SQLite FTS5: it ships with Python (nothing to install or run), gives BM25 ranking, phrase
and prefix queries, highlighting and snippets, takes concurrent readers while one writer works
(WAL), and upserts by primary key make every write idempotent. Tantivy would be faster at
millions of documents but adds a native dependency and a second storage format for the same
features; the OpenSearch backend covers large deployments.

Contract: ``write`` upserts by deterministic id (article_id, claim_id), so replaying a topic
changes nothing; ``search`` never passes user text to FTS5 as query syntax.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.indexer.backend import (
    MARK_END,
    MARK_START,
    MAX_CLUSTER_MEMBERS,
    MAX_QUERY_CHARS,
    ArticleView,
    ClaimHit,
    ClaimView,
    ClusterView,
    FacetValue,
    SearchPage,
    SearchRequest,
    marks_to_html,
    published_day,
)
from shared.records import ArticleDoc, ClaimGroup, Record
from shared.worker import WriteRejection

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY, url TEXT, outlet TEXT, title TEXT, published_at TEXT,
    language TEXT, text TEXT NOT NULL, claim_count INTEGER NOT NULL, claim_ids TEXT NOT NULL,
    removed TEXT, submitted_ts REAL, indexed_ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS claims (
    rowid INTEGER PRIMARY KEY, claim_id TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL,
    kind TEXT NOT NULL, speaker TEXT, speaker_title TEXT, cue TEXT, text TEXT NOT NULL,
    span_start INTEGER, span_end INTEGER, cluster_id TEXT, outlet TEXT, published_at TEXT,
    submitted_ts REAL, indexed_ts REAL NOT NULL);
CREATE INDEX IF NOT EXISTS claims_cluster ON claims(cluster_id);
CREATE TABLE IF NOT EXISTS cluster_aliases (loser TEXT PRIMARY KEY, winner TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claims_article ON claims(article_id);
CREATE VIRTUAL TABLE IF NOT EXISTS claims_fts USING fts5(
    text, speaker, content='claims', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS claims_ai AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts(rowid, text, speaker) VALUES (new.rowid, new.text, new.speaker); END;
CREATE TRIGGER IF NOT EXISTS claims_ad AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, text, speaker)
        VALUES ('delete', old.rowid, old.text, old.speaker); END;
CREATE TRIGGER IF NOT EXISTS claims_au AFTER UPDATE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, text, speaker)
        VALUES ('delete', old.rowid, old.text, old.speaker);
    INSERT INTO claims_fts(rowid, text, speaker) VALUES (new.rowid, new.text, new.speaker); END;
"""

_UPSERT_ARTICLE = """
INSERT INTO articles VALUES (:article_id, :url, :outlet, :title, :published_at, :language, :text,
    :claim_count, :claim_ids, :removed, :submitted_ts, :indexed_ts)
ON CONFLICT(article_id) DO UPDATE SET url=excluded.url, outlet=excluded.outlet, title=excluded.title,
    published_at=excluded.published_at, language=excluded.language, text=excluded.text,
    claim_count=excluded.claim_count, claim_ids=excluded.claim_ids, removed=excluded.removed"""

# Claims the article's latest extraction no longer lists (whichever of the two arrives last).
_DROP_STALE = """
DELETE FROM claims WHERE article_id = ? AND claim_id NOT IN (SELECT value FROM json_each(?))"""
_STALE_CLAIMS = """
SELECT c.claim_id FROM claims c JOIN articles a ON a.article_id = c.article_id
WHERE c.article_id = ? AND c.claim_id NOT IN (SELECT value FROM json_each(a.claim_ids))"""

_UPSERT_CLAIM = """
INSERT INTO claims (claim_id, article_id, kind, speaker, speaker_title, cue, text, span_start,
    span_end, cluster_id, outlet, published_at, submitted_ts, indexed_ts)
VALUES (:claim_id, :article_id, :kind, :speaker, :speaker_title, :cue, :text, :span_start,
    :span_end, COALESCE((SELECT winner FROM cluster_aliases WHERE loser = :cluster_id), :cluster_id),
    :outlet, :published_at, :submitted_ts, :indexed_ts)
ON CONFLICT(claim_id) DO UPDATE SET kind=excluded.kind, speaker=excluded.speaker,
    speaker_title=excluded.speaker_title, cue=excluded.cue, text=excluded.text,
    span_start=excluded.span_start, span_end=excluded.span_end, cluster_id=excluded.cluster_id
WHERE claims.cluster_id IS NOT excluded.cluster_id OR claims.text IS NOT excluded.text
    OR claims.speaker IS NOT excluded.speaker"""


@dataclass(frozen=True, slots=True)
class Hit:
    """One claim found by a search."""

    claim_id: str
    article_id: str
    kind: str
    speaker: str | None
    text: str
    highlighted: str
    outlet: str | None
    published_at: str | None
    cluster_id: str | None
    cluster_size: int


def fts_query(text: str) -> str:
    """User text as a safe FTS5 query: every word a quoted term, all required."""
    words = re.findall(r"\w+", text)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words[:32])


class SqliteIndex:
    """Articles, claims and (derived) clusters in one SQLite file; safe to share across threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        # The same day function as the OpenSearch backend's ``published_day`` field.
        self._db.create_function("cw_day", 1, published_day, deterministic=True)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    def write(self, articles: Iterable[ArticleDoc], groups: Iterable[ClaimGroup]) -> tuple[int, int]:
        """Upsert articles and claims in one transaction; returns how many of each were given."""
        now = time.time()
        arts = [_article_row(a, now) for a in articles]
        claims = [row for g in groups for row in _claim_rows(g, now)]
        with self._tx() as db:
            db.executemany(_UPSERT_ARTICLE, arts)
            db.executemany(_UPSERT_CLAIM, claims)
            db.executemany(_DROP_STALE, [(a["article_id"], a["claim_ids"]) for a in arts])
            touched = {c["article_id"] for c in claims} - {a["article_id"] for a in arts}
            for aid in touched:
                stale = [r[0] for r in db.execute(_STALE_CLAIMS, (aid,))]
                db.executemany("DELETE FROM claims WHERE claim_id = ?", [(k,) for k in stale])
        return len(arts), len(claims)

    def merge(self, merges: dict[str, str]) -> int:
        """Point claims of each merged cluster (key) at its survivor (value), now and later.

        A claim may carry a merged cluster's id when it was clustered before the merge but
        arrives after it: the alias table remaps it on upsert. Returns the claims moved.
        """
        moved = 0
        with self._tx() as db:
            for loser, winner in merges.items():
                db.execute("INSERT OR REPLACE INTO cluster_aliases VALUES (?, ?)", (loser, winner))
                db.execute("UPDATE cluster_aliases SET winner = ? WHERE winner = ?", (winner, loser))
                moved += db.execute(
                    "UPDATE claims SET cluster_id = ? WHERE cluster_id = ?", (winner, loser)
                ).rowcount
        return moved

    # -- queries -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        speaker: str | None = None,
        outlet: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[Hit]:
        """Claims matching all words of ``query`` (BM25 order), filtered by speaker/outlet."""
        where, args = ["claims_fts MATCH ?"], [fts_query(query)]
        if not args[0]:
            return []
        if speaker:
            where.append("c.speaker LIKE ?")
            args.append(f"%{speaker}%")
        if outlet:
            where.append("c.outlet = ?")
            args.append(outlet)
        sql = f"""SELECT c.*, highlight(claims_fts, 0, '[', ']') AS hl,
                  (SELECT COUNT(*) FROM claims m WHERE m.cluster_id = c.cluster_id) AS size
                  FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid
                  WHERE {" AND ".join(where)} ORDER BY bm25(claims_fts) LIMIT ? OFFSET ?"""
        with self._lock:
            rows = self._db.execute(sql, [*args, min(limit, 200), max(offset, 0)]).fetchall()
        return [_hit(r) for r in rows]

    def clusters(self, *, min_outlets: int = 2, limit: int = 100) -> list[dict[str, Any]]:
        """Clusters carried by at least ``min_outlets`` outlets, largest first."""
        sql = """SELECT cluster_id, COUNT(*) AS n, COUNT(DISTINCT outlet) AS outlets,
                 GROUP_CONCAT(DISTINCT outlet) AS outlet_list, MIN(published_at) AS first_seen
                 FROM claims WHERE cluster_id IS NOT NULL GROUP BY cluster_id
                 HAVING COUNT(DISTINCT outlet) >= ? ORDER BY outlets DESC, n DESC, cluster_id LIMIT ?"""
        with self._lock:
            rows = self._db.execute(sql, (min_outlets, limit)).fetchall()
            out = []
            for r in rows:
                members = self._db.execute(
                    "SELECT claim_id, article_id, speaker, text, outlet FROM claims WHERE cluster_id = ? "
                    "ORDER BY published_at, claim_id",
                    (r["cluster_id"],),
                ).fetchall()
                out.append({**dict(r), "members": [dict(m) for m in members]})
        return out

    def members(self, cluster_id: str) -> list[sqlite3.Row]:
        """A cluster's claims, earliest submitted first."""
        with self._lock:
            return self._db.execute(
                "SELECT claim_id, article_id, kind, speaker, outlet, text FROM claims WHERE cluster_id = ? "
                "ORDER BY submitted_ts, claim_id",
                (cluster_id,),
            ).fetchall()

    def counts(self) -> dict[str, int]:
        with self._lock:
            row = self._db.execute(
                "SELECT (SELECT COUNT(*) FROM articles) AS articles, "
                "(SELECT COUNT(*) FROM claims) AS claims, "
                "(SELECT COALESCE(SUM(claim_count), 0) FROM articles) AS expected_claims, "
                "(SELECT COUNT(DISTINCT cluster_id) FROM claims) AS clusters"
            ).fetchone()
        return dict(row)

    def article(self, article_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        return dict(row) if row else None

    def query(self, req: SearchRequest) -> SearchPage:
        """Search claims with filters, facets, highlighting and paging (see ``backend``)."""
        match = _match_expression(req)
        where, args = _filter_clauses(req)
        if match:
            base = "FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid"
            where.insert(0, "claims_fts MATCH ?")
            args.insert(0, match)
        else:
            base = "FROM claims c"
        base += " LEFT JOIN articles a ON a.article_id = c.article_id"
        if where:
            base += " WHERE " + " AND ".join(where)
        words = bool(fts_query(req.query[:MAX_QUERY_CHARS]))
        order = "bm25(claims_fts), c.claim_id" if words else "c.published_at DESC, c.claim_id"
        hl = (
            f"highlight(claims_fts, 0, '{MARK_START}', '{MARK_END}')" if words and req.highlight else "c.text"
        )
        sql = f"""SELECT c.*, a.language AS language, {hl} AS hl,
                  (SELECT COUNT(*) FROM claims m WHERE m.cluster_id = c.cluster_id) AS size,
                  (SELECT json_group_array(DISTINCT m.outlet) FROM claims m
                   WHERE m.cluster_id = c.cluster_id AND m.outlet IS NOT NULL) AS outlets
                  {base} ORDER BY {order} LIMIT ? OFFSET ?"""
        with self._lock:
            rows = self._db.execute(sql, [*args, req.limit, req.offset]).fetchall()
            total = self._db.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0]
            facets = {f: self._facet(f, base, args, req.facet_size) for f in req.facets}
        return SearchPage(
            total=total, page=req.page, size=req.size, hits=[_claim_hit(r) for r in rows], facets=facets
        )

    def _facet(self, name: str, base: str, args: list[Any], size: int) -> list[FacetValue]:
        column = {"speaker": "c.speaker", "outlet": "c.outlet", "kind": "c.kind"}[name]
        where = " AND " if " WHERE " in base else " WHERE "
        sql = f"""SELECT {column} AS value, COUNT(*) AS n {base}{where}{column} IS NOT NULL
                  GROUP BY {column} ORDER BY n DESC, value LIMIT ?"""
        return [FacetValue(value=r[0], count=r[1]) for r in self._db.execute(sql, [*args, size])]

    def cluster(self, cluster_id: str) -> ClusterView | None:
        """The cluster's members in order of first appearance, its outlets and first/last seen."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM claims WHERE cluster_id = ? ORDER BY {_FIRST_SEEN_ORDER} LIMIT ?",
                (cluster_id, MAX_CLUSTER_MEMBERS),
            ).fetchall()
            count = self._db.execute("SELECT COUNT(*) FROM claims WHERE cluster_id = ?", (cluster_id,))
            total = count.fetchone()[0]
            outlets = self._db.execute(
                "SELECT DISTINCT outlet FROM claims WHERE cluster_id = ? AND outlet IS NOT NULL "
                "ORDER BY outlet",
                (cluster_id,),
            ).fetchall()
        if not rows:
            return None
        dated = [r["published_at"] for r in rows if r["published_at"]]
        return ClusterView(
            cluster_id=cluster_id,
            canonical_text=rows[0]["text"],
            speaker=rows[0]["speaker"],
            count=total,
            outlets=[o[0] for o in outlets],
            first_seen=dated[0] if dated else None,
            last_seen=dated[-1] if dated else None,
            members=[_claim_view(r) for r in rows],
        )

    def article_view(self, article_id: str) -> ArticleView | None:
        """The article and the claims indexed for it, in text order."""
        with self._lock:
            row = self._db.execute("SELECT * FROM articles WHERE article_id = ?", (article_id,)).fetchone()
            claims = self._db.execute(
                "SELECT * FROM claims WHERE article_id = ? ORDER BY span_start, claim_id", (article_id,)
            ).fetchall()
        if row is None:
            return None
        return ArticleView(
            **{
                k: row[k]
                for k in ("article_id", "url", "outlet", "title", "published_at", "language", "text")
            },
            claim_count=row["claim_count"],
            claim_ids=json.loads(row["claim_ids"]),
            claims=[_claim_view(c) for c in claims],
        )

    def latencies(self) -> list[float]:
        """Seconds from submission to indexing, per article."""
        with self._lock:
            rows = self._db.execute(
                "SELECT indexed_ts - submitted_ts FROM articles WHERE submitted_ts IS NOT NULL"
            ).fetchall()
        return [r[0] for r in rows]


# First appearance: publication day (undated last), then submission time, then claim id.
_FIRST_SEEN_ORDER = (
    "cw_day(published_at) IS NULL, cw_day(published_at), submitted_ts IS NULL, submitted_ts, claim_id"
)


def _match_expression(req: SearchRequest) -> str:
    """The FTS5 expression for the words and the speaker filter; empty when neither is given."""
    words = fts_query(req.query[:MAX_QUERY_CHARS])
    name = fts_query(req.filters.speaker[:MAX_QUERY_CHARS]) if req.filters.speaker else ""
    if words and name:  # FTS5 wants an explicit AND before a parenthesised column filter
        return f"({words}) AND (speaker : ({name}))"
    return words or (f"speaker : ({name})" if name else "")


def _filter_clauses(req: SearchRequest) -> tuple[list[str], list[Any]]:
    f = req.filters
    where: list[str] = []
    args: list[Any] = []
    for clause, value in (
        ("c.outlet = ?", f.outlet),
        ("c.kind = ?", f.kind),
        ("a.language = ?", f.language),
        ("cw_day(c.published_at) >= ?", f.date_from.isoformat() if f.date_from else None),
        ("cw_day(c.published_at) <= ?", f.date_to.isoformat() if f.date_to else None),
    ):
        if value:
            where.append(clause)
            args.append(value)
    return where, args


def _claim_hit(r: sqlite3.Row) -> ClaimHit:
    return ClaimHit(
        claim_id=r["claim_id"],
        article_id=r["article_id"],
        kind=r["kind"],
        speaker=r["speaker"],
        speaker_title=r["speaker_title"],
        text=r["text"],
        highlighted=marks_to_html(r["hl"]),
        outlet=r["outlet"],
        published_at=r["published_at"],
        language=r["language"],
        cluster_id=r["cluster_id"],
        cluster_size=r["size"] if r["cluster_id"] else 1,
        cluster_outlets=sorted(json.loads(r["outlets"])) if r["cluster_id"] else [r["outlet"]],
    )


def _claim_view(r: sqlite3.Row) -> ClaimView:
    keys = ("claim_id", "article_id", "kind", "speaker", "text", "outlet", "published_at", "cluster_id")
    return ClaimView(**{k: r[k] for k in keys})


class SqliteBackend:
    """``IndexBackend`` over ``SqliteIndex``: the blocking calls run in a worker thread.

    SQLite has no per-document failures in normal operation; a record SQLite cannot store at all
    (an integer beyond 64 bits, say) fails the batch, which is then written record by record so
    that only the offending records are rejected. Operational errors (locked, disk full) raise.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.index: SqliteIndex | None = None

    def _open(self) -> SqliteIndex:
        if self.index is None:
            self.index = SqliteIndex(self.path)
        return self.index

    async def start(self) -> None:
        await asyncio.to_thread(self._open)

    async def close(self) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None

    async def write(
        self, articles: Sequence[ArticleDoc], groups: Sequence[ClaimGroup]
    ) -> list[WriteRejection]:
        return await asyncio.to_thread(self._write, articles, groups)

    async def merge(self, merges: dict[str, str]) -> int:
        return await asyncio.to_thread(self._open().merge, merges)

    def _write(self, articles: Sequence[ArticleDoc], groups: Sequence[ClaimGroup]) -> list[WriteRejection]:
        index = self._open()
        try:
            index.write(articles, groups)
            return []
        except (sqlite3.IntegrityError, sqlite3.InterfaceError, OverflowError, ValueError):
            pass
        rejected = []
        records: list[Record] = [*articles, *groups]
        for rec in records:
            try:
                if isinstance(rec, ArticleDoc):
                    index.write([rec], [])
                elif isinstance(rec, ClaimGroup):
                    index.write([], [rec])
            except (sqlite3.IntegrityError, sqlite3.InterfaceError, OverflowError, ValueError) as exc:
                rejected.append(WriteRejection(rec, "index-rejected", f"{type(exc).__name__}: {exc}"))
        return rejected

    async def search(self, request: SearchRequest) -> SearchPage:
        return await asyncio.to_thread(self._open().query, request)

    async def cluster(self, cluster_id: str) -> ClusterView | None:
        return await asyncio.to_thread(self._open().cluster, cluster_id)

    async def article(self, article_id: str) -> ArticleView | None:
        return await asyncio.to_thread(self._open().article_view, article_id)

    async def counts(self) -> dict[str, int]:
        return await asyncio.to_thread(self._open().counts)

    async def healthy(self) -> bool:
        try:
            await self.counts()
        except sqlite3.Error:
            return False
        return True


def _article_row(a: ArticleDoc, now: float) -> dict[str, Any]:
    import orjson

    row = a.model_dump(exclude={"schema_version"})
    row["removed"] = orjson.dumps(a.removed).decode()
    row["claim_ids"] = orjson.dumps(a.claim_ids).decode()
    row["indexed_ts"] = now
    return row


def _claim_rows(g: ClaimGroup, now: float) -> Iterator[dict[str, Any]]:
    for c in g.claims:
        yield {
            "claim_id": c.claim_id,
            "article_id": c.article_id,
            "kind": c.kind,
            "speaker": c.speaker,
            "speaker_title": c.speaker_title,
            "cue": c.cue,
            "text": c.text,
            "span_start": c.span[0],
            "span_end": c.span[1],
            "cluster_id": c.cluster_id,
            "outlet": g.outlet,
            "published_at": g.published_at,
            "submitted_ts": g.submitted_ts,
            "indexed_ts": now,
        }


def _hit(r: sqlite3.Row) -> Hit:
    return Hit(
        r["claim_id"],
        r["article_id"],
        r["kind"],
        r["speaker"],
        r["text"],
        r["hl"],
        r["outlet"],
        r["published_at"],
        r["cluster_id"],
        r["size"],
    )
