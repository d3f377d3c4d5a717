"""The SQLite backend: the project's queries in SQLite's dialect (``INSERT OR IGNORE``/``OR REPLACE``,
``json_each``, ``rowid``), on one connection in WAL mode so the dashboard reads while an ingest writes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime

from ..dedupe import StoryCandidate
from ..models import Article, Evidence, FetchFailure, Score
from ..resources import DEFAULT_PAIR
from . import records
from .records import OVERRIDE_COLUMNS, ArticleDetail, Override, UnscoredArticle, override_of
from .sqlite_events import EventQueries
from .sqlite_files import connect, transaction
from .sqlite_pairs import PairQueries
from .sqlite_search import SearchQueries
from .sqlite_watch import WatchQueries

# SQLite allows 32,766 host parameters a statement; 500 URLs (twice) stay far below it.
URL_CHUNK = 500


def now_iso() -> str:
    """Current UTC time as an ISO string (second precision)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class SQLiteBackend(WatchQueries, EventQueries, SearchQueries, PairQueries):
    """One SQLite connection and every query the project runs on it (see ``base.Backend``)."""

    driver_errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self._conn = conn
        self.name = name
        self._depth = 0  # open transactions: the outer one is BEGIN ... COMMIT, the inner ones savepoints

    @classmethod
    def open(
        cls, path: str, *, create: bool = True, read_only: bool = False, pair: str = DEFAULT_PAIR
    ) -> SQLiteBackend:
        """Open (and migrate: earlier rows are ``pair``'s) the file at ``path``, or an in-memory database
        for ":memory:"."""
        return cls(connect(path, create=create, read_only=read_only, pair=pair), path)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        depth = self._depth
        self._depth += 1
        try:
            with transaction(self._conn, f"nested_{depth}" if depth else None):
                yield
        finally:
            self._depth = depth

    def _one(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
        return row

    # ------------------------------------------------------------ articles

    def find_article_id(self, url: str) -> int | None:
        row = self._one("SELECT id FROM articles WHERE canonical_url = ? OR url = ? LIMIT 1", (url, url))
        return row[0] if row else None

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(urls), URL_CHUNK):
            chunk = list(urls[start : start + URL_CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT url, canonical_url FROM articles WHERE url IN ({marks}) OR canonical_url IN ({marks})",
                chunk + chunk,
            ).fetchall()
            found.update(r[0] for r in rows)
            found.update(r[1] for r in rows)
        return found & set(urls)

    def article_id_by_canonical(self, canonical_url: str) -> int | None:
        row = self._one("SELECT id FROM articles WHERE canonical_url = ?", (canonical_url,))
        return row[0] if row else None

    def story_candidates(self, band_keys: Sequence[int]) -> list[StoryCandidate]:
        if not band_keys:
            return []
        clause = " OR ".join("(b.band = ? AND b.key = ?)" for _ in band_keys)
        params = [v for band, key in enumerate(band_keys) for v in (band, key)]
        rows = self._conn.execute(
            "SELECT DISTINCT a.id, a.story_id, a.url, a.fingerprint FROM story_bands b "
            f"JOIN articles a ON a.id = b.article_id WHERE {clause} ORDER BY a.id",
            params,
        ).fetchall()
        return [StoryCandidate(*row) for row in rows]

    def insert_article(
        self, article: Article, story_id: int | None, band_keys: Sequence[int], *, skip_existing: bool = False
    ) -> int | None:
        cur = self._conn.execute(
            f"INSERT {'OR IGNORE ' if skip_existing else ''}INTO articles (url, canonical_url, final_url, title,"
            " text, published, date_origin, source, language, fingerprint, story_id, is_demo, fetched_at,"
            " decode_note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article.url,
                article.canonical_url,
                article.final_url or article.url,
                article.title,
                article.text,
                article.published.isoformat() if article.published else None,
                article.date_origin,
                article.source,
                article.language,
                article.fingerprint,
                story_id,
                int(article.is_demo),
                now_iso(),
                article.decode_note,
            ),
        )
        if cur.rowcount == 0:
            return None
        article_id = cur.lastrowid
        if story_id is None:
            self._conn.execute("UPDATE articles SET story_id = id WHERE id = ?", (article_id,))
        self._conn.executemany(
            "INSERT INTO story_bands (band, key, article_id) VALUES (?,?,?)",
            [(band, key, article_id) for band, key in enumerate(band_keys)],
        )
        return article_id

    def merge_stories(self, into: int, others: Sequence[int]) -> None:
        if others:
            marks = ",".join("?" * len(others))
            self._conn.execute(f"UPDATE articles SET story_id = ? WHERE story_id IN ({marks})", (into, *others))

    def article_count(self, *, include_demo: bool) -> int:
        row = self._one("SELECT COUNT(*) FROM articles" + ("" if include_demo else " WHERE is_demo = 0"))
        return row[0] if row else 0

    def article_detail(self, article_id: int, score: Score | None, pair: str) -> ArticleDetail | None:
        row = self._one(
            f"SELECT a.*, {OVERRIDE_COLUMNS} FROM articles a"
            " LEFT JOIN overrides o ON o.article_id = a.id AND o.pair = ? WHERE a.id = ?",
            (pair, article_id),
        )
        if row is None:
            return None
        return ArticleDetail(
            id=row["id"],
            url=row["url"],
            canonical_url=row["canonical_url"],
            final_url=row["final_url"],
            title=row["title"],
            text=row["text"],
            published=date.fromisoformat(row["published"]) if row["published"] else None,
            date_origin=row["date_origin"],
            source=row["source"],
            language=row["language"],
            fingerprint=row["fingerprint"],
            story_id=row["story_id"],
            is_demo=bool(row["is_demo"]),
            fetched_at=row["fetched_at"],
            decode_note=row["decode_note"],
            score=score,
            override=override_of(row),
        )

    def unscored(self, version: str, after_id: int, limit: int) -> list[UnscoredArticle]:
        rows = self._conn.execute(
            "SELECT id, title, text, language FROM articles a WHERE id > ? AND NOT EXISTS "
            "(SELECT 1 FROM scores s WHERE s.article_id = a.id AND s.scorer_version = ?) ORDER BY id LIMIT ?",
            (after_id, version, limit),
        ).fetchall()
        return [UnscoredArticle(*row) for row in rows]

    def delete_demo_articles(self) -> int:
        return self._conn.execute("DELETE FROM articles WHERE is_demo = 1").rowcount

    # ------------------------------------------------------------ scores

    def write_score(self, article_id: int, score: Score) -> None:
        evidence = json.dumps(
            [{"sentence": e.sentence, "weight": e.weight} for e in score.evidence], ensure_ascii=False
        )
        # The strongest sentence, stored for the views; max() keeps the first of equal weights, as
        # migration 4's back-fill (ORDER BY ... LIMIT 1 over json_each) does.
        top = max(score.evidence, key=lambda e: abs(e.weight), default=None)
        self._conn.execute(
            "INSERT OR REPLACE INTO scores (article_id, pair, scorer_version, tension, sentiment, relevance,"
            " goldstein, language, certain, evidence, scored_at, top_evidence, top_evidence_weight)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article_id,
                score.pair,
                score.version,
                score.tension,
                score.sentiment,
                score.relevance,
                score.goldstein,
                score.language,
                int(score.certain),
                evidence,
                now_iso(),
                top.sentence if top else None,
                top.weight if top else None,
            ),
        )

    def retire_scores(self, keep_version: str, pair: str) -> int:
        return self._conn.execute(
            "DELETE FROM scores WHERE pair = ? AND scorer_version != ? AND article_id IN "
            "(SELECT article_id FROM scores WHERE pair = ? AND scorer_version = ?)",
            (pair, keep_version, pair, keep_version),
        ).rowcount

    def current_score(self, article_id: int, preferred_version: str, pair: str) -> Score | None:
        row = self._one(
            "SELECT * FROM scores WHERE article_id = ? AND pair = ? "
            "ORDER BY scorer_version = ? DESC, scored_at DESC, rowid DESC LIMIT 1",
            (article_id, pair, preferred_version),
        )
        if row is None:
            return None
        return Score(
            tension=row["tension"],
            sentiment=row["sentiment"],
            relevance=row["relevance"],
            language=row["language"],
            goldstein=row["goldstein"],
            certain=bool(row["certain"]),
            version=row["scorer_version"],
            evidence=[Evidence(e["sentence"], e["weight"]) for e in json.loads(row["evidence"])],
            pair=row["pair"],
        )

    def score_versions(self, pair: str) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT scorer_version, COUNT(*) FROM scores WHERE pair = ? GROUP BY scorer_version", (pair,)
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    # ------------------------------------------------------------ failures

    def record_failure(self, failure: FetchFailure) -> None:
        self._conn.execute(
            "INSERT INTO failures (url, time, reason, stage) VALUES (?,?,?,?)",
            (failure.url, now_iso(), failure.reason, failure.stage),
        )

    def failure_columns(self, limit: int) -> dict[str, list[object]]:
        return self._columns(
            "SELECT url, time, reason, stage FROM failures ORDER BY id DESC LIMIT ?",
            (limit,),
            records.FAILURE_FRAME_SCHEMA,
        )

    # ------------------------------------------------------------ corrections

    def article_exists(self, article_id: int) -> bool:
        return self._one("SELECT 1 FROM articles WHERE id = ?", (article_id,)) is not None

    def set_override(self, article_id: int, override: Override, pair: str) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO overrides (article_id, pair, stance, not_relevant, note, created_at, author)"
            " VALUES (?,?,?,?,?,?,?)",
            (article_id, pair, override.stance, int(override.not_relevant), override.note, now_iso(), override.author),
        )

    def clear_override(self, article_id: int, pair: str) -> bool:
        cur = self._conn.execute("DELETE FROM overrides WHERE article_id = ? AND pair = ?", (article_id, pair))
        return cur.rowcount > 0

    # ------------------------------------------------------------ the views

    @contextmanager
    def reading(self) -> Iterator[None]:
        # A deferred transaction: every query inside it sees one state of the database, while
        # writers go on (WAL). Inside a write transaction the state is already the caller's.
        if self._conn.in_transaction:
            yield
            return
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def article_column_batches(
        self,
        preferred_version: str,
        *,
        pair: str = DEFAULT_PAIR,
        changed_since: int | None = None,
        batch: int = 50_000,
    ) -> Iterator[dict[str, list[object]]]:
        # The current score of each article for the pair: the preferred (this program's) scorer version
        # when there is one, else the newest (by time, then insertion order); found per article through
        # the (article_id, pair, scorer_version) key, so a few changed articles cost a few lookups.
        current = (
            "SELECT s2.rowid FROM scores s2 WHERE s2.article_id = a.id AND s2.pair = ? "
            "ORDER BY s2.scorer_version = ? DESC, s2.scored_at DESC, s2.rowid DESC LIMIT 1"
        )
        changed = ""
        if changed_since is not None:
            changed = " WHERE a.id IN (SELECT article_id FROM article_changes WHERE stamp > ?)"
        sql = (
            "SELECT a.id, a.url, a.canonical_url, a.title, a.source, a.language, a.published, a.story_id,"
            " a.is_demo, a.fetched_at, s.scorer_version, s.tension, s.sentiment, s.relevance, s.goldstein,"
            " s.certain, s.top_evidence, s.top_evidence_weight, o.stance, o.not_relevant "
            f"FROM articles a LEFT JOIN scores s ON s.rowid = ({current}) "
            f"LEFT JOIN overrides o ON o.article_id = a.id AND o.pair = ?{changed} ORDER BY a.id"
        )
        params = (pair, preferred_version, pair) + (() if changed_since is None else (changed_since,))
        cur = self._conn.cursor()
        cur.row_factory = None  # plain tuples: no per-row name lookup
        cur.execute(sql, params)
        # In batches: a million rows of Python tuples at once would hold gigabytes.
        while rows := cur.fetchmany(batch):
            yield dict(
                zip(records.ARTICLE_FRAME_SCHEMA, (list(column) for column in zip(*rows, strict=True)), strict=True)
            )

    def change_stamp(self) -> tuple[str, int]:
        row = self._one("SELECT token, counter FROM changes WHERE id = 1")
        return (row[0], row[1]) if row else ("", 0)

    def changed_articles(self, since: int) -> list[int]:
        rows = self._conn.execute("SELECT article_id FROM article_changes WHERE stamp > ?", (since,)).fetchall()
        return [r[0] for r in rows]

    def _columns(self, sql: str, params: Sequence[object], names: Collection[str]) -> dict[str, list[object]]:
        cur = self._conn.cursor()
        cur.row_factory = None  # plain tuples
        rows = cur.execute(sql, params).fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        return {name: list(values) for name, values in zip(names, columns, strict=True)}

    def change_counter(self) -> int:
        row = self._one("SELECT counter FROM changes WHERE id = 1")
        return row[0] if row else 0
