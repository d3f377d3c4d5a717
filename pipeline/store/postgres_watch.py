"""The PostgreSQL queries of the watcher (``sources``, ``watch_links``, ``alerts``), mixed into ``PostgresBackend``.

SQLite runs one writer at a time, so its claims read then update. Here writers run side by side:
the row to claim is read ``FOR UPDATE SKIP LOCKED`` (a row another watcher is claiming is passed
over, and one it has claimed no longer matches), so two watchers never hold the same source or link.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Any

from .sqlite_watch import _ALERT_COLUMNS, _DONE_STATES, _SOURCE_COLUMNS, _alert, _iso
from .watch_records import Alert, AlertArticle, AlertDraft, ListedLink, PollState, WatchedSource

if TYPE_CHECKING:
    import psycopg


class WatchQueries:
    """Queries on ``sources``, ``watch_links`` and ``alerts``; expects the backend's ``_conn``, ``_rows``,
    ``_one`` and ``_count``."""

    if TYPE_CHECKING:

        def _conn(self) -> AbstractContextManager[psycopg.Connection[Any]]: ...

        def _rows(self, query: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]: ...

        def _one(self, query: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None: ...

        def _count(self, query: str, params: Sequence[object] = ()) -> int: ...

    def add_source(self, url: str, name: str, kind: str, found_on: str, every_s: int, now: str) -> int | None:
        row = self._one(
            "INSERT INTO sources (url, name, kind, found_on, every_s, next_poll, added_at)"
            " VALUES (%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (url) DO NOTHING RETURNING id",
            (url, name, kind, found_on, every_s, now, now),
        )
        return int(row[0]) if row else None

    def list_sources(self) -> list[WatchedSource]:
        return [WatchedSource(*row) for row in self._rows(f"SELECT {_SOURCE_COLUMNS} FROM sources s ORDER BY s.id")]

    def get_source(self, source_id: int) -> WatchedSource | None:
        row = self._one(f"SELECT {_SOURCE_COLUMNS} FROM sources s WHERE s.id = %s", (source_id,))
        return WatchedSource(*row) if row else None

    def source_id_by_url(self, url: str) -> int | None:
        row = self._one("SELECT id FROM sources WHERE url = %s", (url,))
        return int(row[0]) if row else None

    def set_source_status(self, source_id: int, status: str, next_poll: str | None) -> bool:
        return (
            self._count(
                "UPDATE sources SET status = %s, failures = CASE WHEN %s = 'active' THEN 0 ELSE failures END,"
                " next_poll = COALESCE(%s, next_poll) WHERE id = %s",
                (status, status, next_poll, source_id),
            )
            > 0
        )

    def remove_source(self, source_id: int) -> bool:
        return self._count("DELETE FROM sources WHERE id = %s", (source_id,)) > 0

    def claim_source(
        self, owner: str, now: str, lease_until: str, *, due_only: bool, exclude: Collection[int], since: str
    ) -> int | None:
        row = self._one(
            "SELECT id FROM sources WHERE status = 'active' AND (lease_until = '' OR lease_until < %s)"
            " AND (last_poll IS NULL OR last_poll < %s)"
            + (" AND next_poll <= %s" if due_only else "")
            + " AND NOT (id = ANY(%s)) ORDER BY next_poll, id LIMIT 1 FOR UPDATE SKIP LOCKED",
            (now, since, *((now,) if due_only else ()), list(exclude)),
        )
        if row is None:
            return None
        self._count("UPDATE sources SET lease_owner = %s, lease_until = %s WHERE id = %s", (owner, lease_until, row[0]))
        return int(row[0])

    def finish_poll(self, source_id: int, owner: str, now: str, state: PollState) -> None:
        self._count(
            "UPDATE sources SET etag = %s, last_modified = %s, last_poll = %s, next_poll = %s, failures = %s,"
            " last_error = %s, status = CASE WHEN status = 'active' THEN %s ELSE status END,"
            " last_success = CASE WHEN %s THEN %s ELSE last_success END,"
            " lease_owner = '', lease_until = '' WHERE id = %s AND lease_owner = %s",
            (
                state.etag,
                state.last_modified,
                now,
                state.next_poll,
                state.failures,
                state.last_error,
                state.status,
                state.succeeded,
                now,
                source_id,
                owner,
            ),
        )

    def add_links(self, source_id: int, links: Sequence[ListedLink], now: str) -> int:
        added = 0
        if links:
            # One statement for the list, in the order listed (``seq`` keeps it, as SQLite's rowid).
            added = self._count(
                "INSERT INTO watch_links (url, listed_url, source_id, published, found_at)"
                " SELECT key, url, %s, published, %s FROM unnest(%s::text[], %s::text[], %s::text[])"
                " WITH ORDINALITY AS l(key, url, published, n) ORDER BY n ON CONFLICT (url) DO NOTHING",
                (
                    source_id,
                    now,
                    [link.key for link in links],
                    [link.url for link in links],
                    [_iso(link.published) for link in links],
                ),
            )
        self._count("UPDATE sources SET found = found + %s WHERE id = %s", (added, source_id))
        return added

    def claim_links(self, source_id: int, owner: str, now: str, lease_until: str, limit: int) -> list[ListedLink]:
        rows = self._rows(
            "SELECT url, listed_url, published FROM watch_links WHERE source_id = %s"
            " AND (state = 'new' OR (state = 'claimed' AND claimed_until < %s))"
            " ORDER BY published IS NULL, published DESC, seq LIMIT %s FOR UPDATE SKIP LOCKED",
            (source_id, now, limit),
        )
        if rows:
            self._count(
                "UPDATE watch_links SET state = 'claimed', claimed_by = %s, claimed_until = %s WHERE url = ANY(%s)",
                (owner, lease_until, [row[0] for row in rows]),
            )
        return [ListedLink(row[0], row[1], date.fromisoformat(row[2]) if row[2] else None) for row in rows]

    def finish_link(
        self, key: str, state: str, now: str, *, article_id: int | None, relevance: float | None, detail: str
    ) -> None:
        changed = self._count(
            "UPDATE watch_links SET state = %s, article_id = %s, relevance = %s, detail = %s, done_at = %s,"
            " claimed_by = '', claimed_until = '' WHERE url = %s AND NOT (state = ANY(%s))",
            (state, article_id, relevance, detail, now, key, list(_DONE_STATES)),
        )
        if changed and state in ("stored", "duplicate"):
            self._count(
                "UPDATE sources SET stored = stored + 1 WHERE id = (SELECT source_id FROM watch_links WHERE url = %s)",
                (key,),
            )

    def link_states(self) -> dict[str, int]:
        return {row[0]: int(row[1]) for row in self._rows("SELECT state, COUNT(*) FROM watch_links GROUP BY state")}

    def last_poll(self) -> str | None:
        row = self._one("SELECT MAX(last_poll) FROM sources")
        return row[0] if row else None

    # ------------------------------------------------------------ alerts

    def add_alert(self, draft: AlertDraft, now: str, delivery: str, pair: str) -> int | None:
        row = self._one(
            "INSERT INTO alerts (pair, key, raised_at, kind, freq, period, tension, summary, evidence,"
            " evidence_url, delivery) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (pair, key) DO NOTHING"
            " RETURNING id",
            (
                pair,
                draft.key,
                now,
                draft.kind,
                draft.freq,
                draft.period,
                draft.tension,
                draft.summary,
                draft.evidence,
                draft.evidence_url,
                delivery,
            ),
        )
        if row is None:
            return None
        alert_id = int(row[0])
        self._count(
            "INSERT INTO alert_articles (alert_id, article_id) SELECT %s, unnest(%s::bigint[]) ON CONFLICT DO NOTHING",
            (alert_id, list(draft.article_ids)),
        )
        return alert_id

    def list_alerts(self, limit: int, version: str, pair: str, alert_id: int | None = None) -> list[Alert]:
        where, key = ("id = %s", alert_id) if alert_id is not None else ("pair = %s", pair)
        rows = self._rows(
            f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE {where} ORDER BY raised_at DESC, id DESC LIMIT %s",
            (key, limit),
        )
        named: dict[int, list[AlertArticle]] = {row[0]: [] for row in rows}
        if named:
            for row in self._rows(
                "SELECT l.alert_id, a.id, a.title, a.url, a.published,"
                " (SELECT s.tension FROM scores s WHERE s.article_id = a.id AND s.pair = al.pair"
                "  ORDER BY s.scorer_version = %s DESC, s.scored_at DESC, s.seq DESC LIMIT 1)"
                " FROM alert_articles l JOIN alerts al ON al.id = l.alert_id JOIN articles a ON a.id = l.article_id"
                " WHERE l.alert_id = ANY(%s) ORDER BY l.alert_id, a.id",
                (version, list(named)),
            ):
                named[row[0]].append(AlertArticle(*row[1:]))
        return [_alert(row, tuple(named[row[0]])) for row in rows]

    def claim_alert(self, alert_id: int, owner: str, now: str, lease_until: str, max_attempts: int) -> bool:
        # One UPDATE: a second sender waits for the first's row lock, then finds it no longer pending.
        return (
            self._count(
                "UPDATE alerts SET delivery = 'sending', claimed_by = %s, claimed_until = %s WHERE id = %s"
                " AND (delivery = 'pending' OR (delivery = 'sending' AND claimed_until < %s)) AND attempts < %s",
                (owner, lease_until, alert_id, now, max_attempts),
            )
            > 0
        )

    def finish_delivery(self, alert_id: int, owner: str, now: str, *, sent: bool, attempts: int, error: str) -> None:
        self._count(
            "UPDATE alerts SET delivery = %s, attempts = attempts + %s, last_error = %s,"
            " sent_at = CASE WHEN %s THEN %s ELSE sent_at END, claimed_by = '', claimed_until = ''"
            " WHERE id = %s AND delivery = 'sending' AND claimed_by = %s",
            ("sent" if sent else "pending", attempts, error, sent, now, alert_id, owner),
        )

    def release_alerts(self, owner: str) -> int:
        return self._count(
            "UPDATE alerts SET delivery = 'pending', claimed_by = '', claimed_until = ''"
            " WHERE delivery = 'sending' AND claimed_by = %s",
            (owner,),
        )

    def undelivered_alerts(self, now: str, limit: int, max_attempts: int) -> list[int]:
        rows = self._rows(
            "SELECT id FROM alerts WHERE (delivery = 'pending' OR (delivery = 'sending' AND claimed_until < %s))"
            " AND attempts < %s ORDER BY id LIMIT %s",
            (now, max_attempts, limit),
        )
        return [int(row[0]) for row in rows]
