"""The SQLite queries of the key events (``events``), mixed into ``SQLiteBackend``."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date

from ..models import Event

_COLUMNS = "id, date, label, note, link, is_demo"


def _event(row: Sequence[object]) -> Event:
    event_id, day, label, note, link, is_demo = row
    return Event(date.fromisoformat(str(day)), str(label), str(note), str(link), int(str(event_id)), bool(is_demo))


class EventQueries:
    """Queries on ``events``; expects ``self._conn`` (a sqlite3 connection)."""

    _conn: sqlite3.Connection

    def list_events(self, pair: str) -> list[Event]:
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM events WHERE pair = ? ORDER BY date, id", (pair,)).fetchall()
        return [_event(row) for row in rows]

    def get_event(self, event_id: int) -> Event | None:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM events WHERE id = ?", (event_id,)).fetchone()
        return _event(row) if row else None

    def add_event(self, event: Event, pair: str, now: str) -> int | None:
        # A demo event already stored (same pair, date and label) is skipped: loading the demo twice adds nothing.
        cur = self._conn.execute(
            "INSERT OR IGNORE INTO events (pair, date, label, note, link, is_demo, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (pair, event.date.isoformat(), event.label, event.note, event.link, int(event.is_demo), now, now),
        )
        return cur.lastrowid if cur.rowcount else None

    def update_event(self, event_id: int, event: Event, now: str) -> bool:
        cur = self._conn.execute(
            "UPDATE events SET date = ?, label = ?, note = ?, link = ?, updated_at = ? WHERE id = ?",
            (event.date.isoformat(), event.label, event.note, event.link, now, event_id),
        )
        return cur.rowcount > 0

    def delete_event(self, event_id: int) -> bool:
        return self._conn.execute("DELETE FROM events WHERE id = ?", (event_id,)).rowcount > 0

    def delete_demo_events(self) -> int:
        return self._conn.execute("DELETE FROM events WHERE is_demo = 1").rowcount
