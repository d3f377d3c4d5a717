"""Per-host politeness across a Dask cluster: a lease per host, held on the scheduler, for each download.

Each worker's fetcher already keeps ``settings.per_host`` downloads per host; without more, W workers
would hold W × per_host against one site. A ``distributed.Semaphore`` per host (named after the host
and the limit) counts the downloads of every worker, so one site sees at most ``per_host`` at once
whatever the size of the cluster, while other hosts' downloads never wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from distributed import Semaphore, get_worker


class HostLeases:
    """Cluster-wide download slots, ``per_host`` per host; built in a task, usable from any thread."""

    def __init__(self, per_host: int):
        # The fetcher's threads are not Dask's task threads: they cannot find the worker themselves,
        # so the semaphores are bound to its scheduler connection and event loop here.
        worker = get_worker()
        self._scheduler: Any = worker.scheduler
        self._loop: Any = worker.loop
        self.per_host = max(1, per_host)
        self._semaphores: dict[str, Semaphore] = {}
        self._lock = threading.Lock()

    @contextmanager
    def __call__(self, host: str) -> Iterator[None]:
        """Hold one of ``host``'s leases (waiting for one) while the block runs."""
        semaphore = self._semaphore(host)
        semaphore.acquire()
        try:
            yield
        finally:
            semaphore.release()

    def _semaphore(self, host: str) -> Semaphore:
        with self._lock:
            if host not in self._semaphores:
                self._semaphores[host] = Semaphore(
                    max_leases=self.per_host,
                    name=lease_name(host, self.per_host),
                    scheduler_rpc=self._scheduler,
                    loop=self._loop,
                )
            return self._semaphores[host]


def lease_name(host: str, per_host: int) -> str:
    """The scheduler's name for a host's leases; the limit is part of it, since a semaphore's size is
    fixed when it is made (two jobs with other limits each get their own)."""
    return f"barometer-host-{max(1, per_host)}-{host.lower()}"
