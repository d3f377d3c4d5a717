"""Where ingest writes to the database: open it, store each result, record each failure.

Every write of an ingest goes through here (the lookups are in known.py), in the main thread, one
committed transaction per article, so a crash loses nothing stored before it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ..models import Article, FetchFailure, Score
from ..report import Outcome
from ..settings import Settings
from ..store import Store, StoreError

logger = logging.getLogger(__name__)


def open_store(settings: Settings) -> Store:
    """The database named by the settings, created and migrated when needed, working for the watched pair."""
    return Store.open(settings.db, pair=settings.watched_pair())


def record_input_failure(db: Store, outcome: Outcome) -> None:
    """Store a failed input (a bad row, a string that is not a web URL, an unreadable file)."""
    db.record_failure(FetchFailure(outcome.url, outcome.detail, "input"))


def store_result(db: Store, url: str, result: Article | FetchFailure, scores: Sequence[Score]) -> Outcome:
    """Store one result with its scores (one per pair, the store's pair first); a storage error (disk
    full, a lock held too long) becomes a failed outcome."""
    try:
        return _store(db, url, result, scores)
    except StoreError as err:
        reason = f"could not store: {err.reason}"
        try:
            db.record_failure(FetchFailure(url, reason, "store"))
        except StoreError as again:  # the database may be what is failing: the outcome still says why
            logger.warning("could not record the failure of %s either: %s", url, again)
        return Outcome(url, "failed", reason)


def _store(db: Store, url: str, result: Article | FetchFailure, scores: Sequence[Score]) -> Outcome:
    if isinstance(result, FetchFailure):
        db.record_failure(result)
        return Outcome(url, "failed", result.reason)
    saved = db.insert_article(result, scores[0] if scores else None, extra_scores=scores[1:])
    if saved.status == "present":
        return Outcome(url, "present", "", saved.id, result.title)
    if saved.status == "duplicate":
        return Outcome(url, "duplicate", f"same story as {saved.story_of}", saved.id, result.title)
    return Outcome(url, "stored", result.decode_note, saved.id, result.title)  # the charset note, if any
