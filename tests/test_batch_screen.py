"""One URL screen for ingest and batch (pipeline.ingest.urls.screen_list): an input refused by one is
refused by the other, with the same message (scheme, odd forms, the address guard, canonical
repeats, an unreadable row of a streamed list)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace

from pipeline.batch.run import run_batch
from pipeline.ingest import ingest_urls
from pipeline.inputs import stream_url_file
from tests.httpserver import Reply, article_html
from tests.test_batch import cluster, story  # noqa: F401  (cluster: a module's one-worker LocalCluster)


def refusals(report) -> list[tuple[str, str, str]]:
    """What became of each input that was not stored, sorted (batch reports failures when it loads)."""
    return sorted((o.url, o.status, o.detail) for o in report.outcomes if o.status != "stored")


def failures(db: str) -> Counter:
    with sqlite3.connect(db) as conn:
        return Counter(conn.execute("SELECT url, reason, stage FROM failures"))


def test_an_input_refused_by_ingest_is_refused_by_batch_with_the_same_message(server, settings, tmp_path, cluster):  # noqa: F811
    server.routes["/a"] = Reply(body=article_html("Story A", story(1), date="2024-03-01").encode())
    page = server.url("/a")
    elsewhere = f"http://127.0.0.2:{server.port}/a"  # loopback, outside the one network allowed
    rows = [
        page,
        "ftp://example.org/a",
        "javascript:alert(1)",
        "http://reader@example.org/a",
        "http://example.org\\\\a",
        elsewhere,
        page + "?utm_source=newsletter",  # the same canonical URL as the first
        page,
    ]
    listing = tmp_path / "list.csv"
    # The last row's unclosed quote swallows the rest of the file, past the csv module's field limit.
    listing.write_text(
        "url,source\n" + "".join(f"{row},x\n" for row in rows) + 'https://example.org/b,"' + "y" * 140_000 + "\n",
        encoding="utf-8",
    )
    guarded = replace(settings, allow_private=False, allow_networks="127.0.0.1/32")
    by_ingest = replace(guarded, db=str(tmp_path / "ingest.sqlite"))
    ingested = ingest_urls(stream_url_file(listing), by_ingest)
    batched = run_batch(stream_url_file(listing), guarded, tmp_path / "work", scheduler=cluster.scheduler_address)

    expected = refusals(ingested)
    assert refusals(batched.report) == expected
    assert failures(guarded.db) == failures(by_ingest.db)
    by_url = {url: (status, detail) for url, status, detail in expected}
    assert by_url["ftp://example.org/a"] == ("failed", "unsupported scheme 'ftp:' (only http and https are fetched)")
    assert by_url["http://reader@example.org/a"][1].startswith("not a web address (a user name or password")
    assert by_url["http://example.org\\\\a"][1].startswith("not a web address (contains a backslash")
    assert "loopback" in by_url[elsewhere][1]
    assert by_url[page + "?utm_source=newsletter"] == ("repeated", "listed earlier in this input")
    assert by_url["list.csv line 10"][1].startswith("not a readable CSV row (field larger than field limit")
    assert len(expected) == 8 and ingested.count("stored") == batched.report.count("stored") == 1
