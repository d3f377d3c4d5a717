"""Benchmark: the articles frame read from PostgreSQL (COPY ... TO STDOUT into Polars) beside SQLite.

    python benchmarks/postgres_read.py [--articles 100000] [--repeat 3] [--url postgresql://...]

The same synthetic articles (``benchmarks/dashboard.py``'s) are stored in a SQLite file with
``Store.insert_articles_bulk`` and copied row for row into a PostgreSQL database (a throwaway server
started from Debian's binaries, as the tests do, unless ``--url`` names an empty database). Then,
in the same run, every row is read into the frame the views use (``articles_frame(cached=False)``):
from SQLite, from PostgreSQL by COPY, and from PostgreSQL row by row (psycopg's fetchall of the
same SELECT, the frame built from those tuples) as the baseline the COPY path replaces. The frames
are compared before the times are printed. Medians of ``--repeat`` runs (lowest–highest).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
import psycopg  # noqa: E402
from polars.testing import assert_frame_equal  # noqa: E402

from benchmarks.dashboard import synthetic  # noqa: E402
from pipeline.scoring.score import SCORER_VERSION  # noqa: E402
from pipeline.store import Store, frames  # noqa: E402
from pipeline.store.postgres_frames import _FRAME_SELECT  # noqa: E402

COPIED = {  # table: columns copied from the SQLite file (the PostgreSQL side draws its own seq)
    "articles": "id, url, canonical_url, final_url, title, text, published, date_origin, source, language,"
    " fingerprint, story_id, is_demo, fetched_at, decode_note",
    "scores": "article_id, scorer_version, tension, sentiment, relevance, goldstein, language, certain,"
    " evidence, scored_at, top_evidence, top_evidence_weight",
}


def copy_rows(sqlite_file: Path, url: str) -> None:
    """Every article and score of the SQLite file into the (migrated, empty) PostgreSQL database."""
    source = sqlite3.connect(sqlite_file)
    with psycopg.connect(url) as conn:
        # The change triggers stamp every row one by one; the read measured here does not need them.
        conn.execute("SET session_replication_role = replica")
        for table, columns in COPIED.items():
            with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {columns} FROM {table}"):
                    copy.write_row(row)
        conn.execute("SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT MAX(id) FROM articles))")
    source.close()


def rows_baseline(url: str) -> pl.DataFrame:
    """The same frame, fetched row by row through psycopg and built from the tuples."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"{_FRAME_SELECT} ORDER BY a.id", {"pair": "kz-ru", "version": SCORER_VERSION, "after": 0}
        ).fetchall()
    columns = list(zip(*rows, strict=True))
    return frames._typed({name: list(values) for name, values in zip(frames.RAW_SCHEMA, columns, strict=True)})


def timed(read: Callable[[], pl.DataFrame], repeat: int) -> tuple[list[float], pl.DataFrame]:
    times, frame = [], pl.DataFrame()
    for _ in range(repeat):
        started = time.perf_counter()
        frame = read()
        times.append(time.perf_counter() - started)
    return times, frame


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def full_read(db: str) -> Callable[[], pl.DataFrame]:
    def read() -> pl.DataFrame:
        with Store.open(db) as store:
            return store.articles_frame(cached=False)

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throwaway server)")
    args = parser.parse_args()
    server = None
    with tempfile.TemporaryDirectory() as folder:
        try:
            url = args.url
            if url is None:
                from tests.postgres import Server

                server = Server()
                url = server.create_database()
            sqlite_file = Path(folder) / "read.sqlite"
            started = time.perf_counter()
            with Store.open(sqlite_file) as store:
                store.insert_articles_bulk(synthetic(args.articles))
            Store.open(url).close()  # the schema
            copy_rows(sqlite_file, url)
            print(f"{args.articles:,} articles stored in both in {time.perf_counter() - started:.1f} s")
            results = {
                "SQLite (rows into columns)": timed(full_read(str(sqlite_file)), args.repeat),
                "PostgreSQL, COPY into Polars": timed(full_read(url), args.repeat),
                "PostgreSQL, row by row (baseline)": timed(lambda: rows_baseline(url), args.repeat),
            }
            reference = results["SQLite (rows into columns)"][1].drop("fetched_at")
            for _, frame in results.values():  # a fast wrong answer cannot win
                assert_frame_equal(frame.drop("fetched_at"), reference, check_exact=True)
            sqlite_median = statistics.median(results["SQLite (rows into columns)"][0])
            print(f"full read of the articles frame, seconds, median of {args.repeat} (lowest–highest):")
            for name, (times, _) in results.items():
                print(f"  {name:36} {spread(times):>26}  {statistics.median(times) / sqlite_median:5.2f}× SQLite")
        finally:
            if server is not None:
                from pipeline.store.postgres import close_pools

                close_pools()
                server.stop()


if __name__ == "__main__":
    main()
