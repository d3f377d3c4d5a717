"""The SQLite queries of the followed pairs (``pairs``, migration 9), mixed into ``SQLiteBackend``."""

from __future__ import annotations

import sqlite3


class PairQueries:
    """Queries on ``pairs``; expects ``self._conn`` (a sqlite3 connection)."""

    _conn: sqlite3.Connection

    def follow(self, pair: str, now: str) -> bool:
        cur = self._conn.execute("INSERT OR IGNORE INTO pairs (id, added_at) VALUES (?, ?)", (pair, now))
        return cur.rowcount > 0

    def followed_pairs(self) -> list[str]:
        return [row[0] for row in self._conn.execute("SELECT id FROM pairs ORDER BY id")]
