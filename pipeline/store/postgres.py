"""The PostgreSQL backend: the project's queries in PostgreSQL's dialect, on a psycopg 3 connection pool.

The statements that differ from SQLite's (``pipeline.store.sqlite``) are few, and each says how:
``ON CONFLICT`` for ``INSERT OR IGNORE``/``OR REPLACE``, ``RETURNING id`` for ``lastrowid``, ``= ANY``
of an array for a list of ``?``, ``seq`` for ``rowid``, and ``FOR UPDATE SKIP LOCKED`` in the claims
(``postgres_watch``), which SQLite's one-writer lock makes unnecessary. The frame is read with
``COPY ... TO STDOUT`` as CSV, parsed by Polars column by column (``postgres_frames``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ..dedupe import StoryCandidate
from ..models import Article, Evidence, FetchFailure, Score
from ..resources import DEFAULT_PAIR
from . import records
from .postgres_connect import close_pools, open_pool
from .postgres_events import EventQueries
from .postgres_frames import FrameQueries
from .postgres_pairs import PairQueries
from .postgres_search import SearchQueries
from .postgres_watch import WatchQueries
from .records import OVERRIDE_COLUMNS, ArticleDetail, Override, UnscoredArticle, override_of
from .sqlite import now_iso

__all__ = ["PostgresBackend", "close_pools"]

# The article view's columns: every one but the full-text index (``search``), large and not shown.
_DETAIL_COLUMNS = (
    "a.id, a.url, a.canonical_url, a.final_url, a.title, a.text, a.published, a.date_origin, a.source, a.language,"
    " a.fingerprint, a.story_id, a.is_demo, a.fetched_at, a.decode_note"
)


class PostgresBackend(WatchQueries, SearchQueries, EventQueries, PairQueries, FrameQueries):
    """A pool of connections to one PostgreSQL database and every query the project runs on it."""

    driver_errors: tuple[type[BaseException], ...] = (psycopg.Error,)

    def __init__(self, pool: ConnectionPool, name: str) -> None:
        self._pool = pool
        self.name = name
        # The connection of the transaction (or consistent read) this thread is in, None outside one.
        self._local = threading.local()

    @classmethod
    def open(
        cls, url: str, name: str, *, create: bool = True, read_only: bool = False, pair: str = DEFAULT_PAIR
    ) -> PostgresBackend:
        """Open (creating and migrating when allowed: earlier rows are ``pair``'s) the database at ``url``;
        ``name`` is how messages call it."""
        return cls(open_pool(url, name, create=create, read_only=read_only, pair=pair), name)

    def close(self) -> None:
        # The pool stays for the next Store of this database in the process (postgres_connect).
        self._local = threading.local()

    @property
    def _held(self) -> psycopg.Connection[Any] | None:
        held: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        return held

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        """This thread's transaction's connection, or one from the pool (autocommit) for one statement."""
        held = self._held
        if held is not None:
            yield held
            return
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _holding(self, isolation: str | None = None) -> Iterator[psycopg.Connection[Any]]:
        """A connection taken from the pool for the whole block, in one transaction."""
        with self._pool.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    if isolation:
                        conn.execute(f"SET TRANSACTION {isolation}")
                    yield conn
            finally:
                self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        held = self._held
        if held is not None:
            with held.transaction():  # psycopg nests it as a savepoint
                yield
            return
        with self._holding():
            yield

    def _rows(self, query: str, params: Sequence[object] | dict[str, object] = ()) -> list[tuple[Any, ...]]:
        with self._conn() as conn:
            return conn.execute(query, params).fetchall()

    def _one(self, query: str, params: Sequence[object] | dict[str, object] = ()) -> tuple[Any, ...] | None:
        with self._conn() as conn:
            return conn.execute(query, params).fetchone()

    def _count(self, query: str, params: Sequence[object] = ()) -> int:
        """Run a write; how many rows it changed."""
        with self._conn() as conn:
            return conn.execute(query, params).rowcount

    # ------------------------------------------------------------ articles

    def find_article_id(self, url: str) -> int | None:
        row = self._one("SELECT id FROM articles WHERE canonical_url = %s OR url = %s LIMIT 1", (url, url))
        return row[0] if row else None

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        # One array parameter, however many URLs (SQLite needs them in chunks of ``?``).
        wanted = list(urls)
        rows = self._rows(
            "SELECT url, canonical_url FROM articles WHERE url = ANY(%s) OR canonical_url = ANY(%s)", (wanted, wanted)
        )
        return {value for row in rows for value in row} & set(wanted)

    def article_id_by_canonical(self, canonical_url: str) -> int | None:
        self._lock_article_writes()  # the first step of storing an article
        row = self._one("SELECT id FROM articles WHERE canonical_url = %s", (canonical_url,))
        return row[0] if row else None

    def _lock_article_writes(self) -> None:
        """Take, until the transaction ends, the lock every write to articles, scores or corrections
        takes anyway (the change counter's row): the URL check, the story candidates and the next id
        read after it see every article committed before, as under SQLite's one writer."""
        self._one("SELECT counter FROM changes WHERE id = 1 FOR UPDATE")

    def story_candidates(self, band_keys: Sequence[int]) -> list[StoryCandidate]:
        if not band_keys:
            return []
        rows = self._rows(
            "SELECT DISTINCT a.id, a.story_id, a.url, a.fingerprint FROM story_bands b"
            " JOIN unnest(%s::integer[], %s::bigint[]) AS k(band, key) ON b.band = k.band AND b.key = k.key"
            " JOIN articles a ON a.id = b.article_id ORDER BY a.id",
            (list(range(len(band_keys))), list(band_keys)),
        )
        return [StoryCandidate(*row) for row in rows]

    def insert_article(
        self, article: Article, story_id: int | None, band_keys: Sequence[int], *, skip_existing: bool = False
    ) -> int | None:
        self._lock_article_writes()
        with self._conn() as conn:
            # The id is drawn first, so a new story's id (its own) is set in the same INSERT; above
            # every stored one, as SQLite's rowid, also when rows were inserted with ids of their own
            # (an older version's, a copy's), which the sequence does not see.
            row = conn.execute(
                "INSERT INTO articles (id, url, canonical_url, final_url, title, text, published, date_origin,"
                " source, language, fingerprint, story_id, is_demo, fetched_at, decode_note)"
                " SELECT n, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, COALESCE(%s, n), %s, %s, %s"
                " FROM (SELECT GREATEST(nextval(pg_get_serial_sequence('articles', 'id')),"
                " (SELECT COALESCE(MAX(id), 0) + 1 FROM articles)) AS n) AS drawn"
                + (" ON CONFLICT (canonical_url) DO NOTHING" if skip_existing else "")
                + " RETURNING id",
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
            ).fetchone()
            if row is None:
                return None
            article_id = int(row[0])
            if band_keys:
                conn.execute(
                    "INSERT INTO story_bands (band, key, article_id)"
                    " SELECT band - 1, key, %s FROM unnest(%s::bigint[]) WITH ORDINALITY AS k(key, band)",
                    (article_id, list(band_keys)),
                )
        return article_id

    def merge_stories(self, into: int, others: Sequence[int]) -> None:
        if others:
            self._count("UPDATE articles SET story_id = %s WHERE story_id = ANY(%s)", (into, list(others)))

    def article_count(self, *, include_demo: bool) -> int:
        row = self._one("SELECT COUNT(*) FROM articles" + ("" if include_demo else " WHERE is_demo = 0"))
        return int(row[0]) if row else 0

    def article_detail(self, article_id: int, score: Score | None, pair: str) -> ArticleDetail | None:
        with self._conn() as conn:
            row = (
                conn.cursor(row_factory=dict_row)
                .execute(
                    f"SELECT {_DETAIL_COLUMNS}, {OVERRIDE_COLUMNS} FROM articles a"
                    " LEFT JOIN overrides o ON o.article_id = a.id AND o.pair = %s WHERE a.id = %s",
                    (pair, article_id),
                )
                .fetchone()
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
        rows = self._rows(
            "SELECT id, title, text, language FROM articles a WHERE id > %s AND NOT EXISTS "
            "(SELECT 1 FROM scores s WHERE s.article_id = a.id AND s.scorer_version = %s) ORDER BY id LIMIT %s",
            (after_id, version, limit),
        )
        return [UnscoredArticle(*row) for row in rows]

    def delete_demo_articles(self) -> int:
        return self._count("DELETE FROM articles WHERE is_demo = 1")

    # ------------------------------------------------------------ scores

    def write_score(self, article_id: int, score: Score) -> None:
        evidence = json.dumps(
            [{"sentence": e.sentence, "weight": e.weight} for e in score.evidence], ensure_ascii=False
        )
        top = max(score.evidence, key=lambda e: abs(e.weight), default=None)  # the first of equal weights
        # A replaced score is the newest inserted, as SQLite's OR REPLACE gives it a new rowid.
        self._count(
            "INSERT INTO scores (article_id, pair, scorer_version, tension, sentiment, relevance, goldstein,"
            " language, certain, evidence, scored_at, top_evidence, top_evidence_weight)"
            " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
            " ON CONFLICT (article_id, pair, scorer_version) DO UPDATE SET tension = EXCLUDED.tension,"
            " sentiment = EXCLUDED.sentiment, relevance = EXCLUDED.relevance, goldstein = EXCLUDED.goldstein,"
            " language = EXCLUDED.language, certain = EXCLUDED.certain, evidence = EXCLUDED.evidence,"
            " scored_at = EXCLUDED.scored_at, top_evidence = EXCLUDED.top_evidence,"
            " top_evidence_weight = EXCLUDED.top_evidence_weight,"
            " seq = nextval(pg_get_serial_sequence('scores', 'seq'))",
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
        return self._count(
            "DELETE FROM scores WHERE pair = %s AND scorer_version != %s AND article_id IN "
            "(SELECT article_id FROM scores WHERE pair = %s AND scorer_version = %s)",
            (pair, keep_version, pair, keep_version),
        )

    def current_score(self, article_id: int, preferred_version: str, pair: str) -> Score | None:
        row = self._one(
            "SELECT tension, sentiment, relevance, language, goldstein, certain, scorer_version, evidence"
            " FROM scores WHERE article_id = %s AND pair = %s"
            " ORDER BY scorer_version = %s DESC, scored_at DESC, seq DESC LIMIT 1",
            (article_id, pair, preferred_version),
        )
        if row is None:
            return None
        tension, sentiment, relevance, language, goldstein, certain, version, evidence = row
        return Score(
            tension=tension,
            sentiment=sentiment,
            relevance=relevance,
            language=language,
            goldstein=goldstein,
            certain=bool(certain),
            version=version,
            evidence=[Evidence(e["sentence"], e["weight"]) for e in json.loads(evidence)],
            pair=pair,
        )

    def score_versions(self, pair: str) -> dict[str, int]:
        rows = self._rows(
            "SELECT scorer_version, COUNT(*) FROM scores WHERE pair = %s GROUP BY scorer_version", (pair,)
        )
        return {r[0]: int(r[1]) for r in rows}

    # ------------------------------------------------------------ failures

    def record_failure(self, failure: FetchFailure) -> None:
        self._count(
            "INSERT INTO failures (url, time, reason, stage) VALUES (%s,%s,%s,%s)",
            (failure.url, now_iso(), failure.reason, failure.stage),
        )

    def failure_columns(self, limit: int) -> dict[str, list[object]]:
        rows = self._rows("SELECT url, time, reason, stage FROM failures ORDER BY id DESC LIMIT %s", (limit,))
        names = records.FAILURE_FRAME_SCHEMA
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        return {name: list(values) for name, values in zip(names, columns, strict=True)}

    # ------------------------------------------------------------ corrections

    def article_exists(self, article_id: int) -> bool:
        return self._one("SELECT 1 FROM articles WHERE id = %s", (article_id,)) is not None

    def set_override(self, article_id: int, override: Override, pair: str) -> None:
        self._count(
            "INSERT INTO overrides (article_id, pair, stance, not_relevant, note, created_at, author)"
            " VALUES (%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (article_id, pair) DO UPDATE SET stance = EXCLUDED.stance,"
            " not_relevant = EXCLUDED.not_relevant, note = EXCLUDED.note, created_at = EXCLUDED.created_at,"
            " author = EXCLUDED.author",
            (article_id, pair, override.stance, int(override.not_relevant), override.note, now_iso(), override.author),
        )

    def clear_override(self, article_id: int, pair: str) -> bool:
        return self._count("DELETE FROM overrides WHERE article_id = %s AND pair = %s", (article_id, pair)) > 0

    # ------------------------------------------------------------ the views

    @contextmanager
    def reading(self) -> Iterator[None]:
        # One snapshot for every query of the block (REPEATABLE READ); writers are not blocked.
        if self._held is not None:
            yield
            return
        with self._holding("ISOLATION LEVEL REPEATABLE READ, READ ONLY"):
            yield

    def change_stamp(self) -> tuple[str, int]:
        row = self._one("SELECT token, counter FROM changes WHERE id = 1")
        return (row[0], int(row[1])) if row else ("", 0)

    def changed_articles(self, since: int) -> list[int]:
        return [r[0] for r in self._rows("SELECT article_id FROM article_changes WHERE stamp > %s", (since,))]

    def change_counter(self) -> int:
        row = self._one("SELECT counter FROM changes WHERE id = 1")
        return int(row[0]) if row else 0
