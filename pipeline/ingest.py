"""Ingest: URLs (or saved HTML) → fetch → extract → score → store, with bounded concurrency.

Downloads run in a thread pool (I/O bound); extraction and scoring are CPU bound, so large batches
hand them to worker processes. The main thread alone writes to SQLite, one committed transaction per
article, so a crash loses nothing stored before it and a rerun simply continues.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import hashlib
import itertools
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import quote

from .actors import Pair
from .dedupe import canonicalize_url
from .extract import extract_article
from .fetch import Fetcher, check_web_url
from .inputs import BadRow, InputError, clean_field
from .models import Article, FetchFailure, Score, UrlRequest
from .report import STATUS_LABELS as STATUS_LABELS  # callers (the CLI) read the report's words here too
from .report import STATUSES, IngestReport, Outcome, Progress
from .score import score_article
from .settings import Settings
from .store import Store, StoreError


def _finisher(
    report: IngestReport, total: int | Callable[[], int], progress: Progress | None
) -> Callable[[Outcome], None]:
    """Records each outcome in ``report`` and tells ``progress`` (done, total, outcome); ``total`` may
    be a function, for inputs whose length is known only as they are read."""

    def finish(outcome: Outcome) -> None:
        report.add(outcome)
        if progress is not None:
            progress(report.total, total() if callable(total) else total, outcome)

    return finish


def process_page(
    body: bytes,
    url: str,
    final_url: str,
    charset: str | None,
    user_date: date | None,
    user_source: str | None,
    is_demo: bool,
    score: bool = True,
    pair: Pair | str | None = None,
) -> tuple[Article | FetchFailure, Score | None]:
    """Extract and score one page (pure; runs in a worker process for large batches)."""
    result = extract_article(
        body,
        url,
        charset=charset,
        final_url=final_url,
        user_date=user_date,
        user_source=user_source,
        is_demo=is_demo,
    )
    if isinstance(result, FetchFailure):
        return result, None
    if not score:
        return result, None
    return result, score_article(result.text, title=result.title, language=result.language or None, pair=pair)


def _worker_init() -> None:
    """Import and warm up extraction and scoring once per process, not on the first page."""
    process_page(_WARM_UP_PAGE, "https://warm-up.example/a", "", "utf-8", None, None, False)


def _worker_start() -> None:
    """Initializer of each worker process: die with the parent (a killed ingest leaves no orphans)."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)
    _worker_init()


_WARM_UP_PAGE = (
    "<html><head><title>Warm-up</title></head><body><article><p>"
    + "Astana and Moscow held talks on trade and transit on Monday, officials said. " * 4
    + "</p></article></body></html>"
).encode()


