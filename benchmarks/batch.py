"""Batch benchmark: `python -m pipeline batch` with 1 and 2 Dask workers against `python -m pipeline ingest`.

Serves the real pages of ../shared/corpus/web-pages, repeated with distinct query strings up to
``--pages`` (default 2,000), from ``--sites`` local servers on 127.0.0.1 … 127.0.0.N that answer each
request after ``--delay`` seconds (default 8 sites, 300 ms), and in each round (``--runs``, the
commands taking turns so a change in the machine's load hits them alike) times, as fresh processes
on fresh databases: `ingest --from LIST`, and `batch --from LIST --workers 1` and `--workers 2` (a
LocalCluster, its start-up included), each with the per-host limit counted across the cluster (the
default) and, with more than one worker, also per worker process (`--per-host-scope worker`, the
old plan). Prints medians with their range, pages per second, CPU seconds, the peak number of
requests one site held at once in each run, the load average, and checks that the databases hold
the same number of articles.

Usage: python benchmarks/batch.py [--pages 2000] [--runs 3] [--sites 8] [--delay 0.3] [--workers 1 2]
       [--per-host-scope cluster worker] [--no-ingest]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import DEFAULT_CORPUS, Site, run_timed  # benchmarks/ingest.py: the sites and a timed run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (the commands alternate)")
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="Dask workers of each batch run")
    parser.add_argument("--partition-size", type=int, default=200)
    parser.add_argument(
        "--per-host-scope", nargs="+", default=["cluster", "worker"], help="where batch counts the per-host limit"
    )
    parser.add_argument("--ingest", action=argparse.BooleanOptionalAction, default=True, help="time ingest too")
    args = parser.parse_args()

    pages = sorted((args.corpus / "web-pages").glob("*.html"))
    sites = [Site(f"127.0.0.{i + 1}", args.corpus / "web-pages", args.delay) for i in range(args.sites)]
    # Round-robin over the sites; past the corpus, the same pages again under another query string.
    urls = [
        sites[i % len(sites)].base + quote(pages[i % len(pages)].name) + f"?copy={i // len(pages)}"
        for i in range(args.pages)
    ]
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    list_file = work / "urls.txt"
    list_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    common = ["--allow-private", "--no-progress", "--from", str(list_file)]
    pipeline = [sys.executable, "-m", "pipeline"]

    def ingest(i: int) -> list[str]:
        return [*pipeline, "ingest", *common, "--db", str(work / f"ingest-{i}.sqlite")]

    def batch(workers: int, scope: str) -> Callable[[int], list[str]]:
        def command(i: int) -> list[str]:
            db, parts = work / f"batch{workers}{scope}-{i}.sqlite", work / f"parts{workers}{scope}-{i}"
            return [
                *pipeline,
                "batch",
                *common,
                "--db",
                str(db),
                "--work",
                str(parts),
                "--workers",
                str(workers),
                "--partition-size",
                str(args.partition_size),
                "--per-host-scope",
                scope,
            ]

        return command

    commands: dict[str, tuple[str, Callable[[int], list[str]]]] = {}
    if args.ingest:
        commands["ingest"] = ("ingest", ingest)
    for n in args.workers:
        for scope in args.per_host_scope if n > 1 else ["cluster"]:  # one worker: the two scopes are one
            label = f"batch, {n} Dask worker{'s' * (n > 1)}, per host per {scope}"
            commands[label] = (f"batch{n}{scope}", batch(n, scope))
    print(
        f"# Batch benchmark: {len(urls)} pages ({len(pages)} real pages repeated) on {len(sites)} local sites "
        f"answering after {args.delay * 1000:.0f} ms, {os.cpu_count()} CPU cores, partitions of {args.partition_size}\n"
    )
    load_before = os.getloadavg()
    seconds: dict[str, list[tuple[float, float, int]]] = {label: [] for label in commands}
    for i in range(args.runs):  # the commands take turns in each round, so the machine's load hits them alike
        for label, (_, make_cmd) in commands.items():
            for site in sites:
                site.peak = 0
            cmd = make_cmd(i)
            wall, cpu, result = run_timed(cmd)
            if result.returncode != 0:
                sys.exit(f"{' '.join(cmd[:5])}… failed: {result.stderr[-2000:]}")
            seconds[label].append((wall, cpu, max(site.peak for site in sites)))
    load_after = os.getloadavg()

    print("| command | wall s, median (range) | pages/s | CPU s, median | peak held by one site | articles stored |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, timings in seconds.items():
        walls = [w for w, _, _ in timings]
        wall = statistics.median(walls)
        cpu = statistics.median(c for _, c, _ in timings)
        peaks = "/".join(str(p) for p in sorted({p for _, _, p in timings}))
        stored = _articles(work, commands[label][0], args.runs)
        print(
            f"| {label} | {wall:.1f} ({min(walls):.1f}–{max(walls):.1f}) | {len(urls) / wall:.1f} | {cpu:.0f} | "
            f"{peaks} | {stored} |"
        )
    print("\nPer-host limit: 2 (BAROMETER_PER_HOST), counted across the cluster or per worker process.")
    print(f"Load average (1, 5, 15 min) before: {_load(load_before)}; after: {_load(load_after)}.")


def _articles(work: Path, prefix: str, runs: int) -> str:
    """The articles stored by each run of the command whose databases start with ``prefix``, as 'n'
    when every run stored the same number."""
    names = [f"{prefix}-{i}.sqlite" for i in range(runs)]
    counts = set()
    for name in names:
        with sqlite3.connect(work / name) as conn:
            counts.add(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    return "/".join(str(c) for c in sorted(counts))


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


if __name__ == "__main__":
    main()
