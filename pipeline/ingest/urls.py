"""Ingest a list of URLs: check the inputs, drop the known URLs, then fetch, extract, score, store.

Each of those is a step of its own (checks.check_inputs, known.drop_known, fetch_and_store);
screen_list applies the first two to a lazily read list, a chunk at a time (batch's plan uses it
too: one screen for both), and ingest_urls downloads what it lets through.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from ..fetch import Fetcher
from ..inputs import BadRow, InputError
from ..models import Article, FetchFailure, Score, UrlRequest
from ..report import STATUSES, Finish, IngestReport, Outcome, Progress, finisher
from ..settings import Settings
from ..store import Store
from .bounded import run_bounded
from .checks import REPEAT_WINDOW, RecentKeys, check_inputs, url_digest
from .extractor import Extractor, Result
from .known import drop_known
from .save import open_store, record_input_failure, store_result

#: Inputs read, checked and looked up in the database at a time.
CHUNK = 2000


def fetch_and_store(
    requests: Iterable[UrlRequest],
    db: Store,
    settings: Settings,
    extractor: Extractor,
    finish: Finish,
    store: Callable[[Store, str, Article | FetchFailure, tuple[Score, ...]], Outcome] = store_result,
) -> None:
    """Download each request (``settings.concurrency`` at a time), extract and score it in
    ``extractor``, and store it with ``store`` (the watcher's keeps pieces off the topic out of the
    articles); each outcome goes to ``finish``, in completion order."""
    fetcher = Fetcher(settings)

    def job(request: UrlRequest) -> Result:
        page = fetcher.fetch(request.url)
        if isinstance(page, FetchFailure):
            return page, ()
        return extractor.run(page, request)

    run_bounded(requests, job, settings.concurrency, lambda req, res: finish(store(db, req.url, *res)))


def ingest_urls(
    requests: Iterable[UrlRequest | BadRow],
    settings: Settings,
    *,
    bad_rows: Iterable[BadRow] = (),
    progress: Progress | None = None,
    is_demo: bool = False,
    keep: Iterable[str] = STATUSES,
) -> IngestReport:
    """Fetch, extract, score and store each URL; every input ends stored, present, duplicate or failed.

    ``requests`` is read lazily, ``CHUNK`` inputs at a time (a generator over a huge file is fine):
    each chunk is checked and looked up in the database, and its new URLs are fetched while the next
    chunks wait. The progress total is the number of inputs read so far until the input ends.
    """
    # Counted after the unreadable row becomes a bad row, so the progress total counts it too.
    inputs = _Counted(_until_unreadable(itertools.chain(bad_rows, requests)))
    known_total = len(bad_rows) + len(requests) if isinstance(bad_rows, Sized) and isinstance(requests, Sized) else None
    report = IngestReport(keep=frozenset(keep))
    db = open_store(settings)
    finish = finisher(report, known_total if known_total is not None else (lambda: inputs.read), progress)

    def settle(screened: Screened) -> list[UrlRequest]:
        """Record and report the inputs that need no download; the rest, to download."""
        for outcome in screened.settled:
            if outcome.status == "failed":
                record_input_failure(db, outcome)
            finish(outcome)
        for outcome in screened.present:
            finish(outcome)
        return screened.requests

    extractor: Extractor | None = None
    try:  # from here on, whatever fails (the database, a row of the list), the connection is closed
        # Settle chunks until one has something to download: how many it has (and whether more input
        # follows) decides whether extraction needs worker processes, which must start before any thread.
        chunks = screen_list(inputs, db, CHUNK)
        first: list[UrlRequest] = []
        for _, screened in chunks:
            first = settle(screened)
            if first:
                break
        pairs = settings.scoring_pairs(db.pairs())  # an article is scored for every pair the database follows
        size = len(first) if inputs.exhausted else max(len(first), CHUNK)
        extractor = Extractor(settings, size, is_demo=is_demo, pairs=pairs)

        def to_fetch() -> Iterator[UrlRequest]:
            yield from first
            for _, screened in chunks:
                yield from settle(screened)

        fetch_and_store(to_fetch(), db, settings, extractor, finish)
    finally:
        if extractor is not None:
            extractor.close()
        db.close()
    return report


@dataclass(frozen=True)
class Screened:
    """One chunk of a list through the screen: the requests to download (hosts taking turns), the
    inputs settled without a download (failed: bad rows and strings that are not web URLs, an input
    failure each, for the caller to record; repeated), and those already stored; each in input order."""

    requests: list[UrlRequest]
    settled: list[Outcome]
    present: list[Outcome]


def screen_list(
    inputs: Iterable[UrlRequest | BadRow], db: Store, size: int
) -> Iterator[tuple[list[UrlRequest | BadRow], Screened]]:
    """The URL screen of ``ingest`` and ``batch`` alike: ``inputs`` read lazily ``size`` at a time (a
    row that cannot be read ends the list as a bad row), each chunk with what the screen made of it:
    web URLs only (``check_inputs``: the scheme, forms that parsers read differently), repeats by
    canonical URL within the run, and URLs the database holds (``drop_known``). What it returns to
    download is remembered as sent, so a later listing is "repeated"."""
    sent = RecentKeys(REPEAT_WINDOW)  # the URLs most recently sent for download in this run
    for chunk in _chunked(_until_unreadable(inputs), size):
        candidates, settled = check_inputs(chunk, sent)
        fresh, present = drop_known(db, candidates)
        for candidate in fresh:
            sent.add(url_digest(candidate.key))
        yield chunk, Screened(hosts_in_turn([candidate.request for candidate in fresh]), settled, present)


def hosts_in_turn(requests: list[UrlRequest]) -> list[UrlRequest]:
    """The requests with the hosts taking turns (a, b, c, a, b, c, …), each host's own order kept.

    Each host takes only ``settings.per_host`` downloads at a time: a list sorted by site would
    otherwise fill every download slot with one site's pages, waiting their turn, while the other
    sites' pages wait behind them.
    """
    by_host: dict[str, list[UrlRequest]] = {}
    for request in requests:
        by_host.setdefault(_host(request.url), []).append(request)
    turns = itertools.zip_longest(*by_host.values())
    return [request for turn in turns for request in turn if request is not None]


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # the checks passed it, but a host that does not parse is still one host: ""
        return ""


def _until_unreadable(items: Iterable[UrlRequest | BadRow]) -> Iterator[UrlRequest | BadRow]:
    """The inputs, until a row of a streamed list cannot be read: that row becomes a bad row naming
    the file, the line and why, and the rest of the list is not read (what came before is kept)."""
    try:
        yield from items
    except InputError as err:
        where, _, why = str(err).partition(": ")
        yield BadRow(where, why or str(err))


T = TypeVar("T")


class _Counted(Generic[T]):
    """An iterator that counts what it has handed out and knows when it has run dry."""

    def __init__(self, items: Iterable[T]):
        self._items = iter(items)
        self.read = 0
        self.exhausted = False

    def __iter__(self) -> _Counted[T]:
        return self

    def __next__(self) -> T:
        try:
            item = next(self._items)
        except StopIteration:
            self.exhausted = True
            raise
        self.read += 1
        return item


def _chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    items = iter(items)
    while chunk := list(itertools.islice(items, size)):
        yield chunk
