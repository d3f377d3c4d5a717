"""Watching sources: feeds and sitemaps polled on a schedule, their new relevant articles ingested.

``sources`` finds feeds and sitemaps behind an address, ``feeds`` reads their bytes, ``poll`` polls
them (conditional GETs, backoff, leases in the database), ``manage`` is what the CLI and dashboard call.
"""

from __future__ import annotations

from .feeds import Entry, Listing, ListingError, parse_listing
from .manage import ago, change, check_now, find, freshness, freshness_of, health, save, source_rows
from .poll import PollReport, Watcher
from .sources import Discovery, Found, discover, parse_duration, save_found

__all__ = [
    "Discovery",
    "Entry",
    "Found",
    "Listing",
    "ListingError",
    "PollReport",
    "Watcher",
    "ago",
    "change",
    "check_now",
    "discover",
    "find",
    "freshness",
    "freshness_of",
    "health",
    "parse_duration",
    "parse_listing",
    "save",
    "save_found",
    "source_rows",
]
