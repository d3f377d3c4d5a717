"""Batch benchmark: `python -m pipeline batch` with 1 and 2 Dask workers against `python -m pipeline ingest`.

Serves the real pages of ../shared/corpus/web-pages, repeated with distinct query strings up to
``--pages`` (default 2,000), from ``--sites`` local servers on 127.0.0.1 … 127.0.0.N that answer each
request after ``--delay`` seconds (default 8 sites, 300 ms), and in each round (``--runs``, the
commands taking turns so a change in the machine's load hits them alike) times, as fresh processes
on fresh databases: `ingest --from LIST`, and `batch --from LIST --workers 1` and `--workers 2` (a
LocalCluster, its start-up included). Prints medians with their range, pages per second, CPU
seconds, the load average, the peak number of requests any one site held at once, and checks that
the three databases hold the same number of articles.

Usage: python benchmarks/batch.py [--pages 2000] [--runs 3] [--sites 8] [--delay 0.3] [--workers 1 2]
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
from ingest import DEFAULT_CORPUS, Site, alternating  # benchmarks/ingest.py: the sites and the timed rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (the commands alternate)")
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="Dask workers of each batch run")
    parser.add_argument("--partition-size", type=int, default=200)
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

    def batch(workers: int) -> Callable[[int], list[str]]:
        def command(i: int) -> list[str]:
            db, parts = work / f"batch{workers}-{i}.sqlite", work / f"parts{workers}-{i}"
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
            ]

        return command

    commands = {"ingest": ingest} | {f"batch, {n} Dask worker{'s' * (n > 1)}": batch(n) for n in args.workers}
    print(
        f"# Batch benchmark: {len(urls)} pages ({len(pages)} real pages repeated) on {len(sites)} local sites "
        f"answering after {args.delay * 1000:.0f} ms, {os.cpu_count()} CPU cores, partitions of {args.partition_size}\n"
    )
    load_before = os.getloadavg()
    seconds = alternating(args.runs, commands)
    load_after = os.getloadavg()

    print("| command | wall s, median (range) | pages/s | CPU s, median | articles stored |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, timings in seconds.items():
        walls = [w for w, _ in timings]
        wall = statistics.median(walls)
        cpu = statistics.median(c for _, c in timings)
        stored = _articles(work, label, args.runs)
        print(
            f"| {label} | {wall:.1f} ({min(walls):.1f}–{max(walls):.1f}) | {len(urls) / wall:.1f} | {cpu:.0f} | "
            f"{stored} |"
        )
    peak = max(site.peak for site in sites)
    print(f"\nPeak requests held at once by one site: {peak} (per-host limit 2 per process).")
    print(f"Load average (1, 5, 15 min) before: {_load(load_before)}; after: {_load(load_after)}.")


def _articles(work: Path, label: str, runs: int) -> str:
    """The articles stored by each run of ``label``, as 'n' when every run stored the same number."""
    if label == "ingest":
        names = [f"ingest-{i}.sqlite" for i in range(runs)]
    else:
        workers = label.split(", ")[1].split()[0]
        names = [f"batch{workers}-{i}.sqlite" for i in range(runs)]
    counts = set()
    for name in names:
        with sqlite3.connect(work / name) as conn:
            counts.add(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    return "/".join(str(c) for c in sorted(counts))


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


if __name__ == "__main__":
    main()
