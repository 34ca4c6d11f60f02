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

import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.records import ArticleDoc, ClaimGroup

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
    :span_end, :cluster_id, :outlet, :published_at, :submitted_ts, :indexed_ts)
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

    def latencies(self) -> list[float]:
        """Seconds from submission to indexing, per article."""
        with self._lock:
            rows = self._db.execute(
                "SELECT indexed_ts - submitted_ts FROM articles WHERE submitted_ts IS NOT NULL"
            ).fetchall()
        return [r[0] for r in rows]


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
