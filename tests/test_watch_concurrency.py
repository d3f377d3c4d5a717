"""Two watchers on one database, and a watcher killed mid-poll: the leases in the database decide
who fetches what, so each link is fetched once and a restart continues where the killed one stopped."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from pipeline.store import ListedLink, Store
from pipeline.watch import Watcher
from tests.httpserver import Reply
from tests.watch_fixtures import RSS_TYPE, Clock, page, rss, serve_articles, watch_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_two_watchers_at_once_fetch_each_feed_and_each_link_once(server, settings, db_path):
    clock = Clock()
    shared = serve_articles(server, 3, prefix="/both/")
    first = serve_articles(server, 3, prefix="/one/")
    second = serve_articles(server, 3, prefix="/two/")
    for path in shared + first + second:  # slow pages keep both watchers busy at the same time
        server.routes[path] = Reply(body=server.routes[path].body, delay=0.15)
    server.routes["/feed1"] = Reply(body=rss(server, shared + first), headers=RSS_TYPE)
    server.routes["/feed2"] = Reply(body=rss(server, shared + second), headers=RSS_TYPE)
    with Store.open(db_path) as db:
        for path in ("/feed1", "/feed2"):
            db.add_source(server.url(path), name=path, kind="feed", every_s=1800, now=clock())
    results: dict[str, list] = {}
    start = threading.Barrier(2)

    def run(owner: str) -> None:
        with Store.open(db_path) as db:
            start.wait()
            results[owner] = Watcher(watch_settings(settings), owner=owner, clock=clock).poll_due(db, all_sources=True)

    threads = [threading.Thread(target=run, args=(owner,)) for owner in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert server.hits["/feed1"] == 1 and server.hits["/feed2"] == 1
    assert {p: server.hits[p] for p in shared + first + second} == {p: 1 for p in shared + first + second}
    assert sum(len(r) for r in results.values()) == 2  # each source polled by one of them
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 9


def test_two_connections_claiming_links_of_one_source_get_disjoint_links(db_path):
    now = datetime(2025, 3, 20, tzinfo=UTC)
    with Store.open(db_path) as a, Store.open(db_path) as b:
        source_id = a.add_source("http://feed.example/rss", name="f", kind="feed", every_s=60, now=now)
        assert source_id is not None
        keys = [f"http://feed.example/{i}" for i in range(5)]
        a.add_links(source_id, [ListedLink(k, k) for k in keys], now=now)
        got_a = a.claim_links(source_id, "a", now=now, lease_s=600, limit=3)
        got_b = b.claim_links(source_id, "b", now=now, lease_s=600, limit=3)
        assert len(got_a) == 3 and len(got_b) == 2
        assert {link.key for link in got_a} | {link.key for link in got_b} == set(keys)
        assert b.claim_links(source_id, "b", now=now, lease_s=600, limit=3) == []
        # the lease of a watcher that never came back expires: another takes its links
        later = now + timedelta(seconds=601)
        assert {link.key for link in b.claim_links(source_id, "b", now=later, lease_s=600, limit=9)} == {
            link.key for link in got_a + got_b
        }


def test_a_killed_watcher_leaves_its_work_to_the_next_one(server, settings, db_path):
    paths = serve_articles(server, 4)
    stuck = paths[1]  # links go newest first: /news/3, /news/2, then this one hangs
    server.routes[stuck] = Reply(body=page("Story stuck").body, delay=30)
    server.routes["/feed"] = Reply(body=rss(server, paths), headers=RSS_TYPE)
    with Store.open(db_path) as db:
        db.add_source(server.url("/feed"), name="f", kind="feed", every_s=1800, now=datetime.now(UTC))
    env = os.environ | {
        "BAROMETER_DB": str(db_path),
        "BAROMETER_ALLOW_PRIVATE": "1",
        "BAROMETER_WATCH_HOST_GAP": "0",
        "BAROMETER_CONCURRENCY": "1",
        "BAROMETER_WORKERS": "1",
        "BAROMETER_TOTAL_TIMEOUT": "60",
    }
    watcher = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "watch", "run", "--once"], cwd=ROOT, env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while server.hits[stuck] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.hits[stuck] == 1, "the watcher never reached the hanging page"
    finally:
        os.killpg(watcher.pid, signal.SIGKILL)
        watcher.wait()
    with sqlite3.connect(db_path) as conn:
        states = dict(conn.execute("SELECT listed_url, state FROM watch_links"))
    assert sorted(states.values()) == ["claimed", "claimed", "stored", "stored"]
    server.routes[stuck] = page("Story stuck")
    # At once, the dead watcher's leases hold: nothing is polled or fetched twice.
    with Store.open(db_path) as db:
        assert Watcher(watch_settings(settings)).poll_due(db, all_sources=True) == []
        # Once they expire, the next watcher finishes the job.
        later = Clock(datetime.now(UTC) + timedelta(seconds=settings.watch_lease + 1))
        [result] = Watcher(watch_settings(settings), clock=later).poll_due(db, all_sources=True)
    assert result.outcomes == {"stored": 2}
    assert [server.hits[p] for p in paths] == [1, 2, 1, 1]  # only the page cut short is fetched again
    assert server.hits["/feed"] == 2
