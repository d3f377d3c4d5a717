"""URL lists: control characters removed from every field, caps on lists given as text, and
lists on disk streamed (memory flat as the list grows, the first download before the list is read)."""

from __future__ import annotations

import gc
import sqlite3
import tracemalloc

import pytest

from pipeline.extract import extract_article
from pipeline.ingest import ingest_urls
from pipeline.inputs import (
    MAX_LIST_BYTES,
    MAX_LIST_URLS,
    BadRow,
    InputError,
    clean_field,
    read_url_file,
    read_url_text,
    stream_url_file,
)
from pipeline.models import UrlRequest
from pipeline.store import Store
from tests.httpserver import Reply, article_html
from tests.test_cli_ingest import PARAGRAPHS


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ('\x00=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'),
        ("\ufeff\u2060\u00adTengri\u200b ", "Tengri"),
        ("Line one\r\nline two\tend", "Line one line two end"),
        ("a\x1b[0m\x7f\x85b", "a[0m b"),
        ("Soft\u00adhyphen stays inside", "Soft\u00adhyphen stays inside"),
    ],
)
def test_clean_field_drops_controls_and_edge_invisibles(raw, clean):
    assert clean_field(raw) == clean


def test_a_url_list_cell_with_a_nul_before_a_formula_is_stored_without_it():
    listing = 'url,source\nhttps://a.example/1,"\x00=HYPERLINK(""http://evil.example"",""x"")"\n\x00https://a.example/2\x07,\n'
    requests, bad = read_url_text(listing, "list.csv")
    assert bad == []
    assert [(r.url, r.source) for r in requests] == [
        ("https://a.example/1", '=HYPERLINK("http://evil.example","x")'),
        ("https://a.example/2", None),
    ]


def test_page_titles_and_site_names_lose_their_control_characters():
    html = article_html("T", PARAGRAPHS).replace("<title>T</title>", "<title>\x1b\ufeff=HYPERLINK(1)\x07 x</title>")
    html = html.replace('content="Test Gazette"', 'content="\x1b\u2060Test\x0b Gazette"')
    article = extract_article(html.encode(), "https://example.kz/a")
    assert (article.title, article.source) == ("=HYPERLINK(1) x", "Test Gazette")
    user = extract_article(html.encode(), "https://example.kz/a", user_source="\x00@Kazinform\n")
    assert user.source == "@Kazinform"


