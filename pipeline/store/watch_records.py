"""What the store hands back about watched sources (``sources``) and the links they list (``watch_links``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: A source's states: polled when due, kept but not polled, or stopped after failing too often.
SOURCE_STATUSES = ("active", "paused", "disabled")
#: What became of a listed link: waiting, being fetched by a watcher, or one of the ingest's outcomes
#: (``not_relevant``: fetched and scored, not about the relationship, so not stored as an article).
LINK_STATES = ("new", "claimed", "stored", "present", "duplicate", "not_relevant", "failed")


@dataclass(frozen=True)
class WatchedSource:
    """One row of ``sources``: a feed or sitemap and its polling state (times are ISO text, UTC)."""

    id: int
    url: str
    name: str
    kind: str  # "feed" or "sitemap"
    found_on: str  # the homepage it was discovered on, "" when added directly
    status: str  # one of SOURCE_STATUSES
    every_s: int  # seconds between two polls
    etag: str
    last_modified: str
    last_poll: str | None
    next_poll: str
    last_success: str | None
    failures: int  # polls failed in a row
    last_error: str
    found: int  # distinct links listed so far
    stored: int  # of those, stored as articles
    pending: int = 0  # listed links not yet fetched


@dataclass(frozen=True)
class PollState:
    """What one poll leaves on its source: validators, the schedule, and the error if it failed."""

    etag: str
    last_modified: str
    next_poll: str
    failures: int
    last_error: str = ""
    status: str = "active"
    succeeded: bool = True


@dataclass(frozen=True)
class ListedLink:
    """A link a source listed: its canonical URL (the key), the URL as listed, and the date given."""

    key: str
    url: str
    published: date | None = None
