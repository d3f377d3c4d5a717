"""Key events as the analyst edits them: checked input (date, label, note, link) and the reads and
writes the dashboard's Key events page makes. The demo's events are loaded with the demo
(``pipeline.demo``) and removed with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .models import Event
from .store import Store

LABEL_MAX = 60  # characters: a label is drawn on the chart, beside others
NOTE_MAX = 1000
LINK_MAX = 2000


@dataclass(frozen=True)
class EventProblem:
    """What is wrong with one field of an event as typed, in words."""

    field: str  # "date", "label", "note" or "link"
    reason: str

    def __str__(self) -> str:
        return f"{self.field.capitalize()}: {self.reason}"


def link_problem(link: str) -> str | None:
    """Why ``link`` cannot be an event's link (None when it can: empty, or an http(s) address with a host)."""
    if not link:
        return None
    if len(link) > LINK_MAX:
        return f"{len(link):,} characters, at most {LINK_MAX:,}"
    if any(c.isspace() or ord(c) < 32 for c in link):
        return f"{link!r} holds a space or a control character"
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https"):
        return f"{link!r} is not a web address: it must start with http:// or https://"
    if not parts.hostname:
        return f"{link!r} names no host"
    return None


def check_event(day: object, label: str, note: str = "", link: str = "") -> Event | list[EventProblem]:
    """The event the analyst typed (text trimmed), or every problem with it, each naming its field."""
    label, note, link = label.strip(), note.strip(), link.strip()
    problems = []
    when: dt.date | None = None
    if isinstance(day, dt.datetime):
        when = day.date()
    elif isinstance(day, dt.date):
        when = day
    elif isinstance(day, str) and day.strip():
        try:
            when = dt.date.fromisoformat(day.strip())
        except ValueError:
            problems.append(EventProblem("date", f"{day.strip()!r} is not a date (write YYYY-MM-DD)"))
    else:
        problems.append(EventProblem("date", "required"))
    if not label:
        problems.append(EventProblem("label", "required"))
    elif len(label) > LABEL_MAX:
        problems.append(
            EventProblem("label", f"{len(label)} characters, at most {LABEL_MAX} (put the rest in the note)")
        )
    elif any(ord(c) < 32 for c in label):
        problems.append(EventProblem("label", "one line, without tabs or control characters"))
    if len(note) > NOTE_MAX:
        problems.append(EventProblem("note", f"{len(note):,} characters, at most {NOTE_MAX:,}"))
    if (reason := link_problem(link)) is not None:
        problems.append(EventProblem("link", reason))
    if problems or when is None:
        return problems
    return Event(when, label, note, link)


# ---------------------------------------------------------------- reads and writes (a database path each)


def read_events(db: str | Path, pair: str | None = None) -> list[Event]:
    """Every stored key event of the pair (None: kz-ru), oldest first; none when the database does not exist yet."""
    if not Path(db).exists() and "://" not in str(db):
        return []
    with Store.open(db, create=False, read_only=Store.is_read_only(db), backfill=pair or "") as store:
        return store.list_events(pair)


def add_event(db: str | Path, event: Event, pair: str | None = None) -> int | None:
    """Store the analyst's event of the pair (None: kz-ru); its id."""
    with Store.open(db, backfill=pair or "") as store:
        return store.add_event(Event(event.date, event.label, event.note, event.link), pair)


def update_event(db: str | Path, event_id: int, event: Event, backfill: str = "") -> bool:
    """Change a stored event; False when it was removed meanwhile. ``backfill``: the settings' pair,
    under which an old database is filed if this opening upgrades it."""
    with Store.open(db, backfill=backfill) as store:
        return store.update_event(event_id, event)


def remove_event(db: str | Path, event_id: int, backfill: str = "") -> bool:
    """Remove a stored event; False when it was removed already (``backfill`` as for ``update_event``)."""
    with Store.open(db, backfill=backfill) as store:
        return store.delete_event(event_id)
