"""Run a batch: plan the partitions, compute those without a part on the cluster, load every part.

Only this process opens the database (to drop stored URLs while planning, and to load the parts);
the workers send each part's bytes back and it is written here, atomically, in the work directory.
A part that exists is not computed again: a rerun after a failure computes only what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from distributed import Client, Future, as_completed

from ..inputs import BadRow
from ..models import UrlRequest
from ..report import STATUSES, IngestReport
from ..scoring.actors import Pair
from ..settings import Settings
from ..store import Store
from . import PARTITION_SIZE, PER_HOST_SCOPES, BatchError
from .cluster import connect, worker_threads
from .hosts import close_idle_semaphores
from .load import load_part
from .parts import write_part
from .plan import Partition, plan
from .work import PartDone, Prepare, compute

#: Told (stage, partitions done, partitions known so far): stage "compute" while the cluster works
#: (a reused part counts as done), then "load".
Progress = Callable[[str, int, int], None]


@dataclass
class BatchResult:
    """What a batch did: each input's outcome, and the partitions computed, reused and failed."""

    report: IngestReport
    work: Path
    dashboard: str = ""
    partitions: int = 0
    computed: int = 0
    reused: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (part, reason) of partitions that failed
    loads: dict[int, int] = field(default_factory=dict)  # worker pid: its loads of the data files


def recipe(settings: Settings, pairs: tuple[Pair, ...] = ()) -> str:
    """What, besides the inputs, decides a part's content: another recipe computes other parts. The
    pairs scored for, each with its scorer version (which digests its data files)."""
    from ..scoring.pair_data import scorer_version
    from ..scoring.score import SCORER_BASE, SCORER_VERSION

    scored = ",".join(f"{p.id}:{scorer_version(SCORER_BASE, p)}" for p in pairs)
    return (
        f"scorer={SCORER_VERSION} score={settings.score} pair={settings.pair} data={settings.data_dir} "
        f"private={settings.allow_private} networks={settings.allow_networks}" + (f" pairs={scored}" if pairs else "")
    )


def run_batch(
    inputs: Iterable[UrlRequest | BadRow],
    settings: Settings,
    work: Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    size: int = PARTITION_SIZE,
    timeout: float = 10.0,
    progress: Progress | None = None,
    on_dashboard: Callable[[str], None] | None = None,
    keep: Iterable[str] = STATUSES,
    per_host_scope: str = "cluster",
) -> BatchResult:
    """Fetch, extract and score ``inputs`` on a Dask cluster (``scheduler``'s, or a LocalCluster of
    ``workers`` processes), ``size`` inputs a partition, each written to ``work`` as a part; then load
    the parts into the database of ``settings``. ``on_dashboard`` gets the Dask dashboard's address.
    ``settings.per_host`` holds for the whole cluster (``per_host_scope`` "cluster"), or for each
    worker process ("worker": W workers may hold W × per_host downloads against one site)."""
    if per_host_scope not in PER_HOST_SCOPES:
        raise BatchError(f"per-host scope {per_host_scope!r}: expected one of {', '.join(PER_HOST_SCOPES)}")
    result = BatchResult(IngestReport(keep=frozenset(keep)), work)
    finish = result.report.add
    tell = progress or (lambda stage, done, total: None)
    planned: list[tuple[Path, frozenset[str]]] = []
    work.mkdir(parents=True, exist_ok=True)
    # The cluster first: a scheduler that does not answer leaves no new database behind.
    with (
        connect(scheduler, workers, timeout=timeout) as client,
        Store.open(settings.db, pair=settings.watched_pair()) as db,
    ):
        result.dashboard = client.dashboard_link or ""
        if on_dashboard is not None:
            on_dashboard(result.dashboard)
        client.register_plugin(Prepare())  # each worker loads the data files as it joins
        limit = 2 * worker_threads(client) + 2  # partitions in flight: enough to keep every worker busy
        running = as_completed()
        in_flight = 0

        def settle(future: Future[PartDone]) -> None:
            try:
                done = future.result()
            except Exception as err:  # a worker lost, or a bug: the partition is computed on the next run
                result.failed.append((str(future.key).removeprefix("barometer-"), f"{type(err).__name__}: {err}"))
            else:
                write_part(work / done.name, done.data)
                result.computed += 1
                result.loads[done.worker_pid] = max(done.loads, result.loads.get(done.worker_pid, 0))
            future.release()
            tell("compute", result.computed + result.reused + len(result.failed), len(planned))

        pairs = settings.scoring_pairs(db.pairs())  # an article is scored for every pair the database follows
        for partition in plan(inputs, db, finish, recipe=recipe(settings, pairs), size=size):
            path = work / partition.name
            planned.append((path, partition.present))
            if path.is_file():
                result.reused += 1
                tell("compute", result.computed + result.reused + len(result.failed), len(planned))
                continue
            running.add(_submit(client, partition, settings, pairs, cluster_wide=per_host_scope == "cluster"))
            in_flight += 1
            if in_flight >= limit:
                settle(next(running))
                in_flight -= 1
        for future in running:
            settle(future)
        # The scheduler would keep every host's semaphore as long as it runs: close the idle ones.
        client.run_on_scheduler(close_idle_semaphores)
        result.partitions = len(planned)
        for number, (path, present) in enumerate(planned, 1):
            if path.exists():
                load_part(db, path, finish, reported=present)
            tell("load", number, len(planned))
    return result


def _submit(
    client: Client, partition: Partition, settings: Settings, pairs: tuple[Pair, ...], *, cluster_wide: bool
) -> Future[PartDone]:
    # Named after its part, so the Dask dashboard shows which partition each task is.
    return client.submit(
        compute, partition, settings, pairs, cluster_wide=cluster_wide, key=f"barometer-{partition.name}"
    )
