"""What a Dask worker runs: fetch, extract and score one partition, as ingest does, into Parquet bytes.

The worker never opens the database and writes no file: the part's bytes go back to the process
that runs the batch, which writes them (so the workers need no shared disk). The scorer, the
lexicons, the language model and the fetcher are loaded once per worker process (``Prepare``, a
worker plugin, and the module-level ``_fetchers``, a few kept), not per article or per partition.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

from distributed import Worker
from distributed.diagnostics.plugin import WorkerPlugin

from ..fetch import Fetcher
from ..ingest.bounded import run_bounded
from ..ingest.extractor import Result, _worker_init, process_page
from ..models import FetchFailure, UrlRequest
from ..scoring.actors import Pair
from ..settings import Settings
from . import parts
from .hosts import shared_leases
from .plan import Partition

#: Fetchers a worker keeps, the least recently used dropped first: each job's settings make one
#: (its connection pools and host slots), and a long-lived cluster runs many jobs.
KEPT_FETCHERS = 4

_lock = threading.Lock()
# By (settings, per-host scope), least recently used first; the cluster-wide leases are one per
# worker and limit (hosts.shared_leases), shared by every fetcher here.
_fetchers: OrderedDict[tuple[Settings, bool], Fetcher] = OrderedDict()
_loads = 0  # how many times this process has loaded the scorer's and extractor's data


@dataclass(frozen=True)
class PartDone:
    """A computed partition: its part file's bytes, and where and how it was made."""

    name: str
    data: bytes
    inputs: int
    worker_pid: int
    loads: int  # the worker's loads so far (1 when the data files were read once)


def prepare() -> int:
    """Load what extraction and scoring read (language model, lexicons, the pair) in this process,
    once; the number of loads so far."""
    global _loads
    with _lock:
        if _loads == 0:
            _worker_init()  # ingest's own warm-up of its worker processes: one page through process_page
            _loads += 1
        return _loads


class Prepare(WorkerPlugin):
    """Loads the data files on each worker as it joins, before its first partition."""

    name = "bilateral-barometer-prepare"

    def setup(self, worker: Worker) -> None:
        prepare()


def _fetcher(settings: Settings, cluster_wide: bool) -> Fetcher:
    with _lock:
        key = (settings, cluster_wide)
        fetcher = _fetchers.get(key)
        if fetcher is None:
            gate = shared_leases(settings.per_host) if cluster_wide else None
            fetcher = _fetchers[key] = Fetcher(settings, host_gate=gate)
            while len(_fetchers) > KEPT_FETCHERS:
                # Not closed here: a task may still use it; its connections go when it is collected.
                _fetchers.popitem(last=False)
        _fetchers.move_to_end(key)
        return fetcher


def compute(
    partition: Partition, settings: Settings, pairs: tuple[Pair, ...] = (), *, cluster_wide: bool = True
) -> PartDone:
    """Fetch, extract and score every request of ``partition`` (``settings.concurrency`` pages in
    flight, ``settings.per_host`` per host, across the cluster unless ``cluster_wide`` is false, the
    address guard on every hop) for each of ``pairs`` (default: the watched pair); the part's bytes."""
    fetcher = _fetcher(settings, cluster_wide)  # first: outside a worker, says so before loading anything
    loads = prepare()  # a worker that joined without the plugin loads here, once all the same
    pairs = pairs or (settings.watched_pair(),)
    results: dict[int, Result] = {}

    def job(item: tuple[int, UrlRequest]) -> Result:
        request = item[1]
        page = fetcher.fetch(request.url)
        if isinstance(page, FetchFailure):
            return page, ()
        return process_page(page, request, score=settings.score, pair=pairs[0], others=pairs[1:])

    def done(item: tuple[int, UrlRequest], result: Result) -> None:
        results[item[0]] = result

    run_bounded(enumerate(partition.requests), job, settings.concurrency, done)
    rows: list[parts.Row] = [(url, FetchFailure(url, reason, "input"), ()) for url, reason in partition.failed]
    rows += [(request.url, *results[i]) for i, request in enumerate(partition.requests)]
    return PartDone(partition.name, parts.encode(rows), len(rows), os.getpid(), loads)
