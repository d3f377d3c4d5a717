"""What the CLI and the dashboard do with watched sources: list them, change them, check them now,
and say how current the data is. Each opens the store by the settings' database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..report import IngestReport, Progress
from ..settings import Settings, parse_duration
from ..store import Store, WatchedSource
from ..store.watch_records import Alert
from .poll import Watcher, utc_now
from .sources import Found, save_found
from .webhook import gave_up

if TYPE_CHECKING:
    from ..scoring.actors import Pair


def find(db: Store, ref: str) -> WatchedSource:
    """The source named by an id or URL; ValueError saying so when there is none."""
    source = db.find_source(ref)
    if source is None:
        raise ValueError(f"no watched source {ref!r} (give its number or URL, as `watch list` shows them)")
    return source


def change(settings: Settings, ref: str, action: str) -> str:
    """Pause, resume or remove a source; the sentence that says what was done."""
    with Store.open(settings.db, pair=settings.watched_pair()) as db:
        source = find(db, ref)
        label = f"#{source.id} {source.name or source.url}"
        if action == "remove":
            db.remove_source(source.id)
            return f"Removed {label}; the links it listed stay remembered, so re-adding it fetches only new ones."
        if action == "pause":
            db.set_source_status(source.id, "paused")
            return f"Paused {label}."
        db.set_source_status(source.id, "active", now=utc_now())
        return f"Resumed {label}: due now" + (f" (it had been {source.status})." if source.status != "active" else ".")


def save(settings: Settings, found: list[Found], *, name: str = "") -> list[tuple[Found, int | None]]:
    """Save found feeds or sitemaps as sources; each with its id (None: watched already)."""
    with Store.open(settings.db, pair=settings.watched_pair()) as db:
        return save_found(db, found, name=name, every_s=parse_duration(settings.watch_every, "BAROMETER_WATCH_EVERY"))


def check_now(settings: Settings, source_ids: set[int], progress: Progress | None = None) -> IngestReport:
    """Poll these sources now (the dashboard's "check now"); the report of the links fetched."""
    report = IngestReport()
    with Store.open(settings.db, pair=settings.watched_pair()) as db:
        watcher = Watcher(settings)
        watcher.poll_due(db, only=source_ids, progress=progress, report=report)
        watcher.close(db, timeout=settings.total_timeout)  # the webhook's thread ends; what it left waits
    return report


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """ "12 minutes ago", "3 hours ago", "2 days ago"; "never" for None."""
    if moment is None:
        return "never"
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def soon(moment: datetime, now: datetime | None = None) -> str:
    """ "in 25 minutes", "in 1 hour 59 minutes", "in 2 days"; "now" when the moment has come."""
    seconds = int((moment - (now or datetime.now(UTC))).total_seconds())
    if seconds <= 0:
        return "now"
    if seconds < 60:
        return "in under a minute"
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    return "in " + " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)


def when_utc(iso: str) -> str:
    """An ISO time as people read it: "2026-03-09 14:05 UTC"."""
    return f"{datetime.fromisoformat(iso):%Y-%m-%d %H:%M} UTC"


def next_poll_words(source: WatchedSource, now: datetime) -> str:
    """When a source is next polled, in words: "due now", "in 25 minutes (2026-03-09 14:05 UTC)", "-"."""
    if source.status != "active":
        return "- (paused)" if source.status == "paused" else "- (disabled; `watch resume` enables it)"
    when = datetime.fromisoformat(source.next_poll)
    return "due now" if when <= now else f"{soon(when, now)} ({when_utc(source.next_poll)})"


def freshness(db: Store, now: datetime | None = None) -> str:
    """How current the data is, for the trend's caption: when a watcher last polled, or that none has."""
    sources = db.sources()
    if not sources:
        return "No sources are watched: the data is what was added by hand."
    last = db.last_poll()
    active = sum(s.status == "active" for s in sources)
    if last is None:
        return f"{active} watched sources, never polled yet: run `python -m pipeline watch run`."
    return f"Sources last polled {ago(last, now)} ({last:%Y-%m-%d %H:%M} UTC); {active} of {len(sources)} active."


def health(source: WatchedSource) -> str:
    """One word or two for a source's health on the dashboard."""
    if source.status != "active":
        return source.status
    if source.leased(datetime.now(UTC).replace(microsecond=0).isoformat()):
        return f"being polled (held until {when_utc(source.lease_until)})"
    if source.last_poll is None:
        return "not polled yet"
    return f"failing ({source.failures} in a row)" if source.failures else "ok"


def source_rows(db_path: str, backfill: str = "") -> list[dict[str, object]]:
    """Each source as a row for the dashboard's table (read only; empty when there is no database).
    ``backfill``: the settings' pair, under which an old database is filed if this opening upgrades it."""
    now = utc_now()
    with Store.open(db_path, backfill=backfill) as db:
        return [
            {
                "id": s.id,
                "name": s.name,
                "kind": s.kind,
                "health": health(s),
                "last poll": f"{when_utc(s.last_poll)}, {ago(datetime.fromisoformat(s.last_poll), now)}"
                if s.last_poll
                else "never",
                "next poll": next_poll_words(s, now),
                "found": s.found,
                "stored": s.stored,
                "waiting": s.pending,
                "last error": s.last_error,
                "url": s.url,
            }
            for s in db.sources()
        ]


def freshness_of(db_path: str, backfill: str = "") -> str:
    """``freshness`` for the database at ``db_path`` (``backfill`` as for ``source_rows``)."""
    with Store.open(db_path, backfill=backfill) as db:
        return freshness(db)


def recent_alerts(db_path: str, limit: int = 200, pair: Pair | None = None) -> list[Alert]:
    """The newest alerts of ``pair`` (default kz-ru) first, with their articles, for the dashboard (read only)."""
    with Store.open(db_path, read_only=Store.is_read_only(db_path), pair=pair) as db:
        return db.alerts(limit)


def delivery_note(alert: Alert) -> str:
    """What became of an alert's webhook delivery, in words ("" when no webhook was set)."""
    if alert.delivery == "sent":
        return f"sent to the webhook at {alert.sent_at}"
    if gave_up(alert):
        return f"not delivered to the webhook: given up after {alert.attempts} attempts (the last: {alert.last_error})"
    if alert.delivery in ("pending", "sending"):
        tried = f" after {alert.attempts} attempts (the last: {alert.last_error})" if alert.attempts else ""
        return f"not delivered to the webhook yet{tried}; the next run retries"
    return ""
