"""Downloads to several slow hosts run side by side (the per-host limit held), not one after another.

The servers count the requests waiting for an answer at once; nothing here reads a clock.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.ingest import ingest_urls
from pipeline.models import UrlRequest
from pipeline.settings import load_settings
from tests.httpserver import article_html

HOSTS = 8
PAGES_PER_HOST = 4
DELAY = 0.3  # seconds before each answer: long enough for every waiting request to have arrived


class Tally:
    """Requests waiting for an answer, now and at most, on one site or on all of them together."""

    def __init__(self) -> None:
        self.waiting = self.peak = self.served = 0
        self.first_after: int | None = None  # how many requests all sites had answered at this one's first


class SlowSite(ThreadingHTTPServer):
    """Answers every path with an article after DELAY, counting the requests it holds at once."""

    daemon_threads = True

    def __init__(self, host: str, everywhere: Tally, lock: threading.Lock):
        super().__init__((host, 0), _SlowHandler)
        self.here, self.everywhere, self.lock = Tally(), everywhere, lock
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}{path}"


class _SlowHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SlowSite

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        site = self.server
        with site.lock:
            if site.here.first_after is None:
                site.here.first_after = site.everywhere.served
            for tally in (site.here, site.everywhere):
                tally.waiting += 1
                tally.peak = max(tally.peak, tally.waiting)
        time.sleep(DELAY)
        with site.lock:  # before answering: the client cannot send its next request until it has the answer
            for tally in (site.here, site.everywhere):
                tally.waiting -= 1
                tally.served += 1
        words = f"{site.server_address[0]} {self.path}".replace(".", " ").replace("/", " ")
        paragraphs = [
            f"Talks in Astana, report {words}, part {i}: officials met on trade and transit." for i in range(6)
        ]
        body = article_html(f"Report {words}", paragraphs).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def everywhere() -> Tally:
    return Tally()


@pytest.fixture
def sites(everywhere):
    lock = threading.Lock()  # one lock: the overall count moves with each site's
    running = [SlowSite(f"127.0.0.{i + 1}", everywhere, lock) for i in range(HOSTS)]
    yield running
    for site in running:
        site.shutdown()
        site.server_close()


def test_pages_spread_over_slow_hosts_are_fetched_side_by_side_each_host_politely(sites, everywhere, db_path):
    # the default concurrency, as a user gets it; only the guard is opened for 127.0.0.x
    settings = load_settings(db=str(db_path), allow_private=True, workers=1, score=False)
    requests = [UrlRequest(site.url(f"/news/{n}")) for n in range(PAGES_PER_HOST) for site in sites]  # round-robin
    report = ingest_urls(requests, settings)
    assert report.counts["stored"] + report.counts["duplicate"] == HOSTS * PAGES_PER_HOST, report.counts
    assert all(site.here.served == PAGES_PER_HOST for site in sites)
    peaks = [site.here.peak for site in sites]
    # each host: never more than per_host at once, and that many while its list was long enough
    assert peaks == [settings.per_host] * HOSTS, f"requests held at once by each host: {peaks}"
    # all hosts together: their downloads overlapped (the batch takes about one host's share of the
    # delays, not the sum of all of them)
    assert everywhere.peak == HOSTS * settings.per_host, f"requests held at once over all hosts: {everywhere.peak}"


def test_a_list_sorted_by_site_is_fetched_with_the_sites_taking_turns(sites, db_path):
    first, second = sites[:2]
    settings = load_settings(db=str(db_path), allow_private=True, workers=1, score=False, concurrency=4)
    requests = [UrlRequest(site.url(f"/sorted/{n}")) for site in (first, second) for n in range(8)]
    ingest_urls(requests, settings)
    assert (first.here.served, second.here.served) == (8, 8)
    # the second site's pages did not wait behind the first site's: its first request came at once
    # (in list order, the four slots would have gone to the first site until six of its pages were done)
    assert second.here.first_after == 0, f"the second site was first asked after {second.here.first_after} answers"
    assert max(first.here.peak, second.here.peak) == settings.per_host
