"""Every way a page can fail ends as a failure row with a clear reason; the batch always completes."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace

import pytest

from pipeline.ingest import ingest_urls
from pipeline.models import UrlRequest
from tests.httpserver import Reply, TestServer, article_html, free_port

KZ_RU = [
    "Kazakhstan and Russia signed an agreement on oil transit on Thursday, officials in Astana said, "
    "adding that the accord covers ten years of deliveries through the northern pipeline network.",
    "The Kremlin welcomed the deal, and President Tokayev said both sides would keep talking about "
    "tariffs at the next meeting of the Eurasian Economic Union in Moscow.",
]


def good_page(title: str = "Astana and Moscow sign oil transit deal", date: str = "2022-03-04") -> Reply:
    return Reply(body=article_html(title, KZ_RU, date=date).encode())


def run(settings, *urls: str):
    report = ingest_urls([UrlRequest(u) for u in urls], settings)
    return {o.url: o for o in report.outcomes}, report


def failure_rows(db_path):
    conn = sqlite3.connect(db_path)
    rows = {url: reason for url, reason in conn.execute("SELECT url, reason FROM failures")}
    conn.close()
    return rows


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, "HTTP 404 Not Found"),
        (410, "HTTP 410 Gone"),
        (403, "HTTP 403 Forbidden (paywall or access denied)"),
    ],
)
def test_client_errors_fail_at_once_with_the_status(server, settings, db_path, status, expected):
    server.routes["/p"] = Reply(status, b"<html>no</html>")
    outcomes, _ = run(settings, server.url("/p"))
    assert outcomes[server.url("/p")].detail == expected
    assert server.hits["/p"] == 1  # 4xx is not retried
    assert failure_rows(db_path)[server.url("/p")] == expected


def test_server_error_then_success_is_retried_and_stored(server, settings):
    server.routes["/flaky"] = lambda n: Reply(500, b"oops") if n == 1 else good_page()
    outcomes, _ = run(settings, server.url("/flaky"))
    assert outcomes[server.url("/flaky")].status == "stored"
    assert server.hits["/flaky"] == 2


def test_service_unavailable_every_time_fails_after_all_attempts(server, settings):
    server.routes["/down"] = Reply(503, b"down")
    outcomes, _ = run(settings, server.url("/down"))
    assert outcomes[server.url("/down")].detail == "HTTP 503 Service Unavailable after 3 attempts"
    assert server.hits["/down"] == 3


def test_too_many_requests_honours_retry_after(server, settings):
    server.routes["/busy"] = lambda n: Reply(429, b"", {"Retry-After": "1"}) if n == 1 else good_page()
    outcomes, _ = run(settings, server.url("/busy"))
    assert outcomes[server.url("/busy")].status == "stored"
    first, second = server.times["/busy"]
    assert second - first >= 0.95  # waited as told, not the 0.05 s backoff


def test_server_that_accepts_and_never_answers_times_out(server, settings):
    server.routes["/hang"] = Reply(-1, delay=10)
    started = time.monotonic()
    outcomes, _ = run(replace(settings, total_timeout=1.0), server.url("/hang"))
    assert outcomes[server.url("/hang")].detail.startswith("timed out after 1 s")
    assert time.monotonic() - started < 8


def test_slow_drip_is_cut_at_the_total_timeout(server, settings):
    # 200 KB in 40 pieces 0.3 s apart: each piece is far below a 64 KiB read buffer
    server.routes["/drip"] = Reply(body=b"<html>" + b"x" * 200_000 + b"</html>", delay=0.3, chunks=40)
    started = time.monotonic()
    outcomes, _ = run(replace(settings, total_timeout=1.0), server.url("/drip"))
    assert "timed out after 1 s" in outcomes[server.url("/drip")].detail
    assert time.monotonic() - started < 3


def test_connection_refused_is_named(settings):
    url = f"http://127.0.0.1:{free_port()}/article"
    outcomes, _ = run(settings, url)
    assert outcomes[url].detail == "connection refused after 3 attempts"


def test_host_that_does_not_resolve_is_named(settings):
    outcomes, _ = run(settings, "http://no-such-host.invalid/news")
    assert outcomes["http://no-such-host.invalid/news"].detail == "host not found: no-such-host.invalid"


def test_redirect_loop_is_detected(server, settings):
    server.routes["/a"] = Reply(302, headers={"Location": "/b"})
    server.routes["/b"] = Reply(301, headers={"Location": "/a"})
    outcomes, _ = run(settings, server.url("/a"))
    assert outcomes[server.url("/a")].detail == f"redirect loop at {server.url('/a')}"


def test_redirect_chain_longer_than_the_limit_fails(server, settings):
    for i in range(8):
        server.routes[f"/r{i}"] = Reply(302, headers={"Location": f"/r{i + 1}"})
    server.routes["/r8"] = good_page()
    outcomes, _ = run(replace(settings, max_redirects=3), server.url("/r0"))
    assert outcomes[server.url("/r0")].detail == "too many redirects (more than 3)"


def test_fifty_megabyte_body_is_refused_by_its_length(server, settings):
    server.routes["/huge"] = Reply(body=b"<html><body>" + b"a" * 50_000_000 + b"</body></html>")
    outcomes, _ = run(settings, server.url("/huge"))
    assert outcomes[server.url("/huge")].detail == "page too large: 50,000,026 bytes (limit 10,000,000)"


def test_body_without_length_is_cut_at_the_cap(server, settings):
    body = b"<html><body>" + b"a" * 3_000_000 + b"</body></html>"
    server.routes["/nolen"] = Reply(body=body, headers={"Content-Type": "text/html", "Content-Length": ""})
    outcomes, _ = run(replace(settings, max_bytes=1_000_000), server.url("/nolen"))
    assert outcomes[server.url("/nolen")].detail == "page too large: more than 1,000,000 bytes (limit 1,000,000)"


def test_pdf_and_image_are_not_html(server, settings):
    server.routes["/doc.pdf"] = Reply(body=b"%PDF-1.7\n...", headers={"Content-Type": "application/pdf"})
    server.routes["/sneaky"] = Reply(body=b"%PDF-1.4\n...", headers={"Content-Type": "text/html"})
    server.routes["/pic"] = Reply(body=b"\x89PNG\r\n\x1a\n....", headers={"Content-Type": "image/png"})
    outcomes, _ = run(settings, server.url("/doc.pdf"), server.url("/sneaky"), server.url("/pic"))
    assert outcomes[server.url("/doc.pdf")].detail == "not an HTML page (application/pdf)"
    assert outcomes[server.url("/sneaky")].detail == "not an HTML page (a PDF document)"
    assert outcomes[server.url("/pic")].detail == "not an HTML page (image/png)"


def test_empty_body_and_page_without_article(server, settings):
    server.routes["/empty"] = Reply(body=b"")
    server.routes["/nav"] = Reply(body=b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    outcomes, _ = run(settings, server.url("/empty"), server.url("/nav"))
    assert outcomes[server.url("/empty")].detail == "empty response (HTTP 200 with no content)"
    assert outcomes[server.url("/nav")].detail == "no article text found"


@pytest.mark.parametrize(
    "url",
    ["foo", "javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/a", "http://", "http://exa mple.com/"],
)
def test_strings_that_are_not_web_urls_fail_before_any_request(settings, db_path, url):
    outcomes, _ = run(settings, url)
    reason = outcomes[url].detail
    assert reason.startswith(("not a web address", "unsupported scheme")), reason
    assert failure_rows(db_path)[url] == reason


def test_batch_completes_and_nothing_stored_before_changes(server, settings, db_path):
    server.routes["/good"] = good_page()
    run(settings, server.url("/good"))
    conn = sqlite3.connect(db_path)
    before = [tuple(r) for r in conn.execute("SELECT * FROM articles")]
    server.routes["/bad"] = Reply(500, b"x")
    server.routes["/good"] = Reply(404, b"gone now")  # a changed page must not touch what we stored
    outcomes, report = run(settings, server.url("/bad"), "foo", server.url("/good"))
    assert len(report.outcomes) == 3
    assert outcomes[server.url("/good")].status == "present"
    assert [tuple(r) for r in conn.execute("SELECT * FROM articles")] == before


def test_requests_carry_an_honest_user_agent(server, settings):
    server.routes["/ua"] = good_page()
    run(settings, server.url("/ua"))
    assert server.user_agents[0].startswith("bilateral-barometer/")


# ---- the address guard -------------------------------------------------------------------------


def test_loopback_is_refused_when_the_guard_is_on(server, settings):
    server.routes["/p"] = good_page()
    outcomes, _ = run(replace(settings, allow_private=False), server.url("/p"))
    assert outcomes[server.url("/p")].detail.startswith("refused: 127.0.0.1 is a loopback address")
    assert server.hits["/p"] == 0  # refused before any connection


def test_name_resolving_to_loopback_is_refused(server, settings):
    url = f"http://localhost:{server.port}/p"
    outcomes, _ = run(replace(settings, allow_private=False), url)
    assert outcomes[url].detail.startswith("refused: localhost resolves to 127.0.0.1, a loopback address")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.0.0.5", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("[::1]", "a loopback address"),
        ("0.0.0.0", "an unspecified address"),
    ],
)
def test_non_public_addresses_are_refused_without_connecting(settings, address, kind):
    url = f"http://{address}/latest/meta-data"
    outcomes, _ = run(replace(settings, allow_private=False), url)
    assert kind in outcomes[url].detail and outcomes[url].detail.startswith("refused:")


def test_redirect_to_private_address_is_refused():
    """A page on an allowed address (127.0.0.2, as an intranet operator would allow) redirects to
    127.0.0.1, which is not allowed: the hop is refused and the target never sees a request."""
    import tempfile

    from pipeline.settings import load_settings

    with TestServer("127.0.0.2") as allowed, TestServer("127.0.0.1") as internal:
        internal.routes["/admin"] = good_page()
        allowed.routes["/news"] = Reply(302, headers={"Location": internal.url("/admin")})
        allowed.routes["/direct"] = good_page()
        db = tempfile.mktemp(suffix=".sqlite")
        settings = load_settings(db=db, allow_private=False, allow_networks="127.0.0.2/32", retries=0)
        outcomes, _ = run(settings, allowed.url("/news"), allowed.url("/direct"))
        assert outcomes[allowed.url("/news")].detail.startswith("refused: 127.0.0.1 is a loopback address")
        assert outcomes[allowed.url("/direct")].status == "stored"
        assert internal.hits["/admin"] == 0


def test_connection_level_check_catches_what_resolution_missed(server):
    """The socket's real peer is checked after connecting (DNS rebinding): the pool alone refuses."""
    import urllib3

    from pipeline.guard import AddressPolicy, make_pool_manager

    server.routes["/p"] = good_page()
    pool = make_pool_manager(AddressPolicy(allow_private=False))
    with pytest.raises(urllib3.exceptions.HTTPError, match=r"refused: 127\.0\.0\.1 is a loopback address"):
        pool.request("GET", server.url("/p"), retries=False)
    assert server.hits["/p"] == 0


