"""Poll watched sources and ingest what they list that is new.

One poll: lease the source, GET it conditionally (ETag / Last-Modified: a 304 costs no parsing and no
link), remember every listed link by its canonical URL, lease up to ``watch_max_links`` of the links
never seen, and send them through the ingest (``check_inputs``, ``drop_known``, ``fetch_and_store``).
A piece not about the relationship is remembered as seen (with its date and relevance) instead of
stored. A failed poll is retried after a doubling wait, and disables the source after
``watch_max_failures`` in a row. All state is in the database: a killed watcher's leases expire and
the next one continues; two watchers on one database never hold the same source or link.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from ..ingest.checks import RecentKeys, check_inputs
from ..ingest.extractor import Extractor
from ..ingest.known import drop_known
from ..ingest.save import store_result
from ..ingest.urls import fetch_and_store
from ..models import Article, FetchFailure, Page, Score, UrlRequest
from ..report import IngestReport, Outcome, Progress
from ..settings import Settings, parse_duration
from ..store import ListedLink, PollState, Store, WatchedSource
from ..store.watch_records import Alert
from .alerts import Alerter
from .feeds import Entry, Listing, ListingError
from .sources import listing_fetcher, read_listing

#: Child sitemaps of an index read per poll, newest first (a big site's index lists hundreds).
MAX_CHILD_SITEMAPS = 3
#: The longest wait a failing source's backoff reaches.
MAX_BACKOFF = timedelta(days=1)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class PollReport:
    """What one poll of one source did."""

    source: WatchedSource
    status: str = "polled"  # "polled", "not modified", "failed" or "disabled"
    listed: int = 0  # links the feed lists now
    new: int = 0  # of those, never seen before
    error: str = ""
    outcomes: dict[str, int] = field(default_factory=dict)  # link outcome -> count

    def line(self) -> str:
        """One line for the terminal."""
        name = self.source.name or self.source.url
        if self.status == "not modified":
            head = f"{name}: not modified (304)"
        elif self.status in ("failed", "disabled"):
            head = f"{name}: {self.status}: {self.error}"
        else:
            head = f"{name}: {self.listed} listed, {self.new} new"
        done = ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in sorted(self.outcomes.items()))
        return f"{head}; fetched: {done}" if done else head


class Watcher:
    """Polls sources for one process; ``owner`` names its leases. ``clock`` and ``sleep`` are the
    outside world's time (tests move it instead of waiting); ``on_alert`` hears each alert raised."""

    def __init__(
        self,
        settings: Settings,
        *,
        owner: str | None = None,
        clock: Clock = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        on_alert: Callable[[Alert], None] | None = None,
    ) -> None:
        self.settings = settings
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.clock, self.sleep = clock, sleep
        self.default_every = parse_duration(settings.watch_every, "BAROMETER_WATCH_EVERY")
        self.fetcher = listing_fetcher(settings)
        self._last_request: dict[str, float] = {}  # host -> monotonic time of the last feed request
        self._lock = threading.Lock()
        self.alerts = Alerter(settings, self.owner, clock, on_alert)

    # ------------------------------------------------------------ a pass over the sources

    def poll_due(
        self,
        db: Store,
        *,
        all_sources: bool = False,
        only: set[int] | None = None,
        every_s: int | None = None,
        progress: Progress | None = None,
        report: IngestReport | None = None,
        on_polled: Callable[[PollReport], None] | None = None,
    ) -> list[PollReport]:
        """Poll every source that is due (``all_sources``: every active one), each once, one at a time.

        ``only`` limits the pass to those source ids; ``every_s`` overrides the sources' own intervals
        when scheduling the next poll; ``progress`` and ``report`` see each fetched link's outcome (the
        counts run over the whole pass), ``on_polled`` each source's report as soon as it is polled."""
        polled: list[PollReport] = []
        tried: set[int] = set()
        started = self.clock()  # a source another watcher polls during this pass is not polled again
        report = report if report is not None else IngestReport(keep=frozenset())
        self.alerts.resend(db)  # what an earlier run could not deliver to the webhook
        while True:
            excluded = tried | (set() if only is None else {s.id for s in db.sources()} - only)
            source = db.claim_source(
                self.owner,
                now=self.clock(),
                lease_s=self.settings.watch_lease,
                due_only=not all_sources and only is None,
                exclude=excluded,
                since=started,
            )
            if source is None:
                self.alerts.spikes(db)
                return polled
            tried.add(source.id)
            polled.append(self.poll(db, source, every_s=every_s, progress=progress, report=report))
            if on_polled is not None:
                on_polled(polled[-1])

    def run_forever(
        self,
        db: Store,
        *,
        every_s: int | None = None,
        say: Callable[[str], None] = print,
        progress: Progress | None = None,
    ) -> None:
        """Poll what is due, sleep until the next source is due (at most a minute), and again."""
        while True:
            self.poll_due(db, every_s=every_s, progress=progress, on_polled=lambda result: say(result.line()))
            due = [s.next_poll for s in db.sources() if s.status == "active"]
            wait = 60.0
            if due:
                wait = (datetime.fromisoformat(min(due)) - self.clock()).total_seconds()
            self.sleep(min(60.0, max(1.0, wait)))

    def close(self, db: Store, timeout: float) -> bool:
        """Give the alert webhook up to ``timeout`` seconds to finish sending; what it has not sent is
        retried by the next run. True when nothing was left."""
        return self.alerts.close(db, timeout)

    # ------------------------------------------------------------ one source

    def poll(
        self,
        db: Store,
        source: WatchedSource,
        *,
        every_s: int | None = None,
        progress: Progress | None = None,
        report: IngestReport | None = None,
    ) -> PollReport:
        """Poll one source leased by this watcher, ingest up to the cap of its new links, release it."""
        result = PollReport(source)
        every = every_s or source.every_s or self.default_every
        headers = {}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        page = self._get(source.url, headers)
        try:
            if isinstance(page, FetchFailure):
                raise ListingError(page.reason)
            if page.status != 304:
                listing = read_listing(page, self.settings)
                entries = self._entries(listing)
                result.listed = len(entries)
                listed = _listed(entries, latest=self.clock().date() + timedelta(days=1))
                result.new = db.add_links(source.id, list(listed), now=self.clock())
            else:
                result.status = "not modified"
        except ListingError as err:
            self._failed(db, source, result, str(err), every)
            return result
        # Links left waiting by an earlier capped or killed poll are taken even when the feed is unchanged.
        self._ingest(db, source, result, progress, report or IngestReport(keep=frozenset()))
        state = PollState(
            etag=page.etag or source.etag,
            last_modified=page.last_modified or source.last_modified,
            next_poll=_iso(self.clock() + timedelta(seconds=every)),
            failures=0,
        )
        db.finish_poll(source.id, self.owner, now=self.clock(), state=state)
        return result

    def _failed(self, db: Store, source: WatchedSource, result: PollReport, reason: str, every: int) -> None:
        failures = source.failures + 1
        result.error = reason
        status, error = "active", reason
        if failures >= self.settings.watch_max_failures:
            status, result.status = "disabled", "disabled"
            error = f"disabled after {failures} failed polls in a row; the last: {reason}"
            result.error = error
        else:
            result.status = "failed"
        # In whole seconds before any timedelta: 2**failures overflows one after some 40 failures in a row.
        cap = max(int(MAX_BACKOFF.total_seconds()), every)
        wait = timedelta(seconds=min(every * 2**failures, cap))
        state = PollState(
            etag=source.etag,
            last_modified=source.last_modified,
            next_poll=_iso(self.clock() + wait),
            failures=failures,
            last_error=error,
            status=status,
            succeeded=False,
        )
        db.finish_poll(source.id, self.owner, now=self.clock(), state=state)

    def _entries(self, listing: Listing) -> list[Entry]:
        if listing.kind != "index":
            return listing.entries
        entries: list[Entry] = []
        problems = []
        for child in listing.children[:MAX_CHILD_SITEMAPS]:
            page = self._get(child.url, {})
            try:
                if isinstance(page, FetchFailure):
                    raise ListingError(page.reason)
                entries.extend(read_listing(page, self.settings).entries)
            except ListingError as err:
                problems.append(f"{child.url}: {err}")
        if problems and not entries:
            raise ListingError("no child sitemap could be read (" + "; ".join(problems) + ")")
        return entries

    def _get(self, url: str, headers: dict[str, str]) -> Page | FetchFailure:
        """One feed request, at least ``watch_host_gap`` seconds after the last one to the same host."""
        host = urlsplit(url).hostname or ""
        with self._lock:
            last = self._last_request.get(host)
            wait = 0.0 if last is None else last + self.settings.watch_host_gap - time.monotonic()
            self._last_request[host] = time.monotonic() + max(0.0, wait)
        if wait > 0:
            self.sleep(wait)
        return self.fetcher.fetch(url, headers)

    # ------------------------------------------------------------ the links

    def _ingest(
        self, db: Store, source: WatchedSource, result: PollReport, progress: Progress | None, report: IngestReport
    ) -> None:
        claimed = db.claim_links(
            source.id,
            self.owner,
            now=self.clock(),
            lease_s=self.settings.watch_lease,
            limit=self.settings.watch_max_links,
        )
        if not claimed:
            return
        recorder = _Recorder(db, self, result, {link.url: link for link in claimed}, progress, report)
        requests = [UrlRequest(link.url, date=link.published) for link in claimed]
        candidates, settled = check_inputs(requests, RecentKeys(1))
        for outcome in settled:  # a link that is not a web address: remembered as failed
            recorder.finish(outcome)
        fresh, present = drop_known(db, candidates)
        for outcome in present:
            recorder.finish(outcome)
        if not fresh:
            return
        extractor = Extractor(self.settings, len(fresh), pairs=self.settings.scoring_pairs(db.pairs()))
        try:
            fetch_and_store(
                [c.request for c in fresh], db, self.settings, extractor, recorder.finish, store=recorder.store
            )
        finally:
            extractor.close()


