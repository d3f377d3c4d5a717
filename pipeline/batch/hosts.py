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

#: Idle hosts whose semaphore a worker keeps at hand; each kept one runs a timer on the worker's
#: event loop (Dask refreshes its leases), so a list of 100,000 hosts must not keep them all.
KEPT_IDLE = 512


class HostLeases:
    """Cluster-wide download slots, ``per_host`` per host; built in a task, usable from any thread."""

    def __init__(self, per_host: int, *, kept_idle: int = KEPT_IDLE):
        # The fetcher's threads are not Dask's task threads: they cannot find the worker themselves,
        # so the semaphores are bound to its scheduler connection and event loop here.
        worker = get_worker()
        self._scheduler: Any = worker.scheduler
        self._loop: Any = worker.loop
        self.per_host = max(1, per_host)
        self._kept_idle = kept_idle
        self._semaphores: OrderedDict[str, Semaphore] = OrderedDict()  # least recently idle first
        self._users: dict[str, int] = {}  # downloads holding or waiting for each host's lease here
        self._lock = threading.Lock()

    @contextmanager
    def __call__(self, host: str) -> Iterator[None]:
        """Hold one of ``host``'s leases (waiting for one) while the block runs."""
        semaphore = self._take(host)
        try:
            semaphore.acquire()
            try:
                yield
            finally:
                semaphore.release()
        finally:
            self._give_back(host)

    def _take(self, host: str) -> Semaphore:
        with self._lock:
            self._users[host] = self._users.get(host, 0) + 1
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
            self._semaphores.move_to_end(host)
            idle = [name for name in self._semaphores if name not in self._users]
            for name in idle[: max(0, len(idle) - self._kept_idle)]:
                # Dropped here only: the scheduler keeps the host's count for the other workers.
                timer = getattr(self._semaphores.pop(name), "refresh_callback", None)
                if timer is not None:
                    self._loop.add_callback(timer.stop)  # the timer belongs to the event loop's thread

    def kept(self) -> int:
        """How many hosts' semaphores this worker keeps (in use or idle)."""
        with self._lock:
            return len(self._semaphores)


def lease_name(host: str, per_host: int) -> str:
    """The scheduler's name for a host's leases; the limit is part of it, since a semaphore's size is
    fixed when it is made (two jobs with other limits each get their own)."""
    return f"barometer-host-{max(1, per_host)}-{host.lower()}"
