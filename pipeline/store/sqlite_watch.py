"""The SQLite queries of the watcher (``sources``, ``watch_links``, ``alerts``), mixed into ``SQLiteBackend``.

Claims are single UPDATE statements run inside the caller's ``BEGIN IMMEDIATE`` transaction, so two
watchers on one database never hold the same source or link: the second sees the first's lease.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from .watch_records import Alert, AlertArticle, AlertDraft, ListedLink, PollState, WatchedSource

_SOURCE_COLUMNS = (
    "s.id, s.url, s.name, s.kind, s.found_on, s.status, s.every_s, s.etag, s.last_modified, s.last_poll,"
    " s.next_poll, s.last_success, s.failures, s.last_error, s.found, s.stored,"
    " (SELECT COUNT(*) FROM watch_links l WHERE l.source_id = s.id AND l.state IN ('new', 'claimed')) AS pending,"
    " s.lease_owner, s.lease_until"
)
_DONE_STATES = ("stored", "present", "duplicate", "not_relevant", "failed")
_ALERT_COLUMNS = (
    "id, key, raised_at, kind, freq, period, tension, summary, evidence, evidence_url, delivery, attempts,"
    " last_error, sent_at"
)


class WatchQueries:
    """Queries on ``sources`` and ``watch_links``; expects ``self._conn`` (a sqlite3 connection)."""

    _conn: sqlite3.Connection

    def add_source(self, url: str, name: str, kind: str, found_on: str, every_s: int, now: str) -> int | None:
        cur = self._conn.execute(
            "INSERT OR IGNORE INTO sources (url, name, kind, found_on, every_s, next_poll, added_at)"
            " VALUES (?,?,?,?,?,?,?)",
            (url, name, kind, found_on, every_s, now, now),
        )
        return cur.lastrowid if cur.rowcount else None

    def list_sources(self) -> list[WatchedSource]:
        rows = self._conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources s ORDER BY s.id").fetchall()
        return [WatchedSource(*row) for row in rows]

    def get_source(self, source_id: int) -> WatchedSource | None:
        row = self._conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources s WHERE s.id = ?", (source_id,)).fetchone()
        return WatchedSource(*row) if row else None

    def source_id_by_url(self, url: str) -> int | None:
        row = self._conn.execute("SELECT id FROM sources WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def set_source_status(self, source_id: int, status: str, next_poll: str | None) -> bool:
        # Resuming starts afresh: the failures that disabled the source are forgotten.
        cur = self._conn.execute(
            "UPDATE sources SET status = ?, failures = CASE WHEN ? = 'active' THEN 0 ELSE failures END,"
            " next_poll = COALESCE(?, next_poll) WHERE id = ?",
            (status, status, next_poll, source_id),
        )
        return cur.rowcount > 0

    def remove_source(self, source_id: int) -> bool:
        return self._conn.execute("DELETE FROM sources WHERE id = ?", (source_id,)).rowcount > 0

    def claim_source(
        self, owner: str, now: str, lease_until: str, *, due_only: bool, exclude: Collection[int], since: str
    ) -> int | None:
        marks = ",".join("?" * len(exclude))
        row = self._conn.execute(
            "SELECT id FROM sources WHERE status = 'active' AND (lease_until = '' OR lease_until < ?)"
            " AND (last_poll IS NULL OR last_poll < ?)"
            + (" AND next_poll <= ?" if due_only else "")
            + (f" AND id NOT IN ({marks})" if exclude else "")
            + " ORDER BY next_poll, id LIMIT 1",
            (now, since, *((now,) if due_only else ()), *exclude),
        ).fetchone()
        if row is None:
            return None
        self._conn.execute(
            "UPDATE sources SET lease_owner = ?, lease_until = ? WHERE id = ?", (owner, lease_until, row[0])
        )
        return int(row[0])

    def finish_poll(self, source_id: int, owner: str, now: str, state: PollState) -> None:
        self._conn.execute(
            "UPDATE sources SET etag = ?, last_modified = ?, last_poll = ?, next_poll = ?, failures = ?,"
            " last_error = ?, status = CASE WHEN status = 'active' THEN ? ELSE status END,"
            " last_success = CASE WHEN ? THEN ? ELSE last_success END,"
            " lease_owner = '', lease_until = '' WHERE id = ? AND lease_owner = ?",
            (
                state.etag,
                state.last_modified,
                now,
                state.next_poll,
                state.failures,
                state.last_error,
                state.status,
                int(state.succeeded),
                now,
                source_id,
                owner,
            ),
        )

    def add_links(self, source_id: int, links: Sequence[ListedLink], now: str) -> int:
        before = self._conn.total_changes
        self._conn.executemany(
            "INSERT OR IGNORE INTO watch_links (url, listed_url, source_id, published, found_at) VALUES (?,?,?,?,?)",
            [(link.key, link.url, source_id, _iso(link.published), now) for link in links],
        )
        added = self._conn.total_changes - before
        self._conn.execute("UPDATE sources SET found = found + ? WHERE id = ?", (added, source_id))
        return added

    def claim_links(self, source_id: int, owner: str, now: str, lease_until: str, limit: int) -> list[ListedLink]:
        # Newest first (undated last), so a capped poll takes the freshest pieces.
        rows = self._conn.execute(
            "SELECT url, listed_url, published FROM watch_links WHERE source_id = ?"
            " AND (state = 'new' OR (state = 'claimed' AND claimed_until < ?))"
            " ORDER BY published IS NULL, published DESC, rowid LIMIT ?",
            (source_id, now, limit),
        ).fetchall()
        self._conn.executemany(
            "UPDATE watch_links SET state = 'claimed', claimed_by = ?, claimed_until = ? WHERE url = ?",
            [(owner, lease_until, row[0]) for row in rows],
        )
        return [ListedLink(row[0], row[1], date.fromisoformat(row[2]) if row[2] else None) for row in rows]

    def finish_link(
        self, key: str, state: str, now: str, *, article_id: int | None, relevance: float | None, detail: str
    ) -> None:
        cur = self._conn.execute(
            "UPDATE watch_links SET state = ?, article_id = ?, relevance = ?, detail = ?, done_at = ?,"
            " claimed_by = '', claimed_until = '' WHERE url = ? AND state NOT IN (" + _placeholders(_DONE_STATES) + ")",
            (state, article_id, relevance, detail, now, key, *_DONE_STATES),
        )
        if cur.rowcount and state in ("stored", "duplicate"):
            self._conn.execute(
                "UPDATE sources SET stored = stored + 1 WHERE id = (SELECT source_id FROM watch_links WHERE url = ?)",
                (key,),
            )

    def link_states(self) -> dict[str, int]:
        rows = self._conn.execute("SELECT state, COUNT(*) FROM watch_links GROUP BY state").fetchall()
        return {row[0]: row[1] for row in rows}

    def last_poll(self) -> str | None:
        row = self._conn.execute("SELECT MAX(last_poll) FROM sources").fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------ alerts

    def add_alert(self, draft: AlertDraft, now: str, delivery: str, pair: str) -> int | None:
        cur = self._conn.execute(
            "INSERT OR IGNORE INTO alerts (pair, key, raised_at, kind, freq, period, tension, summary, evidence,"
            " evidence_url, delivery) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
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
        if not cur.rowcount:
            return None
        alert_id = int(cur.lastrowid or 0)
        self._conn.executemany(
            "INSERT OR IGNORE INTO alert_articles (alert_id, article_id) VALUES (?,?)",
            [(alert_id, article_id) for article_id in draft.article_ids],
        )
        return alert_id

    def list_alerts(self, limit: int, version: str, pair: str, alert_id: int | None = None) -> list[Alert]:
        where, key = ("id = ?", alert_id) if alert_id is not None else ("pair = ?", pair)
        rows = self._conn.execute(
            f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE {where} ORDER BY raised_at DESC, id DESC LIMIT ?",
            (key, limit),
        ).fetchall()
        named: dict[int, list[AlertArticle]] = {row[0]: [] for row in rows}
        if named:
            ids = list(named)
            for row in self._conn.execute(
                "SELECT l.alert_id, a.id, a.title, a.url, a.published,"
                " (SELECT s.tension FROM scores s WHERE s.article_id = a.id AND s.pair = al.pair"
                "  ORDER BY s.scorer_version = ? DESC, s.scored_at DESC, s.rowid DESC LIMIT 1)"
                " FROM alert_articles l JOIN alerts al ON al.id = l.alert_id JOIN articles a ON a.id = l.article_id"
                f" WHERE l.alert_id IN ({_placeholders(ids)})"
                " ORDER BY l.alert_id, a.id",
                (version, *ids),
            ):
                named[row[0]].append(AlertArticle(*row[1:]))
        return [_alert(row, tuple(named[row[0]])) for row in rows]

    def claim_alert(self, alert_id: int, owner: str, now: str, lease_until: str, max_attempts: int) -> bool:
        # Pending, or left "sending" by a watcher whose lease ran out: never two senders at once. One that
        # used up its attempts is given up (it stays pending, with its last error, for people to see).
        cur = self._conn.execute(
            "UPDATE alerts SET delivery = 'sending', claimed_by = ?, claimed_until = ? WHERE id = ?"
            " AND (delivery = 'pending' OR (delivery = 'sending' AND claimed_until < ?)) AND attempts < ?",
            (owner, lease_until, alert_id, now, max_attempts),
        )
        return cur.rowcount > 0

    def finish_delivery(self, alert_id: int, owner: str, now: str, *, sent: bool, attempts: int, error: str) -> None:
        self._conn.execute(
            "UPDATE alerts SET delivery = ?, attempts = attempts + ?, last_error = ?,"
            " sent_at = CASE WHEN ? THEN ? ELSE sent_at END, claimed_by = '', claimed_until = ''"
            " WHERE id = ? AND delivery = 'sending' AND claimed_by = ?",
            ("sent" if sent else "pending", attempts, error, int(sent), now, alert_id, owner),
        )

    def release_alerts(self, owner: str) -> int:
        return self._conn.execute(
            "UPDATE alerts SET delivery = 'pending', claimed_by = '', claimed_until = ''"
            " WHERE delivery = 'sending' AND claimed_by = ?",
            (owner,),
        ).rowcount

    def undelivered_alerts(self, now: str, limit: int, max_attempts: int) -> list[int]:
        rows = self._conn.execute(
            "SELECT id FROM alerts WHERE (delivery = 'pending' OR (delivery = 'sending' AND claimed_until < ?))"
            " AND attempts < ? ORDER BY id LIMIT ?",
            (now, max_attempts, limit),
        ).fetchall()
        return [row[0] for row in rows]


def _alert(row: Sequence[Any], articles: tuple[AlertArticle, ...]) -> Alert:
    """An ``alerts`` row (``_ALERT_COLUMNS``, in order) with the articles it names."""
    (id_, key, raised_at, kind, freq, period, tension, summary, evidence, url, delivery, attempts, error, sent) = row
    return Alert(
        id_,
        key,
        raised_at,
        kind,
        freq,
        period,
        tension,
        summary,
        evidence,
        url,
        delivery,
        attempts,
        error,
        sent,
        articles,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _placeholders(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))
