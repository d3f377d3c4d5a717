"""The watcher against a real HTTP server on 127.0.0.1: polls, conditional GETs, backoff and disable,
the cap, seen links never refetched, off-topic pieces remembered without an article, and the
address guard on every link. Each outcome is checked on the database and on the server's counts."""

from __future__ import annotations

import ipaddress
import sqlite3
from datetime import timedelta

import pytest

from pipeline.store import Store
from pipeline.watch import Watcher
from tests.httpserver import Reply, stub_network
from tests.watch_fixtures import (
    RSS_TYPE,
    Clock,
    conditional,
    gz,
    rss,
    serve_articles,
    sitemap,
    sitemap_index,
    watch_settings,
)


def add(db: Store, url: str, clock: Clock, kind: str = "feed", every_s: int = 1800) -> int:
    source_id = db.add_source(url, name="Test Gazette", kind=kind, every_s=every_s, now=clock())
    assert source_id is not None
    return source_id


def links(db_path) -> dict[str, tuple]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT listed_url, state, relevance, published, article_id FROM watch_links").fetchall()
    return {row[0]: row[1:] for row in rows}


def article_urls(db_path) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {row[0] for row in conn.execute("SELECT url FROM articles")}


def test_a_poll_stores_relevant_pieces_and_remembers_the_off_topic_one_without_an_article(server, settings, db_path):
    clock = Clock()
    on_topic = serve_articles(server, 2)
    off_topic = serve_articles(server, 1, prefix="/weather/", relevant=False)
    server.routes["/feed"] = Reply(body=rss(server, on_topic + off_topic), headers=RSS_TYPE)
    with Store.open(db_path) as db:
        add(db, server.url("/feed"), clock)
        [result] = Watcher(watch_settings(settings), clock=clock).poll_due(db)
        assert (result.listed, result.new, result.outcomes) == (3, 3, {"stored": 2, "not_relevant": 1})
        [source] = db.sources()
    assert article_urls(db_path) == {server.url(p) for p in on_topic}
    state, relevance, published, article_id = links(db_path)[server.url("/weather/0")]
    assert (state, published, article_id) == ("not_relevant", "2025-03-12", None)
    assert relevance == 0.0
    assert (source.found, source.stored, source.failures, source.last_error) == (3, 2, 0, "")
    assert source.last_poll == "2025-03-20T12:00:00+00:00" and source.next_poll == "2025-03-20T12:30:00+00:00"


def test_seen_links_are_never_fetched_again_and_only_a_new_item_is(server, settings, db_path):
    clock = Clock()
    paths = serve_articles(server, 3) + serve_articles(server, 1, prefix="/weather/", relevant=False)
    server.routes["/feed"] = Reply(body=rss(server, paths[:3] + paths[3:]), headers=RSS_TYPE)
    watcher = Watcher(watch_settings(settings), clock=clock)
    with Store.open(db_path) as db:
        add(db, server.url("/feed"), clock)
        watcher.poll_due(db)
        clock.advance(minutes=31)
        [second] = watcher.poll_due(db)
        assert (second.listed, second.new, second.outcomes) == (4, 0, {})
        fresh = serve_articles(server, 1, prefix="/fresh/")
        server.routes["/feed"] = Reply(body=rss(server, paths + fresh), headers=RSS_TYPE)
        clock.advance(minutes=31)
        [third] = watcher.poll_due(db)
        assert (third.new, third.outcomes) == (1, {"stored": 1})
    assert server.hits["/feed"] == 3
    assert {p: server.hits[p] for p in paths + fresh} == {p: 1 for p in paths + fresh}


def test_a_link_already_stored_by_hand_is_not_fetched(server, settings, db_path):
    from pipeline.ingest import ingest_urls
    from pipeline.models import UrlRequest

    clock = Clock()
    paths = serve_articles(server, 2)
    ingest_urls([UrlRequest(server.url(paths[0]))], settings)
    server.routes["/feed"] = Reply(body=rss(server, paths), headers=RSS_TYPE)
    with Store.open(db_path) as db:
        add(db, server.url("/feed"), clock)
        [result] = Watcher(watch_settings(settings), clock=clock).poll_due(db)
    assert result.outcomes == {"present": 1, "stored": 1}
    assert server.hits[paths[0]] == 1 and server.hits[paths[1]] == 1


