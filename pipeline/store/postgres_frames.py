"""The articles frame read from PostgreSQL (``Backend.article_column_batches``), mixed into
``PostgresBackend``: ``COPY ... TO STDOUT`` as CSV, parsed by Polars column by column."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import psycopg

from ..resources import DEFAULT_PAIR

if TYPE_CHECKING:
    import polars as pl

# The current score of an article: this program's version when stored, else the newest (by time,
# then insertion order: ``seq`` where SQLite has ``rowid``).
_CURRENT_SCORE = (
    "SELECT s2.* FROM scores s2 WHERE s2.article_id = a.id AND s2.pair = %(pair)s"
    " ORDER BY s2.scorer_version = %(version)s DESC, s2.scored_at DESC, s2.seq DESC LIMIT 1"
)
_FRAME_SELECT = (
    "SELECT a.id, a.url, a.canonical_url, a.title, a.source, a.language, a.published, a.story_id,"
    " a.is_demo, a.fetched_at, s.scorer_version, s.tension, s.sentiment, s.relevance, s.goldstein,"
    " s.certain, s.top_evidence, s.top_evidence_weight, o.stance, o.not_relevant "
    f"FROM articles a LEFT JOIN LATERAL ({_CURRENT_SCORE}) s ON true "
    "LEFT JOIN overrides o ON o.article_id = a.id AND o.pair = %(pair)s WHERE a.id > %(after)s"
)


class FrameQueries:
    """The frame's read; expects ``PostgresBackend``'s ``_conn``."""

    if TYPE_CHECKING:

        def _conn(self) -> AbstractContextManager[psycopg.Connection[Any]]: ...

    def article_column_batches(
        self,
        preferred_version: str,
        *,
        pair: str = DEFAULT_PAIR,
        changed_since: int | None = None,
        batch: int = 50_000,
    ) -> Iterator[pl.DataFrame]:
        import polars as pl

        from .frames import RAW_SCHEMA

        changed = (
            ""
            if changed_since is None
            else " AND a.id IN (SELECT article_id FROM article_changes WHERE stamp > %(since)s)"
        )
        query = f"COPY ({_FRAME_SELECT}{changed} ORDER BY a.id LIMIT %(batch)s) TO STDOUT (FORMAT csv)"
        after = 0
        with self._conn() as conn:
            while True:
                buffer = io.BytesIO()
                params = {
                    "pair": pair,
                    "version": preferred_version,
                    "after": after,
                    "since": changed_since,
                    "batch": batch,
                }
                with conn.cursor().copy(query, params) as copy:
                    for chunk in copy:
                        buffer.write(chunk)
                if not buffer.tell():
                    return
                buffer.seek(0)
                # CSV tells NULL (nothing) from an empty string ("") as Polars reads them.
                frame = pl.read_csv(buffer, has_header=False, schema=RAW_SCHEMA)
                yield frame
                if frame.height < batch:
                    return
                after = int(frame.get_column("id")[-1])
