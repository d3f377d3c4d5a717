"""Batch ingest on a Dask cluster: plan partitions, compute them on workers, load the parts.

``plan`` cuts the URL list into partitions whose ids are digests of their inputs; ``work`` runs on
the workers (fetch, extract, score a partition, as ingest does, into Parquet bytes); ``parts`` reads
and writes the part files; ``load`` stores them through ``pipeline.ingest`` (same dedupe, same
failures); ``run`` drives a job on a cluster from ``cluster``; ``hosts`` holds the per-host limit
across the cluster. Dask is imported only by ``cluster``, ``hosts``, ``work`` and ``run``: the rest
of the application runs without the ``cluster`` extra.
"""

from __future__ import annotations

#: Inputs in one partition (one Dask task, one part file).
PARTITION_SIZE = 200

#: Where ``settings.per_host`` is counted: across the whole cluster (a lease per host on the
#: scheduler), or in each worker process (W workers may hold W × per_host against one site).
PER_HOST_SCOPES = ("cluster", "worker")


class BatchError(RuntimeError):
    """A batch that cannot run as asked; the message names the input (the scheduler, the file) and why."""