def _context() -> multiprocessing.context.BaseContext:
    """fork when this process has no other thread (the CLI): workers start at once with everything
    imported, and warm up in parallel while the downloads begin. Otherwise (the dashboard has
    threads, and forking those can deadlock) a fork server that imports the pipeline once and forks
    clean workers from itself."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.ingest", "pipeline.extract", "pipeline.score"])
        return context
    return multiprocessing.get_context("spawn")


class _Extractor:
    """Runs process_page inline (small batches) or in a process pool (large ones)."""

    def __init__(self, settings: Settings, n_items: int):
        self.pool: Executor | None = None
        self._lock = threading.Lock()
        self.workers = workers = settings.workers or os.cpu_count() or 1
        if n_items >= settings.process_threshold:
            context = _context()
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start)
            # With fork, the first submit forks every worker: do it now, from this thread, before the
            # download threads exist.
            self.pool.submit(os.getpid).result()

    def run(self, *args: object) -> tuple[Article | FetchFailure, Score | None]:
        if self.pool is None:
            return process_page(*args)  # type: ignore[arg-type]
        pool = self.pool
        try:
            return pool.submit(process_page, *args).result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start a fresh pool once and retry this page, so
            # one bad page does not fail the rest of the batch.
            self._replace(pool)
            return self.pool.submit(process_page, *args).result()

    def _replace(self, broken: Executor) -> None:
        with self._lock:
            if self.pool is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                # Download threads run now, so no plain fork from this process.
                context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
                self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_worker_start)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _store_result(db: Store, url: str, result: Article | FetchFailure, score: Score | None) -> Outcome:
    """Store one result; a storage error (disk full, a lock held too long) becomes a failed outcome."""
    try:
        return _store(db, url, result, score)
    except StoreError as err:
        reason = f"could not store: {err.reason}"
        with contextlib.suppress(StoreError):  # the database may be what is failing
            db.record_failure(FetchFailure(url, reason, "store"))
        return Outcome(url, "failed", reason)


def _store(db: Store, url: str, result: Article | FetchFailure, score: Score | None) -> Outcome:
    if isinstance(result, FetchFailure):
        db.record_failure(result)
        return Outcome(url, "failed", result.reason)
    saved = db.insert_article(result, score)
    if saved.status == "present":
        return Outcome(url, "present", "", saved.id, result.title)
    if saved.status == "duplicate":
        return Outcome(url, "duplicate", f"same story as {saved.story_of}", saved.id, result.title)
    return Outcome(url, "stored", result.decode_note, saved.id, result.title)  # the charset note, if any


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
    inputs = _Counted(_until_unreadable(itertools.chain(bad_rows, requests)))
    known_total = len(bad_rows) + len(requests) if isinstance(bad_rows, Sized) and isinstance(requests, Sized) else None
    report = IngestReport(keep=frozenset(keep))
    db = Store.open(settings.db)
    finish = _finisher(report, known_total if known_total is not None else (lambda: inputs.read), progress)
    fetched = RecentKeys(REPEAT_WINDOW)  # the URLs most recently sent for download in this run

    def screen(chunk: list[UrlRequest | BadRow]) -> list[UrlRequest]:
        """Settle the inputs that need no download (bad rows, non-web strings, repeats, URLs already
        stored) and return the rest."""
        candidates: list[tuple[UrlRequest, str]] = []
        in_chunk: set[str] = set()
        for item in chunk:
            if isinstance(item, BadRow):
                _fail_input(db, finish, item.url, item.reason)
                continue
            url = clean_field(item.url)
            if reason := check_web_url(url):
                _fail_input(db, finish, url, reason)
                continue
            key = canonicalize_url(url)
            if key in in_chunk or _digest(key) in fetched:
                finish(Outcome(url, "repeated", "listed earlier in this input"))
                continue
            in_chunk.add(key)
            candidates.append((replace(item, url=url), key))
        known = db.known_urls([u for req, key in candidates for u in (req.url, key)])
        fresh = []
        for req, key in candidates:
            if req.url in known or key in known:
                article_id = db.find_article_id(key) or db.find_article_id(req.url)
                finish(Outcome(req.url, "present", "", article_id))
            else:
                fetched.add(_digest(key))
                fresh.append(req)
        return fresh

    extractor: _Extractor | None = None
    try:  # from here on, whatever fails (the database, a row of the list), the connection is closed
        # Settle chunks until one has something to download: how many it has (and whether more input
        # follows) decides whether extraction needs worker processes, which must start before any thread.
        chunks = _chunked(inputs, CHUNK)
        first: list[UrlRequest] = []
        for chunk in chunks:
            first = screen(chunk)
            if first:
                break
        extractor = _Extractor(settings, len(first) if inputs.exhausted else max(len(first), CHUNK))
        fetcher = Fetcher(settings)
        pair = settings.watched_pair()

        def to_fetch() -> Iterator[UrlRequest]:
            yield from first
            for chunk in chunks:
                yield from screen(chunk)

        def job(req: UrlRequest) -> tuple[Article | FetchFailure, Score | None]:
            page = fetcher.fetch(req.url)
            if isinstance(page, FetchFailure):
                return page, None
            return extractor.run(
                page.body, req.url, page.final_url, page.charset, req.date, req.source, is_demo, settings.score, pair
            )

        _run_bounded(to_fetch(), job, settings.concurrency, lambda req, res: finish(_store_result(db, req.url, *res)))
    finally:
        if extractor is not None:
            extractor.close()
        db.close()
    return report


def _until_unreadable(items: Iterable[UrlRequest | BadRow]) -> Iterator[UrlRequest | BadRow]:
    """The inputs, until a row of a streamed list cannot be read: that row becomes a bad row naming
    the file, the line and why, and the rest of the list is not read (what came before is kept)."""
    try:
        yield from items
    except InputError as err:
        where, _, why = str(err).partition(": ")
        yield BadRow(where, why or str(err))


#: Inputs read, checked and looked up in the database at a time.
CHUNK = 2000


class _Counted:
    """An iterator that counts what it has handed out and knows when it has run dry."""

    def __init__(self, items: Iterable):
        self._items = iter(items)
        self.read = 0
        self.exhausted = False

    def __iter__(self) -> _Counted:
        return self

    def __next__(self):
        try:
            item = next(self._items)
        except StopIteration:
            self.exhausted = True
            raise
        self.read += 1
        return item


def _chunked(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _digest(key: str) -> bytes:
    # 16 bytes per URL instead of the URL itself: the set of fetched URLs stays small for long lists
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


#: How many fetched URLs an ingest remembers to call a later listing "repeated". Older ones are found
#: in the database instead ("already present" once stored), so memory stays flat however long the list.
REPEAT_WINDOW = 100_000


class RecentKeys:
    """A set that remembers only its ``size`` most recent keys (memory bounded by ``size``)."""

    def __init__(self, size: int):
        self._order: collections.deque[bytes] = collections.deque()
        self._keys: set[bytes] = set()
        self._size = size

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: bytes) -> None:
        if key in self._keys:
            return
        if len(self._order) >= self._size:
            self._keys.discard(self._order.popleft())
        self._order.append(key)
        self._keys.add(key)


def _fail_input(db: Store, finish: Callable[[Outcome], None], url: str, reason: str) -> None:
    db.record_failure(FetchFailure(url, reason, "input"))
    finish(Outcome(url, "failed", reason))


def _run_bounded(items: Iterable, job: Callable, limit: int, on_done: Callable) -> None:
    """Run ``job`` over ``items`` with at most ``limit`` in flight; ``on_done`` runs in this thread."""
    limit = max(1, limit)
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="fetch") as pool:
        running: dict[Future, object] = {}
        queue = iter(items)
        exhausted = False
        while running or not exhausted:
            while not exhausted and len(running) < limit:
                item = next(queue, _END)
                if item is _END:
                    exhausted = True
                    break
                running[pool.submit(job, item)] = item
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item = running.pop(future)
                error = future.exception()
                if error is not None:  # a bug, not a page problem: keep the batch going, say so
                    url = getattr(item, "url", str(item))
                    reason = f"internal error: {type(error).__name__}: {error}"
                    on_done(item, (FetchFailure(url, reason, "extract"), None))
                else:
                    on_done(item, future.result())


_END = object()


@dataclass(frozen=True)
class HtmlItem:
    """A saved HTML page: its name (file name or path) and bytes.

    ``from_disk`` is set by read_html_files alone: only a file read from disk is known by its path;
    anything else (an upload) is known by a digest of its content, whatever name the client sent.
    """

    name: str
    content: bytes
    from_disk: bool = False


def read_html_files(
    paths: Iterable[str | Path], max_bytes: int = Settings.max_bytes
) -> tuple[list[HtmlItem], list[Outcome]]:
    """Read saved pages from disk; unreadable files and files over ``max_bytes`` become failed outcomes.

    The size is checked before reading (and the read stops past the cap), so a huge file costs nothing.
    """
    items, failed = [], []
    for path in paths:
        p = Path(path)
        try:
            size = p.stat().st_size
            if size <= max_bytes:
                with p.open("rb") as handle:
                    content = handle.read(max_bytes + 1)  # the file may grow after stat
                size = max(size, len(content))
        except OSError as err:
            failed.append(Outcome(str(p), "failed", f"cannot read the file ({err.strerror or err})"))
            continue
        if size > max_bytes:
            failed.append(Outcome(str(p), "failed", _too_large(size, max_bytes)))
        else:
            items.append(HtmlItem(str(p.resolve()), content, from_disk=True))
    return items, failed


def read_uploads(
    uploads: Iterable[tuple[str, bytes]], max_bytes: int = Settings.max_bytes
) -> tuple[list[HtmlItem], list[Outcome]]:
    """Saved pages received as (file name, bytes), e.g. from the dashboard; pages over ``max_bytes``
    become failed outcomes that name the file and the limit."""
    items, failed = [], []
    for name, content in uploads:
        name = clean_field(name)
        if len(content) > max_bytes:
            failed.append(Outcome(name, "failed", _too_large(len(content), max_bytes)))
        else:
            items.append(HtmlItem(name, content))
    return items, failed


def _too_large(size: int, limit: int) -> str:
    return f"{size:,} bytes is larger than the {limit:,}-byte limit"


def ingest_html(
    items: Iterable[HtmlItem],
    settings: Settings,
    *,
    failed: Iterable[Outcome] = (),
    progress: Progress | None = None,
    is_demo: bool = False,
) -> IngestReport:
    """Extract, score and store saved HTML pages; the URL is the page's canonical link when present."""
    report = IngestReport()
    items = list(items)
    failed = list(failed)
    total = len(items) + len(failed)
    db = Store.open(settings.db)
    finish = _finisher(report, total, progress)
    for outcome in failed:
        db.record_failure(FetchFailure(outcome.url, outcome.detail, "input"))
        finish(outcome)
    extractor = _Extractor(settings, len(items))
    pair = settings.watched_pair()

    def job(item: HtmlItem) -> tuple[Article | FetchFailure, Score | None]:
        result, score = extractor.run(item.content, "", "", None, None, None, is_demo, settings.score, pair)
        if isinstance(result, FetchFailure):
            return FetchFailure(_file_url(item), result.reason, result.stage), None
        if not result.canonical_url:
            url = _file_url(item)
            result = replace(result, url=url, canonical_url=url, final_url=url)
        else:
            result = replace(result, url=result.canonical_url, final_url=result.canonical_url)
        return result, score

    try:
        # two pages in flight per worker keep the workers busy; inline extraction takes one at a time
        in_flight = 1 if extractor.pool is None else extractor.workers * 2
        _run_bounded(items, job, in_flight, lambda item, res: finish(_store_result(db, res[0].url, *res)))
    finally:
        extractor.close()
        db.close()
    return report


def _file_url(item: HtmlItem) -> str:
    """A file's URL: its path for a file read from disk; for an upload, its base name under a digest
    of the content, so that two different uploads called index.html (or /a.html) are two articles."""
    if item.from_disk:
        return Path(item.name).resolve().as_uri()
    base = clean_field(item.name).replace("\\", "/").rsplit("/", 1)[-1] or "page.html"
    digest = hashlib.sha256(item.content).hexdigest()[:16]
    return f"file:///uploads/{digest}/{quote(base)}"
