"""Watcher benchmark: polling 200 feeds of 50 items twice (the second pass all 304), against a plain
loop of trafilatura's feed parsing over the same feeds, in the same run.

A local server on 127.0.0.1 serves generated RSS feeds with an ETag and answers 304 to a request
that carries it. The items' links are marked seen beforehand (listed by a source since removed), so
the benchmark measures feed polling (conditional GET, parsing, remembering links, the schedule),
not article downloads. Each run uses a fresh database. The politeness gap between two feed
requests to one host is set to 0 (all 200 feeds share one host here).

Usage: python benchmarks/watch.py [--feeds 200] [--items 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trafilatura
from trafilatura.feeds import FeedParameters, extract_links
from trafilatura.settings import use_config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.dedupe import canonicalize_url  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.store import ListedLink, Store  # noqa: E402
from pipeline.watch import Watcher  # noqa: E402

#: The host of the items' links: never fetched (they are seen already); a name, since trafilatura's
#: feed parser drops links to a bare IP address.
NEWS_HOST = "news.example.org"
NEWS_DOMAIN = "example.org"  # as courlan names it: the parser keeps the links of the feed's own domain


class Feeds:
    """Generated feeds served on 127.0.0.1, with ETags; counts the answers by status."""

    def __init__(self, feeds: int, items: int) -> None:
        self.bodies: dict[str, bytes] = {}
        self.statuses: dict[int, int] = {}
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each keep-alive answer waits ~40 ms for a delayed ACK

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                body = owner.bodies.get(self.path)
                etag = f'"{self.path}-v1"'
                if body is None:
                    status, body, headers = 404, b"", {}
                elif self.headers.get("If-None-Match") == etag:
                    status, body, headers = 304, b"", {"ETag": etag}
                else:
                    status, headers = 200, {"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"}
                with owner.lock:
                    owner.statuses[status] = owner.statuses.get(status, 0) + 1
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    for key, value in {**headers, "Content-Length": str(len(body))}.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        day = date(2025, 3, 1)
        for f in range(feeds):
            entries = "".join(
                f"<item><title>Feed {f} item {i}</title><link>https://{NEWS_HOST}/{f}/{i}</link>"
                f"<pubDate>{(day - timedelta(days=i % 28)).strftime('%a, %d %b %Y')} 09:00:00 GMT</pubDate></item>"
                for i in range(items)
            )
            self.bodies[f"/feed/{f}.xml"] = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Feed {f}</title><link>{self.base}/</link>{entries}</channel></rss>"
            ).encode()
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def urls(self) -> list[str]:
        return [self.base + path for path in self.bodies]

    def links(self) -> list[str]:
        return [f"https://{NEWS_HOST}/{f}/{i}" for f in range(len(self.bodies)) for i in range(self.items_per_feed)]

    @property
    def items_per_feed(self) -> int:
        return next(iter(self.bodies.values())).count(b"<item>")

    def take_statuses(self) -> dict[int, int]:
        with self.lock:
            taken, self.statuses = self.statuses, {}
        return taken


def watcher_passes(feeds: Feeds, workdir: Path) -> tuple[float, float, dict[int, int], dict[int, int]]:
    """Seconds of the first and second pass of the watcher over every feed, and the statuses served."""
    db_path = workdir / f"watch-{time.monotonic_ns()}.sqlite"
    settings = load_settings(db=str(db_path), allow_private=True, watch_host_gap=0.0)
    now = datetime.now(UTC)
    later = [timedelta(0)]  # the second pass runs "an hour later", so every source is polled again at once
    with Store.open(db_path) as db:
        # Every item link is seen already: listed by a source that was then removed (links outlive it).
        seed = db.add_source(feeds.base + "/seed.xml", name="seed", kind="feed", every_s=1800, now=now)
        assert seed is not None
        db.add_links(seed, [ListedLink(canonicalize_url(url), url) for url in feeds.links()], now=now)
        db.remove_source(seed)
        for url in feeds.urls():
            db.add_source(url, name="", kind="feed", every_s=1800, now=now)
        watcher = Watcher(settings, clock=lambda: datetime.now(UTC) + later[0])
        feeds.take_statuses()
        started = time.perf_counter()
        first = watcher.poll_due(db, all_sources=True)
        first_s = time.perf_counter() - started
        first_statuses = feeds.take_statuses()
        later[0] = timedelta(hours=1)
        started = time.perf_counter()
        second = watcher.poll_due(db, all_sources=True)
        second_s = time.perf_counter() - started
        second_statuses = feeds.take_statuses()
    listed = sum(r.listed for r in first)
    assert listed == len(feeds.links()) and sum(r.new for r in first) == 0, (listed, [r.line() for r in first[:3]])
    assert all(r.status == "not modified" for r in second), [r.line() for r in second[:3]]
    return first_s, second_s, first_statuses, second_statuses


def plain_loop(feeds: Feeds) -> tuple[float, int]:
    """Seconds of a sequential loop of trafilatura.fetch_url + its feed parser over every feed; links found."""
    config = use_config()
    config.set("DEFAULT", "SSRF_PROTECTION", "off")  # the feeds are served on 127.0.0.1
    found = 0
    started = time.perf_counter()
    for url in feeds.urls():
        text = trafilatura.fetch_url(url, config=config)
        if text:
            found += len(extract_links(text, FeedParameters(f"https://{NEWS_HOST}", NEWS_DOMAIN, url)))
    elapsed = time.perf_counter() - started
    assert found == len(feeds.links()), f"the plain loop found {found} links, not {len(feeds.links())}"
    return elapsed, found


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    feeds = Feeds(args.feeds, args.items)
    firsts, seconds, plains, ratios = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            first_s, second_s, first_statuses, second_statuses = watcher_passes(feeds, Path(tmp))
            plain_s, found = plain_loop(feeds)
            firsts.append(first_s)
            seconds.append(second_s)
            plains.append(plain_s)
            ratios.append(second_s / first_s)
            print(
                f"run {run + 1}: first pass {first_s:.3f} s {first_statuses}, second pass {second_s:.3f} s "
                f"{second_statuses}, plain loop {plain_s:.3f} s ({found} links)",
                flush=True,
            )
    print(f"\n{args.feeds} feeds x {args.items} items, {args.runs} runs")
    print(f"watcher, first pass (200, parse, remember links):  {spread(firsts)}")
    print(f"watcher, second pass (all 304):                    {spread(seconds)}")
    print(f"plain loop: trafilatura.fetch_url + feed parsing:   {spread(plains)}")
    print(
        f"second / first pass: median {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f}); "
        f"first pass / plain loop {statistics.median(firsts) / statistics.median(plains):.2f}x; "
        f"second pass / plain loop {statistics.median(seconds) / statistics.median(plains):.2f}x"
    )


if __name__ == "__main__":
    main()
