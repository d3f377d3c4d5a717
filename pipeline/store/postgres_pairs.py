"""The PostgreSQL queries of the followed pairs (``pairs``), mixed into ``PostgresBackend``."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import psycopg


class PairQueries:
    """Queries on ``pairs``; expects ``PostgresBackend``'s ``_conn``."""

    if TYPE_CHECKING:

        def _conn(self) -> AbstractContextManager[psycopg.Connection[Any]]: ...

    def follow(self, pair: str, now: str) -> bool:
        with self._conn() as conn:
            cur = conn.execute(
                "INSERT INTO pairs (id, added_at) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING", (pair, now)
            )
            return cur.rowcount > 0

    def followed_pairs(self) -> list[str]:
        # COLLATE "C": sorted by code point, as SQLite sorts (the server's collation may not).
        with self._conn() as conn:
            return [row[0] for row in conn.execute('SELECT id FROM pairs ORDER BY id COLLATE "C"')]
