"""The watcher's edge cases found by using it: a feed date in the future, a long run of failures, a
broken feed address that must not turn into the site's sitemap, and the first poll of an old backlog."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pipeline.store import Store
from pipeline.watch import Watcher, discover
from tests.httpserver import Reply
from tests.watch_fixtures import RSS_TYPE, XML_TYPE, Clock, rss, serve_articles, sitemap, watch_settings


def test_a_feed_date_in_the_future_is_dropped_so_the_page_date_is_stored(server, settings, db_path):
    clock = Clock()  # 2025-03-20
    [path] = serve_articles(server, 1)  # the page says 2025-03-10
    item = (
        f"<item><title>x</title><link>{server.url(path)}</link><pubDate>Fri, 13 Mar 2099 10:00:00 GMT</pubDate></item>"
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{item}</channel></rss>'
    server.routes["/feed"] = Reply(body=feed.encode(), headers=RSS_TYPE)
    with Store.open(db_path) as db:
        db.add_source(server.url("/feed"), name="T", kind="feed", every_s=1800, now=clock())
        [result] = Watcher(watch_settings(settings), clock=clock).poll_due(db)
    assert result.outcomes == {"stored": 1}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT published FROM watch_links").fetchall() == [(None,)]
        assert conn.execute("SELECT published FROM articles").fetchall() == [("2025-03-10",)]


def test_backoff_doubles_then_stops_at_a_day_even_after_many_failures(server, settings, db_path):
    clock = Clock()
    server.routes["/feed"] = Reply(500, b"down")
    watcher = Watcher(watch_settings(settings, watch_max_failures=100), clock=clock)
    waits = []
    with Store.open(db_path) as db:
        source_id = db.add_source(server.url("/feed"), name="T", kind="feed", every_s=1800, now=clock())
        for _ in range(60):  # 2**45 * 1800 s is past what a timedelta holds
            [result] = watcher.poll_due(db, all_sources=True)
            source = db.find_source(str(source_id))
            waits.append((datetime.fromisoformat(source.next_poll) - clock()).total_seconds())
            clock.advance(seconds=1)
    assert result.status == "failed" and source.failures == 60 and source.status == "active"
    assert waits[:6] == [3600, 7200, 14400, 28800, 57600, 86400]  # 2x, 4x ... the interval, then a day
    assert set(waits[5:]) == {86400}


def test_a_broken_feed_address_is_reported_broken_not_swapped_for_the_sites_sitemap(server, settings):
    server.routes["/feed.xml"] = Reply(
        body=b'<?xml version="1.0"?><rss version="2.0"><channel><title>T', headers=RSS_TYPE
    )
    server.routes["/sitemap.xml"] = Reply(body=sitemap(server, ["/a"]), headers=XML_TYPE)
    server.routes["/"] = Reply(body=b"<!doctype html><html><head><title>Home</title></head><body>hi</body></html>")
    found = discover(server.url("/feed.xml"), settings)
    assert found.found == [] and server.hits["/sitemap.xml"] == 0
    assert found.reason().startswith(f"{server.url('/feed.xml')}: no feed or sitemap found (malformed XML (")
    [home] = discover(server.url("/"), settings).found  # a homepage still leads to the sitemap
    assert home.url == server.url("/sitemap.xml")


def test_each_source_is_reported_as_soon_as_it_is_polled_and_progress_counts_over_the_pass(server, settings, db_path):
    clock = Clock()
    said, counts = [], []
    first, second = serve_articles(server, 2, prefix="/a/"), serve_articles(server, 2, prefix="/b/")
    server.routes["/one"] = Reply(body=rss(server, first, title="One"), headers=RSS_TYPE)
    second_feed = Reply(body=rss(server, second, title="Two"), headers=RSS_TYPE)
    server.routes["/two"] = lambda n: (said.append(f"(two fetched after {len(said)} lines)"), second_feed)[1]
    with Store.open(db_path) as db:
        for path in ("/one", "/two"):
            db.add_source(server.url(path), name=path[1:], kind="feed", every_s=1800, now=clock())
        watcher = Watcher(watch_settings(settings, concurrency=1), clock=clock)
        watcher.poll_due(
            db, on_polled=lambda r: said.append(r.line()), progress=lambda done, total, o: counts.append((done, total))
        )
    assert said == [
        "one: 2 listed, 2 new; fetched: 2 stored",
        "(two fetched after 1 lines)",
        "two: 2 listed, 2 new; fetched: 2 stored",
    ]
    assert counts == [(1, 2), (2, 2), (3, 4), (4, 4)]