def test_a_list_over_the_size_cap_is_refused_with_its_name_and_the_limit():
    content = b"https://a.example/x\n" * (MAX_LIST_BYTES // 20 + 1)
    with pytest.raises(InputError, match=rf"^big\.txt: {len(content):,} bytes is larger than the 5,000,000-byte"):
        read_url_text(content, "big.txt")


def test_a_list_with_more_urls_than_the_cap_is_refused_and_the_cap_itself_is_accepted():
    at_cap = "".join(f"https://a.example/{i}\n" for i in range(MAX_LIST_URLS))
    assert len(read_url_text(at_cap, "pasted.txt")[0]) == MAX_LIST_URLS
    with pytest.raises(InputError, match=r"^pasted\.txt: more than 10,000 URLs \(the limit for one list"):
        read_url_text(at_cap + "https://a.example/one-more\n", "pasted.txt")
    with pytest.raises(InputError, match=r"^l\.csv: more than 2 URLs"):
        read_url_text(
            "url,date\nhttps://a.example/1,\nhttps://a.example/2,bad\nhttps://a.example/3,\n", "l.csv", max_urls=2
        )


def test_a_streamed_file_refuses_bad_utf8_and_a_missing_url_column_before_any_row(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"https://a.example/1\n" * 100_000 + b"https://a.example/caf\xe9\n")
    with pytest.raises(InputError, match=r"^latin\.txt: not UTF-8 text \(invalid continuation byte at byte 2000021\)"):
        stream_url_file(latin)
    links = tmp_path / "links.csv"
    links.write_text("link,date\nhttps://a.example/x,2024-01-01\n")
    with pytest.raises(InputError, match=r"no 'url' column \(columns found: 'link', 'date'\)"):
        stream_url_file(links)
    with pytest.raises(InputError, match=r"missing\.txt: cannot read the file \(No such file or directory\)"):
        stream_url_file(tmp_path / "missing.txt")


def test_a_streamed_csv_gives_the_same_rows_as_the_text_reader(tmp_path):
    text = "\ufeffurl;date;source\nhttps://a.example/1;2024-01-02;Tengri\n\nhttps://a.example/2;2024-13-01;\n"
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    assert read_url_file(path) == read_url_text(text, "list.csv")
    assert list(stream_url_file(path)) == [
        UrlRequest("https://a.example/1", date=__import__("datetime").date(2024, 1, 2), source="Tengri", line=2),
        BadRow("https://a.example/2", "invalid date '2024-13-01' (use YYYY-MM-DD) in list.csv line 4"),
    ]


def _stored_list(tmp_path, settings, lines: int) -> tuple:
    """A list file of ``lines`` URLs that are all already stored, and the settings of that database."""
    path = tmp_path / f"list{lines}.txt"
    urls = [f"https://stored.example/a/{i}" for i in range(lines)]
    path.write_text("".join(u + "\n" for u in urls))
    Store.open(settings.db).close()  # creates the schema
    conn = sqlite3.connect(settings.db)
    conn.executemany(
        "INSERT INTO articles (url, canonical_url, title, text, source, fingerprint, fetched_at) "
        "VALUES (?, ?, 't', 'x', 's', '', '2024-01-01')",
        [(u, u) for u in urls],
    )
    conn.commit()
    conn.close()
    return path


def _peak_of_ingesting(path, settings) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        report = ingest_urls(stream_url_file(path), settings, keep=("failed", "duplicate"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.count("present") == report.total
    return peak


def test_memory_stays_flat_as_a_streamed_list_grows(tmp_path, settings):
    from dataclasses import replace

    small = _stored_list(tmp_path, replace(settings, db=str(tmp_path / "s.sqlite")), 3_000)
    large = _stored_list(tmp_path, replace(settings, db=str(tmp_path / "l.sqlite")), 30_000)
    peak_small = _peak_of_ingesting(small, replace(settings, db=str(tmp_path / "s.sqlite")))
    peak_large = _peak_of_ingesting(large, replace(settings, db=str(tmp_path / "l.sqlite")))
    # ten times the lines: 1.01x the peak (1.95 MB both); loading the list whole made it 10.5x
    assert peak_large < 1.5 * peak_small, (peak_small, peak_large)


def test_the_first_download_starts_before_the_list_has_been_read(server, settings):
    server.routes["/first"] = Reply(body=article_html("First", PARAGRAPHS).encode())
    consumed_at_first_hit: list[int] = []

    def lines():
        # the same URL 30,000 times: no download and no database write after the first
        for consumed in range(30_000):
            if server.hits["/first"] and not consumed_at_first_hit:
                consumed_at_first_hit.append(consumed)
            yield UrlRequest(server.url("/first"))

    report = ingest_urls(lines(), settings, keep=("stored",))
    assert (report.count("stored"), report.count("repeated")) == (1, 29_999)
    # read in chunks of 2,000: the request reached the server while the first chunks were screened
    assert consumed_at_first_hit and consumed_at_first_hit[0] <= 10_000, consumed_at_first_hit


def test_an_unreadable_row_in_a_streamed_list_fails_by_line_and_keeps_what_came_before(tmp_path, settings):
    from pipeline.ingest import ingest_urls
    from pipeline.inputs import stream_url_file

    listing = tmp_path / "list.csv"
    # an unclosed quote swallows the rest of the file into one cell, past the csv module's field limit
    listing.write_text('url,source\nftp://example.org/a,x\nhttps://example.org/b,"' + "y" * 140_000 + "\n")
    report = ingest_urls(stream_url_file(listing), settings)
    reasons = [(o.url, o.status, o.detail) for o in report.outcomes]
    assert reasons[0] == (
        "ftp://example.org/a",
        "failed",
        "unsupported scheme 'ftp:' (only http and https are fetched)",
    )
    assert reasons[1][:2] == ("list.csv line 3", "failed")
    assert reasons[1][2].startswith("not a readable CSV row (field larger than field limit")
    assert len(reasons) == 2


def test_the_repeat_memory_of_a_long_ingest_is_bounded_and_keeps_the_recent_urls():
    from pipeline.ingest import RecentKeys

    recent = RecentKeys(1_000)
    for i in range(200_000):  # a list of 200,000 new URLs
        recent.add(i.to_bytes(16, "big"))
    assert len(recent) == 1_000
    assert (199_999).to_bytes(16, "big") in recent  # a repeat close by is still caught
    assert (0).to_bytes(16, "big") not in recent  # an old one is found in the database instead
    recent.add((199_999).to_bytes(16, "big"))
    assert len(recent) == 1_000