def test_an_unchanged_feed_answers_304_to_the_conditional_get_and_costs_nothing(server, settings, db_path):
    clock = Clock()
    paths = serve_articles(server, 2)
    conditional(server, "/feed", rss(server, paths))
    watcher = Watcher(watch_settings(settings), clock=clock)
    with Store.open(db_path) as db:
        add(db, server.url("/feed"), clock)
        watcher.poll_due(db)
        [source] = db.sources()
        assert (source.etag, source.last_modified) == ('"v1"', "Mon, 17 Mar 2025 09:00:00 GMT")
        clock.advance(minutes=31)
        [second] = watcher.poll_due(db)
        [after] = db.sources()
    first_request, second_request = server.request_headers["/feed"]
    assert "If-None-Match" not in first_request
    assert second_request["If-None-Match"] == '"v1"'
    assert second_request["If-Modified-Since"] == "Mon, 17 Mar 2025 09:00:00 GMT"
    assert (second.status, second.listed, second.outcomes) == ("not modified", 0, {})
    assert (after.etag, after.failures, after.found, after.last_poll) == ('"v1"', 0, 2, "2025-03-20T12:31:00+00:00")
    assert all(server.hits[p] == 1 for p in paths)


def test_a_failing_source_backs_off_then_is_disabled_with_the_reason(server, settings, db_path):
    clock = Clock()
    server.routes["/feed"] = lambda count: Reply(500, b"oops") if count <= 2 else Reply(404, b"gone")
    watcher = Watcher(watch_settings(settings, watch_max_failures=3), clock=clock)
    with Store.open(db_path) as db:
        add(db, server.url("/feed"), clock, every_s=600)
        [first] = watcher.poll_due(db)
        [source] = db.sources()
        assert (first.status, first.error) == ("failed", "HTTP 500 Internal Server Error")
        assert (source.failures, source.next_poll) == (1, "2025-03-20T12:20:00+00:00")  # twice the 10 minutes
        clock.advance(minutes=19)
        assert watcher.poll_due(db) == []  # not due yet: backed off
        clock.advance(minutes=1)
        watcher.poll_due(db)
        assert db.sources()[0].next_poll == "2025-03-20T12:60:00+00:00".replace("12:60", "13:00")  # 4 x 10 min
        clock.advance(hours=1)
        [third] = watcher.poll_due(db)
        [source] = db.sources()
        assert third.status == "disabled"
        assert source.status == "disabled"
        assert source.last_error == "disabled after 3 failed polls in a row; the last: HTTP 404 Not Found"
        clock.advance(days=3)
        assert watcher.poll_due(db, all_sources=True) == []  # a disabled source is not polled
        db.set_source_status(source.id, "active", now=clock())
        assert db.sources()[0].failures == 0
    assert server.hits["/feed"] == 3


def test_a_malformed_feed_is_a_failed_poll_that_says_why(server, settings, db_path):
    clock = Clock()
    server.routes["/feed"] = Reply(body=b"<rss><channel><item><link>http://x/</lin", headers=RSS_TYPE)
    with Store.open(db_path) as db:
        add(db, server.url("/feed"), clock)
        [result] = Watcher(watch_settings(settings), clock=clock).poll_due(db)
        [source] = db.sources()
    assert result.status == "failed"
    assert source.last_error.startswith("malformed XML (") and source.failures == 1


