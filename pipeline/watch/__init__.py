"""Watching sources: feeds and sitemaps polled on a schedule, their new relevant articles ingested.

``sources`` finds feeds and sitemaps behind an address, ``feeds`` reads their bytes, ``poll`` polls
them (conditional GETs, backoff, leases in the database), ``alerts`` raises alerts and ``webhook``
sends them on, ``manage`` is what the CLI and dashboard call.
"""

from __future__ import annotations

from ..settings import parse_duration
from .alerts import alert_line, payload
from .feeds import Entry, Listing, ListingError, parse_listing
from .manage import (
    ago,
    change,
    check_now,
    delivery_note,
    find,
    freshness,
    freshness_of,
    health,
    recent_alerts,
    save,
    source_rows,
)
from .poll import PollReport, Watcher
from .sources import Discovery, Found, discover, save_found

__all__ = [
    "Discovery",
    "Entry",
    "Found",
    "Listing",
    "ListingError",
    "PollReport",
    "Watcher",
    "ago",
    "alert_line",
    "change",
    "check_now",
    "delivery_note",
    "discover",
    "find",
    "freshness",
    "freshness_of",
    "health",
    "parse_duration",
    "parse_listing",
    "payload",
    "recent_alerts",
    "save",
    "save_found",
    "source_rows",
]
