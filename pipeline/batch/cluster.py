"""The Dask cluster a batch runs on: a LocalCluster on this machine, or an existing one by address."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from distributed import Client, LocalCluster

from . import BatchError


@contextmanager
def connect(scheduler: str | None, workers: int | None, *, timeout: float = 10.0) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` (any cluster: ``dask scheduler``, Kubernetes, Slurm
    via dask-jobqueue, a cloud), or of a LocalCluster of ``workers`` processes (default: one per core)
    with one thread each; both closed on leaving. With a scheduler, ``workers`` waits until that many
    workers have joined."""
    with ExitStack() as stack:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,  # a worker is a core: extraction and scoring are CPU bound
                processes=True,
                dashboard_address=":8787",  # another port when that one is taken
            )
            stack.enter_context(cluster)
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=timeout))
            except (OSError, TimeoutError, ValueError) as err:
                raise BatchError(
                    f"the Dask scheduler at {scheduler} does not answer ({err}); is `dask scheduler` running "
                    "there, and is the address right (tcp://host:8786)?"
                ) from err
            if workers:
                try:
                    client.wait_for_workers(workers, timeout=timeout)
                except (OSError, TimeoutError) as err:
                    joined = len(client.scheduler_info().get("workers", {}))
                    raise BatchError(
                        f"only {joined} of {workers} workers joined the scheduler at {scheduler} within "
                        f"{timeout:g} s; start them with `dask worker {scheduler}`"
                    ) from err
        yield client


def worker_threads(client: Client) -> int:
    """The threads of the workers joined so far (at least 1: an adaptive cluster may start empty)."""
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
