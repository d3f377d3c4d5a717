"""Per-host politeness across a Dask cluster: a lease per host, held on the scheduler, for each download.

Each worker's fetcher already keeps ``settings.per_host`` downloads per host; without more, W workers
would hold W × per_host against one site. A ``distributed.Semaphore`` per host (named after the host
and the limit) counts the downloads of every worker, so one site sees at most ``per_host`` at once
whatever the size of the cluster, while other hosts' downloads never wait for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from distributed import Semaphore, get_worker

from . import BatchError

#: The scheduler's names of the hosts' semaphores start so (``lease_name``).
LEASE_PREFIX = "barometer-host-"

#: Idle hosts whose semaphore a worker keeps at hand; each kept one runs a timer on the worker's
#: event loop (Dask refreshes its leases), so a list of 100,000 hosts must not keep them all.
KEPT_IDLE = 512


class HostLeases:
    """Cluster-wide download slots, ``per_host`` per host; built in a task, usable from any thread."""

    def __init__(self, per_host: int, *, kept_idle: int = KEPT_IDLE):
        # The fetcher's threads are not Dask's task threads: they cannot find the worker themselves,
        # so the semaphores are bound to its scheduler connection and event loop here.
        try:
            worker = get_worker()
        except ValueError:
            raise BatchError(
                "cluster-wide per-host leases need a Dask worker, and this code runs outside one: "
                "compute partitions through run_batch (or with cluster_wide=False)"
            ) from None
        self._scheduler: Any = worker.scheduler
        self._loop: Any = worker.loop
        self.per_host = max(1, per_host)
        self._kept_idle = kept_idle
        self._semaphores: OrderedDict[str, Semaphore] = OrderedDict()  # least recently idle first
        self._users: dict[str, int] = {}  # downloads holding or waiting for each host's lease here
        self._retired: dict[str, list[Semaphore]] = {}  # made again after the scheduler closed them
        self._lock = threading.Lock()

    @contextmanager
    def __call__(self, host: str) -> Iterator[None]:
        """Hold one of ``host``'s leases (waiting for one) while the block runs."""
        semaphore = self._take(host)
        try:
            semaphore = self._acquire(host, semaphore)
            try:
                yield
            finally:
                semaphore.release()
        finally:
            self._give_back(host)

    def _acquire(self, host: str, semaphore: Semaphore) -> Semaphore:
        """Take a lease of ``semaphore``; made again, once, if the scheduler has closed it meanwhile
        (a batch closes its idle hosts' semaphores when it ends, and another job may still use them)."""
        try:
            semaphore.acquire()
            return semaphore
        except RuntimeError as err:
            if "not known" not in str(err):
                raise
        semaphore = self._take(host, drop=semaphore)
        semaphore.acquire()
        return semaphore

    def _take(self, host: str, *, drop: Semaphore | None = None) -> Semaphore:
        with self._lock:
            if drop is None:
                self._users[host] = self._users.get(host, 0) + 1
            elif self._semaphores.get(host) is drop:  # another thread may have made it again already
                # Its timer stops once no download of the host runs here: another thread may hold a
                # lease through it (taken after this one made the name known again).
                self._retired.setdefault(host, []).append(self._semaphores.pop(host))
            if host not in self._semaphores:
                self._semaphores[host] = Semaphore(
                    max_leases=self.per_host,
                    name=lease_name(host, self.per_host),
                    scheduler_rpc=self._scheduler,
                    loop=self._loop,
                )
            return self._semaphores[host]

    def _give_back(self, host: str) -> None:
        with self._lock:
            self._users[host] -= 1
            if self._users[host]:
                return
            del self._users[host]
            for retired in self._retired.pop(host, []):
                self._stop(retired)
            self._semaphores.move_to_end(host)
            idle = [name for name in self._semaphores if name not in self._users]
            for name in idle[: max(0, len(idle) - self._kept_idle)]:
                # Dropped here only: the scheduler keeps the host's count for the other workers.
                self._stop(self._semaphores.pop(name))

    def _stop(self, semaphore: Semaphore) -> None:
        timer = getattr(semaphore, "refresh_callback", None)
        if timer is not None:
            self._loop.add_callback(timer.stop)  # the timer belongs to the event loop's thread

    def kept(self) -> int:
        """How many hosts' semaphores this worker keeps (in use or idle)."""
        with self._lock:
            return len(self._semaphores)


def lease_name(host: str, per_host: int) -> str:
    """The scheduler's name for a host's leases; the limit is part of it, since a semaphore's size is
    fixed when it is made (two jobs with other limits each get their own)."""
    return f"{LEASE_PREFIX}{max(1, per_host)}-{host.lower()}"


_shared: dict[tuple[str, int], HostLeases] = {}
_shared_lock = threading.Lock()


def shared_leases(per_host: int) -> HostLeases:
    """This worker's one HostLeases for ``per_host``, shared by all its fetchers (every job's
    settings), so the cap on idle semaphores holds per worker, not per settings."""
    try:
        worker_id = get_worker().id
    except ValueError:
        worker_id = ""  # HostLeases says why it cannot run here
    with _shared_lock:
        key = (worker_id, max(1, per_host))
        if key not in _shared:
            _shared[key] = HostLeases(per_host)
        return _shared[key]


def close_idle_semaphores(dask_scheduler: Any) -> int:
    """On the scheduler (``client.run_on_scheduler``): close the hosts' semaphores that no one holds
    or waits for, which the scheduler would otherwise keep (and check every few seconds) for as long
    as it runs; how many were closed. A worker that meets a closed one makes it again."""
    semaphores = dask_scheduler.extensions["semaphores"]
    names = {name for name in [*semaphores.max_leases, *semaphores.leases] if str(name).startswith(LEASE_PREFIX)}
    idle = [name for name in names if not semaphores.leases.get(name) and not semaphores.metrics["pending"].get(name)]
    for name in idle:
        semaphores.close(name)
        semaphores.leases.pop(name, None)  # a lookup of an unknown name leaves an empty entry behind
    return len(idle)
