"""Where ingest writes to the database: open it, store each result, record each failure.

Every write of an ingest goes through here (the lookups are in known.py), in the main thread, one
committed transaction per article, so a crash loses nothing stored before it.
"""

from __future__ import annotations

import contextlib
import sqlite3

from .. import store
from ..models import Article, FetchFailure, Score
from ..settings import Settings
from .report import Outcome

Connection = sqlite3.Connection


def open_store(settings: Settings) -> Connection:
    """The database named by the settings, created and migrated when needed."""
    return store.connect(settings.db)


def record_input_failure(conn: Connection, outcome: Outcome) -> None:
    """Store a failed input (a bad row, a string that is not a web URL, an unreadable file)."""
    store.record_failure(conn, FetchFailure(outcome.url, outcome.detail, "input"))


def store_result(conn: Connection, url: str, result: Article | FetchFailure, score: Score | None) -> Outcome:
    """Store one result; a storage error (disk full, a lock held too long) becomes a failed outcome."""
    try:
        return _store(conn, url, result, score)
    except sqlite3.Error as err:
        reason = f"could not store: {err}"
        with contextlib.suppress(sqlite3.Error):  # the database may be what is failing
            store.record_failure(conn, FetchFailure(url, reason, "store"))
        return Outcome(url, "failed", reason)


def _store(conn: Connection, url: str, result: Article | FetchFailure, score: Score | None) -> Outcome:
    if isinstance(result, FetchFailure):
        store.record_failure(conn, result)
        return Outcome(url, "failed", result.reason)
    saved = store.insert_article(conn, result, score)
    if saved.status == "present":
        return Outcome(url, "present", "", saved.id, result.title)
    if saved.status == "duplicate":
        return Outcome(url, "duplicate", f"same story as {saved.story_of}", saved.id, result.title)
    return Outcome(url, "stored", result.decode_note, saved.id, result.title)  # the charset note, if any
