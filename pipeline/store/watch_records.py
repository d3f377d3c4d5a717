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
    lease_owner: str = ""  # the watcher polling it now ("" when none; see ``leased``)
    lease_until: str = ""  # when that watcher's claim expires (a killed watcher's, too)

    def leased(self, now: str) -> bool:
        """Whether a watcher holds this source at ``now`` (ISO, UTC): it is being polled, or its
        watcher was killed and the lease has not run out yet."""
        return bool(self.lease_owner) and self.lease_until >= now


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


#: What raised an alert: one tense new article, or the current period becoming a spike.
ALERT_KINDS = ("article", "spike")
#: The webhook's state of an alert: no webhook was set when it was raised, waiting to be sent (again),
#: being sent by a watcher (a lease), or delivered.
DELIVERY_STATES = ("none", "pending", "sending", "sent")


@dataclass(frozen=True)
class AlertArticle:
    """An article an alert names, with its current tension (None when unscored)."""

    id: int
    title: str
    url: str
    published: str | None
    tension: float | None


@dataclass(frozen=True)
class AlertDraft:
    """An alert before it is stored; ``key`` makes it once-only ("article:<id>", "spike:<freq>:<period>")."""

    key: str
    kind: str  # one of ALERT_KINDS
    freq: str
    period: str  # ISO date the period starts
    tension: float
    summary: str
    evidence: str
    evidence_url: str
    article_ids: tuple[int, ...]


@dataclass(frozen=True)
class Alert:
    """One row of ``alerts`` with the articles it names (times are ISO text, UTC)."""

    id: int
    key: str
    raised_at: str
    kind: str
    freq: str
    period: str
    tension: float
    summary: str
    evidence: str
    evidence_url: str
    delivery: str  # one of DELIVERY_STATES
    attempts: int
    last_error: str
    sent_at: str | None
    articles: tuple[AlertArticle, ...] = ()
