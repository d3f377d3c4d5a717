"""Page metadata: the source of a page that names no site is its canonical link's host."""

from __future__ import annotations

import sqlite3

from lxml.html import fromstring

from pipeline.ingest import ingest_urls
from pipeline.metadata import page_metadata
from pipeline.models import UrlRequest
from tests.httpserver import Reply, article_html

PARAGRAPHS = [
    "Kazakhstan and Russia signed an agreement on oil transit on Thursday, officials in Astana said, "
    "adding that the accord covers ten years of deliveries through the northern pipeline network.",
    "The Kremlin welcomed the deal, and President Tokayev said both sides would keep talking about "
    "tariffs at the next meeting of the Eurasian Economic Union in Moscow.",
]


def test_a_page_fetched_by_ip_address_is_sourced_to_its_canonical_links_site(server, settings, db_path):
    named = article_html("Deal", PARAGRAPHS, canonical="https://www.Steppe-Ledger.example/2022/deal", site="")
    server.routes["/named"] = Reply(body=named.encode())
    server.routes["/bare"] = Reply(body=article_html("Talks", PARAGRAPHS[::-1], site="").encode())
    ingest_urls([UrlRequest(server.url("/named")), UrlRequest(server.url("/bare"))], settings)
    rows = sqlite3.connect(db_path).execute("SELECT title, source FROM articles ORDER BY title").fetchall()
    assert rows == [("Deal", "steppe-ledger.example"), ("Talks", "127.0.0.1")]  # no canonical link: the host


def test_a_declared_site_name_wins_and_odd_canonical_links_are_not_a_source():
    def source(head: str) -> str:
        return page_metadata(fromstring(f"<html><head>{head}</head><body><p>x</p></body></html>")).site_name

    assert source(
        '<meta property="og:site_name" content="Ledger"><link rel="canonical" href="https://a.example/x">'
    ) == ("Ledger")
    assert source('<link rel="canonical" href="//www.b.example/x">') == "b.example"
    assert source('<meta property="og:url" content="https://c.example/x">') == "c.example"
    assert source('<link rel="canonical" href="/relative/x">') == ""
    assert source('<link rel="canonical" href="ftp://d.example/x">') == ""
    assert source('<link rel="canonical" href="https://[::1/x">') == ""  # not a URL at all
