"""The PostgreSQL queries of the key events (``events``), mixed into ``PostgresBackend``; the rows are
those of ``sqlite_events``, turned into events by its ``_event``."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import psycopg

from ..models import Event
from .sqlite_events import _COLUMNS, _event


class EventQueries:
    """Queries on ``events``; expects ``PostgresBackend``'s ``_conn``."""

    if TYPE_CHECKING:

        def _conn(self) -> AbstractContextManager[psycopg.Connection[Any]]: ...

    def list_events(self, pair: str) -> list[Event]:
        with self._conn() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM events WHERE pair = %s ORDER BY date, id", (pair,)).fetchall()
        return [_event(row) for row in rows]

    def get_event(self, event_id: int) -> Event | None:
        with self._conn() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM events WHERE id = %s", (event_id,)).fetchone()
        return _event(row) if row else None

    def add_event(self, event: Event, pair: str, now: str) -> int | None:
        # A demo event already stored (same pair, date and label: the partial unique index) is skipped.
        with self._conn() as conn:
            row = conn.execute(
                "INSERT INTO events (pair, date, label, note, link, is_demo, created_at, updated_at)"
                " VALUES (%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (pair, date, label) WHERE is_demo = 1"
                " DO NOTHING RETURNING id",
                (pair, event.date.isoformat(), event.label, event.note, event.link, int(event.is_demo), now, now),
            ).fetchone()
        return int(row[0]) if row else None

    def update_event(self, event_id: int, event: Event, now: str) -> bool:
        with self._conn() as conn:
            return (
                conn.execute(
                    "UPDATE events SET date = %s, label = %s, note = %s, link = %s, updated_at = %s WHERE id = %s",
                    (event.date.isoformat(), event.label, event.note, event.link, now, event_id),
                ).rowcount
                > 0
            )

    def delete_event(self, event_id: int) -> bool:
        with self._conn() as conn:
            return conn.execute("DELETE FROM events WHERE id = %s", (event_id,)).rowcount > 0

    def delete_demo_events(self) -> int:
        with self._conn() as conn:
            return conn.execute("DELETE FROM events WHERE is_demo = 1").rowcount
