"""Hand-written feeds, sitemaps and pages for the watcher's tests, served by tests.httpserver."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pipeline.settings import Settings
from tests.httpserver import Reply, TestServer, article_html

RELEVANT = [
    "Kazakhstan and Russia signed a new agreement on trade and transit in Astana on Monday.",
    "President Tokayev met President Putin and both praised the partnership between Kazakhstan and Russia.",
    "Moscow and Astana agreed to expand cooperation on energy, officials said.",
]
OFF_TOPIC = [
    "The weather this weekend will be sunny with light winds across the region.",
    "Temperatures will reach twenty degrees on Saturday and rain is expected on Sunday evening.",
    "Forecasters advise carrying an umbrella on Sunday.",
]
RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}
XML_TYPE = {"Content-Type": "application/xml"}


def rss(server: TestServer, paths: list[str], title: str = "Test Gazette") -> bytes:
    items = "".join(
        f"<item><title>Piece {i}</title><link>{server.url(p)}</link>"
        f"<pubDate>Mon, {10 + i:02d} Mar 2025 09:00:00 GMT</pubDate></item>"
        for i, p in enumerate(paths)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>{server.url('/')}</link>{items}</channel></rss>"
    ).encode()


def atom(server: TestServer, paths: list[str]) -> bytes:
    entries = "".join(
        f'<entry><title>E{i}</title><link rel="alternate" href="{p}"/><id>tag:{i}</id>'
        f"<updated>2025-03-{10 + i:02d}T09:00:00Z</updated></entry>"
        for i, p in enumerate(paths)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom Daily</title>{entries}</feed>"
    ).encode()


def sitemap(server: TestServer, paths: list[str], *, news: bool = False) -> bytes:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    body = ""
    for i, p in enumerate(paths):
        extra = (
            f"<news:news><news:publication><news:name>T</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>2025-03-{10 + i:02d}T08:00:00+00:00</news:publication_date>"
            f"<news:title>N{i}</news:title></news:news>"
            if news
            else f"<lastmod>2025-02-{10 + i:02d}</lastmod>"
        )
        body += f"<url><loc>{server.url(p)}</loc>{extra}</url>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>'
        f"{body}</urlset>"
    ).encode()


def sitemap_index(server: TestServer, children: list[str]) -> bytes:
    body = "".join(
        f"<sitemap><loc>{server.url(c)}</loc><lastmod>2025-03-0{i + 1}</lastmod></sitemap>"
        for i, c in enumerate(children)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{body}</sitemapindex>"
    ).encode()


def gz(body: bytes) -> bytes:
    return gzip.compress(body)


_WORDS = [
    "grain",
    "pipeline",
    "rail",
    "customs",
    "border",
    "water",
    "quota",
    "railway",
    "tariff",
    "uranium",
    "wheat",
    "oil",
    "gas",
    "port",
    "bank",
    "loan",
    "summit",
    "visa",
    "labour",
    "students",
    "migrants",
    "transit",
    "corridor",
    "caspian",
    "power",
    "grid",
    "coal",
    "metal",
    "fertiliser",
]


def page(title: str, relevant: bool = True) -> Reply:
    """An article page; each title gets its own paragraph, so no two pages are one story."""
    seed = int(hashlib.sha256(title.encode()).hexdigest(), 16)
    words = [_WORDS[(seed >> (5 * k)) % len(_WORDS)] for k in range(40)]
    unique = f"Notes on {title}: " + " ".join(words) + "."
    paragraphs = (RELEVANT if relevant else OFF_TOPIC) + [unique]
    return Reply(body=article_html(title, paragraphs, date="2025-03-10").encode())


def serve_articles(server: TestServer, count: int, *, prefix: str = "/news/", relevant: bool = True) -> list[str]:
    paths = [f"{prefix}{i}" for i in range(count)]
    for i, path in enumerate(paths):
        server.routes[path] = page(f"Story {prefix}{i}", relevant)
    return paths


def conditional(server: TestServer, path: str, body: bytes, etag: str = '"v1"') -> None:
    """Serve a feed at ``path`` that answers 304 to a request carrying its ETag (as a real server does)."""

    def route(count: int) -> Reply:
        sent = server.request_headers[path][-1].get("If-None-Match")
        if sent == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {**RSS_TYPE, "ETag": etag, "Last-Modified": "Mon, 17 Mar 2025 09:00:00 GMT"})

    server.routes[path] = route


class Clock:
    """A clock the tests move by hand (the watcher's "now")."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2025, 3, 20, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def watch_settings(settings: Settings, **overrides: object) -> Settings:
    """The conftest settings with no politeness gap and one retry (failures come fast)."""
    return replace(settings, watch_host_gap=0.0, retries=0, **overrides)
