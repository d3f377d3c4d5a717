"""The store's errors and the protocol every storage backend implements.

``Store`` (``pipeline.store.database``) holds the policy: which writes form one transaction, which
story a new article joins (asked of ``pipeline.dedupe``), what a view reads. A backend only runs
queries in its own dialect and turns its rows into the records of ``pipeline.store.records``.
Two backends implement it: SQLite (``pipeline.store.sqlite``, the embedded default) and PostgreSQL
(``pipeline.store.postgres``, for a team's shared server); ``Store.open`` picks one by the ``--db``
value. A test suite run on both (``store_db`` in tests/conftest.py) holds them to the same behaviour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..dedupe import StoryCandidate
from ..models import Article, Event, FetchFailure, Score
from ..resources import DEFAULT_PAIR
from .records import ArticleDetail, Override, UnscoredArticle
from .watch_records import Alert, AlertDraft, ListedLink, PollState, WatchedSource

if TYPE_CHECKING:
    import polars as pl


class StoreError(RuntimeError):
    """The database cannot be opened, read or written as asked; the message names it and says why.

    ``reason`` is the why alone (say "disk I/O error"), for messages that name the database elsewhere.
    """

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason if reason is not None else message

    @classmethod
    def wrap(cls, database: str, err: BaseException) -> StoreError:
        """A driver's error as a StoreError naming ``database``."""
        # psycopg's text adds the server's CONTEXT lines (which PL/pgSQL line raised): the primary
        # message is the reason people need.
        primary = getattr(getattr(err, "diag", None), "message_primary", None)
        reason = primary or str(err) or type(err).__name__
        return cls(f"database {database}: {reason}", reason=reason)


class SearchError(ValueError):
    """A search that cannot be run as typed (say, only punctuation); the message says why in words."""


@dataclass(frozen=True)
class SearchScope:
    """The articles a search lists: the sidebar's languages and sources (empty: all) and inclusive
    date range, which undated articles always pass (as the articles table lists them)."""

    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None


EVERY_ARTICLE = SearchScope()


class SchemaTooNew(StoreError):
    """The database was written by a newer version of this program."""


