"""A killed ingest leaves a sound database that a rerun completes; readers never see "database is locked";
on both backends (``store_db``: a SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil

from pipeline.store import Store, StoreError
from tests.httpserver import Reply, article_html
from tests.postgres import is_url, query

ROOT = Path(__file__).resolve().parent.parent
N = 40


WORDS = [
    "grain",
    "rail",
    "freight",
    "customs",
    "border",
    "lorries",
    "quota",
    "tariff",
    "pipeline",
    "transit",
    "uranium",
    "wheat",
    "coal",
    "power",
    "grid",
    "visit",
    "summit",
    "minister",
    "treaty",
    "water",
    "river",
    "canal",
    "drought",
    "harvest",
    "railway",
    "port",
    "ferry",
    "caspian",
    "oil",
    "gas",
    "bank",
    "loan",
    "rouble",
    "tenge",
    "ruble",
    "price",
    "market",
    "export",
    "import",
    "council",
    "union",
    "forum",
    "talks",
    "statement",
    "protest",
]


def distinct_text(i: int) -> list[str]:
    # Each page gets its own random vocabulary, so no two are taken for copies of one story.
    rng = random.Random(i)
    return [" ".join(rng.choice(WORDS) for _ in range(40)) + "." for _ in range(3)]


def serve_batch(server) -> list[str]:
    for i in range(N):
        paragraphs = distinct_text(i)
        server.routes[f"/n{i}"] = Reply(body=article_html(f"Report {i}", paragraphs).encode(), delay=0.15)
    return [server.url(f"/n{i}") for i in range(N)]


def start_ingest(urls: list[str], db_path: Path | str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETER_")}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "ingest",
            *urls,
            "--db",
            str(db_path),
            "--allow-private",
            "--concurrency",
            "2",
            "--no-progress",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def count(db: Path | str) -> int:
    if is_url(db):
        import psycopg

        try:
            return query(db, "SELECT COUNT(*) FROM articles")[0][0]
        except psycopg.errors.UndefinedTable:  # the schema is not created yet
            return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0
    finally:
        conn.close()


def sound(db: Path | str) -> bool:
    """SQLite's integrity check; on a server, no article without its story or with a dangling score."""
    if not is_url(db):
        return query(db, "PRAGMA integrity_check") == [("ok",)]
    orphans = query(
        db,
        "SELECT (SELECT COUNT(*) FROM articles WHERE story_id IS NULL)"
        " + (SELECT COUNT(*) FROM scores s WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.article_id))",
    )
    return orphans == [(0,)]


def test_sigkill_mid_batch_keeps_committed_articles_and_a_rerun_completes(server, store_db):
    db_path = store_db
    urls = serve_batch(server)
    proc = start_ingest(urls, db_path)
    deadline = time.monotonic() + 60
    while count(db_path) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers, "a batch this size is extracted in worker processes"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == [], "worker processes must not outlive a killed ingest"
    assert sound(db_path)
    before = dict(query(db_path, "SELECT url, id FROM articles"))
    assert 8 <= len(before) < N, "the kill should land mid-batch"

    rerun = start_ingest(urls, db_path)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert f"{N - len(before)} stored, {len(before)} already present" in out
    after = dict(query(db_path, "SELECT url, id FROM articles"))
    assert len(after) == N == query(db_path, "SELECT COUNT(DISTINCT canonical_url) FROM articles")[0][0]
    assert all(after[url] == article_id for url, article_id in before.items())
    assert sound(db_path)


def test_reader_in_a_loop_never_sees_database_locked_while_ingest_writes(server, store_db):
    db_path = store_db
    urls = serve_batch(server)
    Store.open(db_path).close()  # the schema exists before the reader starts
    proc = start_ingest(urls, db_path)
    reader = Store.open(db_path)
    reads, errors = 0, []
    while proc.poll() is None:
        try:
            reader.articles_frame()
            reader.data_version()
            reads += 1
        except StoreError as err:  # "database is locked" would land here
            errors.append(str(err))
    assert proc.returncode == 0, proc.stderr.read()
    assert errors == []
    assert reads > 10 and count(db_path) == N
