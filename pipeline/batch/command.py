"""``python -m pipeline batch``: parse, run the batch, show its progress, print what it did."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Never

from tqdm import tqdm

from ..inputs import InputError, stream_url_file
from ..report import IngestReport
from ..settings import Settings
from . import PARTITION_SIZE, PER_HOST_SCOPES, BatchError

EXIT_OK, EXIT_NOTHING_DONE = 0, 1


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """The ``batch`` subcommand's arguments."""
    p = sub.add_parser(
        "batch",
        parents=[common],
        help="fetch, extract and score a URL list on a Dask cluster, resumably, then store it",
        description="Fetch, extract and score the URLs of FILE on a Dask cluster (a local one by default), "
        "partition by partition, each written as a Parquet part in the work directory; then load the parts "
        "into the database. Rerun the same command after a failure: finished parts are not computed again. "
        "Needs the cluster extra: pip install -e '.[cluster]' (docs/batch.md).",
    )
    p.add_argument("--from", dest="from_file", metavar="FILE", required=True, help=".txt or .csv list, as ingest")
    p.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler, tcp://host:8786 (default: a local cluster)"
    )
    p.add_argument(
        "--workers",
        type=int,
        help="worker processes of the local cluster (default: one per core); with --scheduler, wait for that many",
    )
    p.add_argument("--work", metavar="DIR", help="where the parts are kept (default: FILE's name + .batch, beside it)")
    p.add_argument(
        "--partition-size", type=int, default=PARTITION_SIZE, help=f"inputs in one partition (default {PARTITION_SIZE})"
    )
    p.add_argument(
        "--per-host-scope",
        choices=PER_HOST_SCOPES,
        default="cluster",
        help="count the per-host limit (BAROMETER_PER_HOST) across the whole cluster (default), or in each "
        "worker process (faster against few sites, which then see workers × the limit)",
    )
    p.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the scheduler (default 10)")
    p.add_argument("--allow-private", action="store_true", default=None, help="as for ingest")
    p.add_argument("--no-score", action="store_true", help="as for ingest")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def default_work(from_file: str) -> Path:
    """The work directory beside the list: urls.txt → urls.txt.batch."""
    path = Path(from_file)
    return path.with_name(path.name + ".batch")


def cmd_batch(args: argparse.Namespace, settings: Settings, print_report: Callable[[IngestReport], int]) -> int:
    """Run a batch as the arguments say; ``print_report`` prints the summary (the CLI's, as for
    ingest) and gives the exit status."""
    try:
        from .run import run_batch
    except ImportError as err:  # dask is an optional extra
        print(
            f"error: the batch command needs Dask ({err}); install it with pip install -e '.[cluster]'", file=sys.stderr
        )
        return EXIT_NOTHING_DONE

    work = Path(args.work) if args.work else default_work(args.from_file)
    try:
        inputs = stream_url_file(args.from_file)
        work.mkdir(exist_ok=True)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    except OSError as err:
        print(f"error: work directory {work}: {err.strerror or err}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    bars: dict[str, tqdm[Never]] = {}  # bars without an iterable, fed by hand

    def progress(stage: str, done: int, total: int) -> None:
        if args.no_progress:
            return
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            bars[stage] = tqdm(desc=stage, unit="part", file=sys.stderr, dynamic_ncols=True)
        bars[stage].total = total
        bars[stage].n = done
        bars[stage].refresh()

    try:
        result = run_batch(
            inputs,
            settings,
            work,
            scheduler=args.scheduler,
            workers=args.workers,
            size=args.partition_size,
            timeout=args.timeout,
            progress=progress,
            on_dashboard=lambda link: print(f"Dask dashboard: {link}", file=sys.stderr),
            keep=("duplicate", "failed"),
            per_host_scope=args.per_host_scope,
        )
    except BatchError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    finally:
        for bar in bars.values():
            bar.close()
    print(
        f"Partitions: {result.partitions} ({result.computed} computed, {result.reused} done before, "
        f"{len(result.failed)} failed); parts in {result.work}."
    )
    status = print_report(result.report)
    if result.failed:
        for name, reason in result.failed:
            print(f"  partition {name} failed: {reason}", file=sys.stderr)
        print("error: some partitions failed; run the same command again to compute them", file=sys.stderr)
        return EXIT_NOTHING_DONE
    return status
