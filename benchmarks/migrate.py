"""Benchmark: ``python -m pipeline migrate`` on a corpus of synthetic scored articles with text.

    python benchmarks/migrate.py [--articles 100000]

``benchmarks/dashboard.py``'s articles, each given 1,500 characters of text (what the full-text
index and the copy carry), are stored in a SQLite file; then, in the same run, copied SQLite →
PostgreSQL (a throwaway server started from Debian's binaries, as the tests do), PostgreSQL →
SQLite and SQLite → SQLite, each copy verified by ``migrate`` itself (counts and checksum).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.dashboard import synthetic  # noqa: E402
from pipeline.store import Store  # noqa: E402
from pipeline.store.migrate import migrate  # noqa: E402

TEXT = "Astana and Moscow discussed the grain corridor, the pipeline tariffs and the border crossings. " * 16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    from tests.postgres import Server

    server = Server()
    try:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "source.sqlite"
            started = time.perf_counter()
            with Store.open(source) as store:
                store.insert_articles_bulk((dataclasses.replace(a, text=TEXT), s) for a, s in synthetic(args.articles))
            print(f"{args.articles:,} articles stored in SQLite in {time.perf_counter() - started:.1f} s", flush=True)
            url = server.create_database()
            for label, src, dst in (
                ("SQLite -> PostgreSQL", str(source), url),
                ("PostgreSQL -> SQLite", url, str(Path(folder) / "back.sqlite")),
                ("SQLite -> SQLite", str(source), str(Path(folder) / "copy.sqlite")),
            ):
                started = time.perf_counter()
                report = migrate(src, dst)
                print(f"  {label:22} {report.rows:>9,} rows  {time.perf_counter() - started:6.1f} s", flush=True)
    finally:
        from pipeline.store.postgres import close_pools

        close_pools()
        server.stop()


if __name__ == "__main__":
    main()