class Backend(Protocol):
    """Queries of one database engine. Write methods run inside the caller's ``transaction()``;
    errors of the engine's driver are those in ``driver_errors`` (``Store`` wraps them in StoreError)."""

    #: How messages name the database: a file path, or a URL without its password.
    name: str
    #: The driver's exception classes (``Store`` turns them into StoreError naming the database).
    driver_errors: tuple[type[BaseException], ...]

    def close(self) -> None:
        """Release the connection(s)."""

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic unit of writes, rolled back on any exception; nested ones are savepoints."""

    # articles
    def find_article_id(self, url: str) -> int | None:
        """The id of an article stored under this URL or canonical URL."""

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        """Those of ``urls`` (distinct) stored as URL or canonical URL."""

    def article_id_by_canonical(self, canonical_url: str) -> int | None:
        """The id of the article stored under this canonical URL."""

    def story_candidates(self, band_keys: Sequence[int]) -> list[StoryCandidate]:
        """Stored articles sharing at least one LSH band key (key ``i`` is band ``i``)."""

    def insert_article(
        self, article: Article, story_id: int | None, band_keys: Sequence[int], *, skip_existing: bool = False
    ) -> int | None:
        """Insert an article row and its band keys; its id. ``story_id`` None starts a story of its
        own; ``skip_existing`` returns None instead of failing when the canonical URL is stored."""

    def merge_stories(self, into: int, others: Sequence[int]) -> None:
        """Move every article of the stories ``others`` into the story ``into``."""

    def article_count(self, *, include_demo: bool) -> int:
        """Number of stored articles."""

    def article_detail(self, article_id: int, score: Score | None, pair: str) -> ArticleDetail | None:
        """One article's columns and its correction for ``pair``, with ``score`` attached (None when absent)."""

    def unscored(self, version: str, after_id: int, limit: int) -> list[UnscoredArticle]:
        """Up to ``limit`` articles with id above ``after_id`` and no ``version`` score, in id order."""

    def delete_demo_articles(self) -> int:
        """Delete the demo articles with their scores and corrections; how many."""

    # scores
    def write_score(self, article_id: int, score: Score) -> None:
        """Store a score under ``score.pair``, replacing one of the same article, pair and version."""

    def retire_scores(self, keep_version: str, pair: str) -> int:
        """Delete the pair's other versions' scores of the articles that have its ``keep_version`` score."""

    def current_score(self, article_id: int, preferred_version: str, pair: str) -> Score | None:
        """The pair's ``preferred_version`` score when stored, else its newest (by time, then insertion)."""

    def score_versions(self, pair: str) -> dict[str, int]:
        """How many articles each scorer version has scored for the pair."""

    # followed pairs (issue 15)
    def follow(self, pair: str, now: str) -> bool:
        """List ``pair`` in ``pairs`` (added at ``now``); True when it was not listed."""

    def followed_pairs(self) -> list[str]:
        """The pairs listed in ``pairs``, sorted."""

    # failures
    def record_failure(self, failure: FetchFailure) -> None:
        """Store a failure row stamped with the current time."""

    def failure_columns(self, limit: int) -> dict[str, list[object]]:
        """The latest ``limit`` failures, newest first, as columns url, time, reason, stage."""

    # corrections
    def article_exists(self, article_id: int) -> bool:
        """True when an article with this id is stored."""

    def set_override(self, article_id: int, override: Override, pair: str) -> None:
        """Store the analyst's correction for the pair, replacing an earlier one."""

    def clear_override(self, article_id: int, pair: str) -> bool:
        """Delete the pair's correction; True when there was one."""

    # the views
    def reading(self) -> AbstractContextManager[None]:
        """Reads inside the block all see one state of the database (writers are not blocked)."""

    def article_column_batches(
        self,
        preferred_version: str,
        *,
        pair: str = DEFAULT_PAIR,
        changed_since: int | None = None,
        batch: int = 50_000,
    ) -> Iterator[dict[str, list[object]] | pl.DataFrame]:
        """The columns of ``ARTICLE_FRAME_SCHEMA`` (the scores and corrections of ``pair``) in id order,
        ``batch`` rows at a time, dates as ISO
        text and flags as 0/1 (``frames.RAW_SCHEMA``), as lists or as a frame read column by column;
        with ``changed_since``, only the articles changed after that counter."""

    def change_counter(self) -> int:
        """A number that changes with every write to articles, scores or corrections."""

    def change_stamp(self) -> tuple[str, int]:
        """This database's token (another database at the same path has another) and its change counter."""

    def changed_articles(self, since: int) -> list[int]:
        """Ids of the articles written or deleted after the change counter was ``since``."""

    # full-text search (issue 14)
    def search_ids(self, query: str) -> list[int]:
        """Ids of the articles whose title or text holds every word of ``query``, best match first
        (SearchError when it holds no word)."""

    def search_snippets(self, query: str, ids: Sequence[int]) -> dict[int, str]:
        """The passage of each of ``ids`` that matches ``query`` best, matched words between marks."""

    def search_count(self, query: str, scope: SearchScope = EVERY_ARTICLE) -> int:
        """How many articles in ``scope`` hold every word of ``query`` (SearchError as above); without a
        filter, the index's own count (cheap: no row is read)."""

    def search_page(self, query: str, scope: SearchScope, offset: int, limit: int) -> list[int]:
        """Rows ``offset`` … ``offset + limit`` of ``search_ids(query)`` restricted to ``scope``, in the same
        order (best first, ties to the lower id), filtered and paged by the database (SearchError as above)."""

    def address_page(
        self,
        query: str | None,
        scope: SearchScope,
        sources: Sequence[str],
        url_part: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[int], int]:
        """The articles in ``scope`` whose source is one of ``sources`` or whose URL holds ``url_part``
        (ASCII case ignored; None: no URL test) and that are not full-text matches of ``query`` (None:
        none are): the ids of rows ``offset`` … ``offset + limit``, newest first (undated last, then
        higher id first), and how many there are in all."""

    # ------------------------------------------------------------ watched sources (pipeline.watch; issue 11)
    # Times are ISO text in UTC, given by the caller (the watcher's clock).

    def add_source(self, url: str, name: str, kind: str, found_on: str, every_s: int, now: str) -> int | None:
        """Insert a source due at once; its id, None when the URL is watched already."""

    def list_sources(self) -> list[WatchedSource]:
        """Every source in id order, with its count of links not yet fetched."""

    def get_source(self, source_id: int) -> WatchedSource | None:
        """One source by id."""

    def source_id_by_url(self, url: str) -> int | None:
        """The id of the source polling this URL."""

    def set_source_status(self, source_id: int, status: str, next_poll: str | None) -> bool:
        """Set active / paused / disabled (active also clears the failure count); False when absent."""

    def remove_source(self, source_id: int) -> bool:
        """Delete a source (the links it listed stay, as seen); False when absent."""

    def claim_source(
        self, owner: str, now: str, lease_until: str, *, due_only: bool, exclude: Collection[int], since: str
    ) -> int | None:
        """Lease the active source due first (any active one when not ``due_only``) that no live lease
        holds, is not in ``exclude`` and was not polled at or after ``since``; its id, None when none."""

    def finish_poll(self, source_id: int, owner: str, now: str, state: PollState) -> None:
        """Record a poll's result on the source and release ``owner``'s lease."""

    def add_links(self, source_id: int, links: Sequence[ListedLink], now: str) -> int:
        """Remember listed links not seen before (by canonical URL); how many were new."""

    def claim_links(self, source_id: int, owner: str, now: str, lease_until: str, limit: int) -> list[ListedLink]:
        """Lease up to ``limit`` of the source's links waiting (new, or claimed under an expired lease)."""

    def finish_link(
        self, key: str, state: str, now: str, *, article_id: int | None, relevance: float | None, detail: str
    ) -> None:
        """Record what became of a claimed link (one of LINK_STATES past "claimed")."""

    def link_states(self) -> dict[str, int]:
        """How many listed links are in each state."""

    def last_poll(self) -> str | None:
        """The time of the latest poll of any source."""

    # ------------------------------------------------------------ alerts (pipeline.watch.alerts; issue 11)

    def add_alert(self, draft: AlertDraft, now: str, delivery: str, pair: str) -> int | None:
        """Insert an alert of ``pair`` and the articles it names; its id, None when its key was raised
        already for that pair."""

    def list_alerts(self, limit: int, version: str, pair: str, alert_id: int | None = None) -> list[Alert]:
        """The newest alerts of ``pair`` (or the one ``alert_id``, whatever its pair) with their articles,
        tension of the alert's pair by scorer ``version``."""

    def claim_alert(self, alert_id: int, owner: str, now: str, lease_until: str, max_attempts: int) -> bool:
        """Lease a pending alert (or one whose sender's lease ran out) for delivery; False when taken."""

    def finish_delivery(self, alert_id: int, owner: str, now: str, *, sent: bool, attempts: int, error: str) -> None:
        """Record a delivery's outcome (sent, or pending again with the error) and release the lease."""

    def release_alerts(self, owner: str) -> int:
        """Put the alerts ``owner`` is still sending back to pending; how many."""

    def undelivered_alerts(self, now: str, limit: int, max_attempts: int) -> list[int]:
        """Ids of the alerts waiting for the webhook, oldest first."""

    # ------------------------------------------------------------ key events (issue 14)
    # Times are ISO text in UTC, given by the caller.

    def list_events(self, pair: str) -> list[Event]:
        """Every key event of the pair, by date then id."""

    def get_event(self, event_id: int) -> Event | None:
        """One key event by id."""

    def add_event(self, event: Event, pair: str, now: str) -> int | None:
        """Insert a key event of the pair; its id, None when it is a demo event stored already (same pair,
        date and label)."""

    def update_event(self, event_id: int, event: Event, now: str) -> bool:
        """Set date, label, note and link (``is_demo`` and the pair stay); False when absent."""

    def delete_event(self, event_id: int) -> bool:
        """Delete one key event; False when absent."""

    def delete_demo_events(self) -> int:
        """Delete the demo's key events, of every pair; how many."""