def test_trafilatura_fetch_path_refuses_loopback_by_default(server):
    """trafilatura's own downloader (used by the benchmark baseline) keeps its SSRF protection on."""
    import trafilatura

    server.routes["/p"] = good_page()
    assert trafilatura.fetch_url(server.url("/p")) is None
    assert server.hits["/p"] == 0


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "017700000001", "[::ffff:127.0.0.1]", "0"])
def test_loopback_in_other_notations_is_refused(settings, host):
    """Decimal, hexadecimal, short and octal forms and IPv4-mapped IPv6 all reach 127.0.0.1 / 0.0.0.0."""
    url = f"http://{host}/admin"
    outcomes, _ = run(replace(settings, allow_private=False), url)
    detail = outcomes[url].detail
    assert detail.startswith("refused:") and ("loopback" in detail or "unspecified" in detail), detail


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("::7f00:1", False),  # IPv4-compatible 127.0.0.1
        ("::ffff:192.168.1.1", False),  # IPv4-mapped
        ("100.64.0.1", False),  # carrier-grade NAT
        ("64:ff9b::808:808", True),  # NAT64 of a public address
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
    ],
)
def test_ipv6_forms_that_carry_a_private_ipv4_are_refused(address, allowed):
    from pipeline.guard import AddressPolicy

    assert AddressPolicy().allows(address) is allowed
