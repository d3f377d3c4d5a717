"""Finding and reading feeds and sitemaps: discovery behind a homepage through the guarded fetcher,
and the parser on hand-written RSS, Atom, JSON Feed, gzip and broken documents."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.watch import ListingError, discover, parse_listing
from pipeline.watch.feeds import gunzip
from tests.httpserver import Reply
from tests.watch_fixtures import RSS_TYPE, XML_TYPE, atom, gz, rss, sitemap, sitemap_index

HOME = (
    '<!DOCTYPE html><html><head><title>Gazette</title><link rel="alternate" type="application/rss+xml" '
    'href="/x/latest-stories">{extra}</head><body><a href="/about">About</a></body></html>'
)


def test_a_homepage_feed_found_only_through_link_rel_alternate(server, settings):
    # The feed's path has none of the usual words (rss, feed, atom, .xml): only the <link> names it.
    server.routes["/"] = Reply(body=HOME.format(extra="").encode())
    server.routes["/x/latest-stories"] = Reply(body=rss(server, ["/a", "/b"]), headers=RSS_TYPE)
    found = discover(server.url("/"), settings)
    [feed] = found.found
    assert (feed.url, feed.kind, feed.title, feed.entries, feed.found_on) == (
        server.url("/x/latest-stories"),
        "feed",
        "Test Gazette",
        2,
        server.url("/"),
    )


def test_a_homepage_without_feeds_gives_the_sitemap_its_robots_txt_names(server, settings):
    server.routes["/"] = Reply(body=b"<html><head><title>No feeds</title></head><body>hi</body></html>")
    server.routes["/robots.txt"] = Reply(
        body=f"User-agent: *\nSitemap: {server.url('/maps/index.xml')}\n".encode(),
        headers={"Content-Type": "text/plain"},
    )
    server.routes["/maps/index.xml"] = Reply(body=sitemap_index(server, ["/maps/a.xml"]), headers=XML_TYPE)
    [found] = discover(server.url("/"), settings).found
    assert (found.url, found.kind, found.entries) == (server.url("/maps/index.xml"), "sitemap", 1)


def test_a_feed_address_is_taken_as_it_is(server, settings):
    server.routes["/feed.atom"] = Reply(body=atom(server, ["/a"]), headers={"Content-Type": "application/atom+xml"})
    [found] = discover(server.url("/feed.atom"), settings).found
    assert (found.kind, found.title, found.found_on) == ("feed", "Atom Daily", "")


def test_nothing_to_watch_is_said_with_the_reasons(server, settings):
    server.routes["/"] = Reply(body=b"<html><body>plain page</body></html>")
    result = discover(server.url("/"), settings)
    assert result.found == []
    assert result.reason().startswith(f"{server.url('/')}: no feed or sitemap found (the page itself: a web page")
    assert "HTTP 404" in result.reason()  # the guessed sitemap places, each named


def test_discovery_goes_through_the_address_guard(server, settings):
    from dataclasses import replace

    guarded = replace(settings, allow_private=False)
    result = discover(server.url("/"), guarded)
    assert result.found == [] and result.problems[0].startswith("refused: 127.0.0.1 is a loopback address")
    assert server.accepts == 0


def test_rss_atom_and_json_feed_entries_with_their_dates(server):
    feed = parse_listing(rss(server, ["/a"]), server.url("/"))
    assert [(e.url, e.published) for e in feed.entries] == [(server.url("/a"), date(2025, 3, 10))]
    entries = parse_listing(atom(server, ["/rel"]), "http://site.example/feed/").entries
    assert [(e.url, e.published) for e in entries] == [("http://site.example/rel", date(2025, 3, 10))]
    json_feed = b'{"title": "J", "items": [{"url": "/j", "date_published": "2025-01-02T00:00:00Z"}]}'
    listing = parse_listing(json_feed, "http://site.example/")
    assert (listing.title, listing.entries[0].url, listing.entries[0].published) == (
        "J",
        "http://site.example/j",
        date(2025, 1, 2),
    )


def test_a_bare_ampersand_is_forgiven_but_a_truncated_feed_is_refused(server):
    loose = b'<rss version="2.0"><channel><title>Q & A</title><item><link>http://s.example/?a=1&b=2</link></item></channel></rss>'
    assert parse_listing(loose, "http://s.example/").entries[0].url == "http://s.example/?a=1&b=2"
    with pytest.raises(ListingError, match=r"^malformed XML \("):
        parse_listing(b"<rss><channel><item><link>http://x/</lin", "http://s.example/")
    with pytest.raises(ListingError, match="not a feed or sitemap"):
        parse_listing(b"<?xml version='1.0'?><note>hi</note>", "http://s.example/")


def test_gzipped_sitemaps_are_read_and_a_gzip_bomb_is_cut(server):
    listing = parse_listing(gz(sitemap(server, ["/a", "/b"])), server.url("/"))
    assert [e.published for e in listing.entries] == [date(2025, 2, 10), date(2025, 2, 11)]
    with pytest.raises(ListingError, match="more than 1,000 bytes once unzipped"):
        gunzip(gz(b" " * 5000), 1000)


def test_entities_are_never_expanded_from_files(server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    evil = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<rss><channel><title>&x;</title><item><link>http://s.example/a</link></item></channel></rss>"
    ).encode()
    listing = parse_listing(evil, "http://s.example/")
    assert "TOP-SECRET" not in listing.title
