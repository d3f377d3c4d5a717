"""Extract and score pages: process_page, run inline for small batches or in worker processes.

Extraction and scoring are CPU bound, so large batches hand them to a process pool; a Page and its
UrlRequest are small frozen dataclasses, pickled whole to the worker.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from ..extract import extract_article
from ..models import Article, FetchFailure, Page, Score, UrlRequest
from ..scoring.actors import Pair
from ..scoring.score import score_article
from ..settings import Settings

#: The page's article (or why there is none) and its scores, one per pair, the watched pair's first
#: (empty when the page failed or scoring is off).
Result = tuple[Article | FetchFailure, tuple[Score, ...]]


def process_page(
    page: Page,
    request: UrlRequest,
    *,
    is_demo: bool = False,
    score: bool = True,
    pair: Pair | str | None = None,
    others: tuple[Pair, ...] = (),
) -> Result:
    """Extract and score one page (pure; runs in a worker process for large batches).

    ``request`` gives the URL as the user wrote it and the user's date and source, which win over
    the page's; ``score`` False stores the article unscored; ``pair`` is the pair scored for (None: the
    default pair), then each of ``others`` (the database's other followed pairs), on the same text.
    """
    result = extract_article(
        page.body,
        request.url,
        charset=page.charset,
        final_url=page.final_url,
        user_date=request.date,
        user_source=request.source,
        is_demo=is_demo,
    )
    if isinstance(result, FetchFailure) or not score:
        return result, ()
    language = result.language or None
    return result, tuple(
        score_article(result.text, title=result.title, language=language, pair=p) for p in (pair, *others)
    )


_WARM_UP_PAGE = Page(
    url="https://warm-up.example/a",
    final_url="",
    status=200,
    content_type="text/html",
    body=(
        "<html><head><title>Warm-up</title></head><body><article><p>"
        + "Astana and Moscow held talks on trade and transit on Monday, officials said. " * 4
        + "</p></article></body></html>"
    ).encode(),
    charset="utf-8",
)


_warm = False  # True once this process (or the parent it was forked from) has warmed up


def _worker_init() -> None:
    """Import and warm up extraction and scoring once per process, not on the first page (a forked
    worker inherits the warmed-up state of its parent and skips it)."""
    global _warm
    if not _warm:
        process_page(_WARM_UP_PAGE, UrlRequest(_WARM_UP_PAGE.url))
        _warm = True


def _worker_start() -> None:
    """Initializer of each worker process: die with the parent (a killed ingest leaves no orphans)."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)
    _worker_init()


def _context() -> multiprocessing.context.BaseContext:
    """fork when this process has no other thread (the CLI): workers start at once with everything
    imported, and warm up in parallel while the downloads begin. Otherwise (the dashboard has
    threads, and forking those can deadlock) a fork server that imports the pipeline once and forks
    clean workers from itself."""
    methods = multiprocessing.get_all_start_methods()
    # The PostgreSQL store's pool threads (pipeline.store.postgres_connect) only wait for work and are
    # never used by a worker: they do not make forking unsafe.
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if all(t.name.startswith("barometer-store-pool") for t in others) and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.ingest.extractor", "pipeline.extract", "pipeline.scoring.score"])
        return context
    return multiprocessing.get_context("spawn")


class Extractor:
    """Runs process_page inline (batches under ``settings.process_threshold``) or in a process pool.

    Create it before any download thread starts: with fork, the pool's workers are forked at once.
    """

    def __init__(
        self, settings: Settings, n_items: int, *, is_demo: bool = False, pairs: tuple[Pair, ...] | None = None
    ):
        self.pool: Executor | None = None
        self.is_demo = is_demo
        self.score = settings.score
        # The pairs scored for (default: the watched pair alone); a loaded pair crosses to the workers by name.
        self.pairs = pairs or (settings.watched_pair(),)
        self._lock = threading.Lock()
        self.workers = workers = settings.workers or os.cpu_count() or 1
        if n_items >= settings.process_threshold:
            context = _context()
            forked = context.get_start_method() == "fork"
            if forked:
                # Warm up here, once: the forked workers inherit the loaded models instead of each
                # loading them again (half a second of CPU per worker, on the cores that extract).
                _worker_init()
                gc.freeze()  # the workers' collector then leaves the inherited objects (and their pages) alone
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start)
            # With fork, the first submit forks every worker: do it now, from this thread, before the
            # download threads exist.
            self.pool.submit(os.getpid).result()
            if forked:
                gc.unfreeze()

    def run(self, page: Page, request: UrlRequest) -> Result:
        """process_page on this page, here or in a worker; waits for the result."""
        first, others = self.pairs[0], self.pairs[1:]
        job = partial(
            process_page, page, request, is_demo=self.is_demo, score=self.score, pair=first, others=others
        )  # pickled whole
        if self.pool is None:
            return job()
        pool = self.pool
        try:
            return pool.submit(job).result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start a fresh pool once and retry this page, so
            # one bad page does not fail the rest of the batch.
            return self._replace(pool).submit(job).result()

    def _replace(self, broken: Executor) -> Executor:
        with self._lock:
            if self.pool is not broken and self.pool is not None:
                return self.pool  # another download thread has replaced it already
            broken.shutdown(wait=False, cancel_futures=True)
            # Download threads run now, so no plain fork from this process.
            context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
            self.pool = fresh = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_worker_start
            )
            return fresh

    def close(self) -> None:
        """Stop the worker processes, if any (pages not yet started are dropped)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