class _Recorder:
    """The watcher's store step and outcome sink: off-topic pieces are remembered, not stored, and
    every outcome is written on its link."""

    def __init__(
        self,
        db: Store,
        watcher: Watcher,
        result: PollReport,
        links: dict[str, ListedLink],
        progress: Progress | None,
        report: IngestReport,
    ) -> None:
        self.db, self.watcher, self.result, self.links = db, watcher, result, links
        self.progress, self.report = progress, report
        self.relevance: dict[str, float] = {}
        self.base = report.total  # the links earlier sources of the pass reported: progress counts on
        self.total = len(links)
        self.done = 0

    def store(self, db: Store, url: str, result: Article | FetchFailure, scores: tuple[Score, ...]) -> Outcome:
        threshold = self.watcher.settings.relevance_threshold
        if isinstance(result, Article) and scores:
            # A piece about any followed pair is kept (each pair's series filters by its own relevance).
            relevance = self.relevance[url] = max(score.relevance for score in scores)
            if relevance < threshold:
                return Outcome(
                    url, "not_relevant", f"not about the relationship (relevance {relevance:.2f})", None, result.title
                )
        outcome = store_result(db, url, result, scores)
        if isinstance(result, Article) and scores:
            self.watcher.alerts.article(db, outcome, result, scores[0])  # the alerts are the store's pair's
        return outcome

    def finish(self, outcome: Outcome) -> None:
        state = "failed" if outcome.status == "repeated" else outcome.status
        link = self.links.get(outcome.url)
        key = link.key if link else outcome.url
        self.db.finish_link(
            key,
            state,
            now=self.watcher.clock(),
            article_id=outcome.article_id,
            relevance=self.relevance.get(outcome.url),
            detail=outcome.detail,
        )
        self.result.outcomes[state] = self.result.outcomes.get(state, 0) + 1
        self.report.add(outcome)
        self.done += 1
        if self.progress is not None:
            self.progress(self.base + self.done, self.base + self.total, outcome)


def _listed(entries: list[Entry], latest: date) -> Iterator[ListedLink]:
    """The entries that are web addresses, keyed by canonical URL, each once (first listing wins).

    A date after ``latest`` is a feed's mistake (or a scheduled post's), not a publication date: it is
    dropped, so the page's own date is used, and one wrong item cannot stretch the chart to 2099."""
    requests = [UrlRequest(e.url, date=e.published if e.published and e.published <= latest else None) for e in entries]
    candidates, _ = check_inputs(requests, RecentKeys(1))
    for candidate in candidates:
        yield ListedLink(candidate.key, candidate.request.url, candidate.request.date)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()