def test_a_feed_of_5000_items_is_taken_a_capped_batch_per_poll_newest_first(server, settings, db_path):
    clock = Clock()
    paths = [f"/n/{i}" for i in range(5000)]
    items = "".join(
        f"<item><link>{server.url(p)}</link><pubDate>{_date(i)}</pubDate></item>" for i, p in enumerate(paths)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()
    conditional(server, "/feed", body)
    newest = [f"/n/{i}" for i in range(4999, 4989, -1)]
    for path in newest:
        serve_articles(server, 0)
        server.routes[path] = serve_page(path)
    watcher = Watcher(watch_settings(settings, watch_max_links=5), clock=clock)
    with Store.open(db_path) as db:
        add(db, server.url("/feed"), clock)
        [first] = watcher.poll_due(db)
        assert (first.listed, first.new, sum(first.outcomes.values())) == (5000, 5000, 5)
        clock.advance(minutes=31)
        [second] = watcher.poll_due(db)  # 304, yet the waiting links are taken
        [source] = db.sources()
    assert second.status == "not modified" and sum(second.outcomes.values()) == 5
    fetched = sorted((p for p in server.hits if p.startswith("/n/")), key=lambda p: -int(p.rsplit("/", 1)[1]))
    assert fetched == newest
    assert (source.found, source.stored, source.pending) == (5000, 10, 4990)


def _date(i: int) -> str:
    from datetime import date

    day = date(2010, 1, 1) + timedelta(days=i)
    return day.strftime("%a, %d %b %Y 08:00:00 GMT")


def serve_page(path: str) -> Reply:
    from tests.watch_fixtures import page

    return page(f"Story {path}")


def test_a_sitemap_index_with_a_gzipped_child_and_a_google_news_sitemap(server, settings, db_path):
    clock = Clock()
    plain = serve_articles(server, 2, prefix="/a/")
    news = serve_articles(server, 2, prefix="/b/")
    server.routes["/sitemap_index.xml"] = Reply(body=sitemap_index(server, ["/s1.xml.gz", "/news.xml"]))
    server.routes["/s1.xml.gz"] = Reply(body=gz(sitemap(server, plain)), headers={"Content-Type": "application/gzip"})
    server.routes["/news.xml"] = Reply(body=sitemap(server, news, news=True), headers={"Content-Type": "text/xml"})
    with Store.open(db_path) as db:
        add(db, server.url("/sitemap_index.xml"), clock, kind="sitemap")
        [result] = Watcher(watch_settings(settings), clock=clock).poll_due(db)
    assert (result.listed, result.outcomes) == (4, {"stored": 4})
    found = links(db_path)
    assert found[server.url("/b/1")][2] == "2025-03-11"  # news:publication_date
    assert found[server.url("/a/0")][2] == "2025-02-10"  # lastmod


@pytest.fixture
def no_private_resolver(monkeypatch):
    """``intranet.example`` resolves to a private address; connecting anywhere but loopback raises."""
    return stub_network(monkeypatch, {"intranet.example": "10.1.2.3"})


def test_feed_links_to_private_addresses_are_refused_when_not_allowed(server, settings, db_path, no_private_resolver):
    clock = Clock()
    # Only the test server's own loopback address is allowed; the feed points past it.
    guarded = watch_settings(settings, allow_private=False, allow_networks="127.0.0.1/32")
    server.routes["/hop"] = Reply(302, b"", {"Location": "http://10.0.0.7/admin"})
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><link>http://intranet.example/secret</link></item><item><link>{server.url('/hop')}</link></item>"
        "</channel></rss>"
    ).encode()
    server.routes["/feed"] = Reply(body=body, headers=RSS_TYPE)
    with Store.open(db_path) as db:
        add(db, server.url("/feed"), clock)
        [result] = Watcher(guarded, clock=clock).poll_due(db)
    found = links(db_path)
    assert result.outcomes == {"failed": 2}
    with sqlite3.connect(db_path) as conn:
        reasons = dict(conn.execute("SELECT listed_url, detail FROM watch_links"))
    assert reasons["http://intranet.example/secret"].startswith("refused: intranet.example resolves to 10.1.2.3")
    assert reasons[server.url("/hop")].startswith("refused: 10.0.0.7 is a private address")
    assert found["http://intranet.example/secret"][0] == "failed"
    assert not [a for a in no_private_resolver if not ipaddress.ip_address(a[0]).is_loopback]
    assert article_urls(db_path) == set()
