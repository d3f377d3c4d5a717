"""The ingest steps on their own: check inputs, drop known URLs, process a page, fetch and store."""

from __future__ import annotations

import pickle
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date

from pipeline.ingest import (
    Candidate,
    Extractor,
    IngestReport,
    RecentKeys,
    check_inputs,
    drop_known,
    fetch_and_store,
    finisher,
    open_store,
    process_page,
    url_digest,
)
from pipeline.inputs import BadRow
from pipeline.models import Article, FetchFailure, Page, UrlRequest
from pipeline.scoring.score import score_article
from pipeline.store import Store
from tests.httpserver import Reply, article_html
from tests.test_cli_ingest import ROOT
from tests.test_ingest import EN_PARAGRAPHS, RU_PARAGRAPHS


def ru_page(url: str = "https://news.example/ru/1", final_url: str = "https://news.example/ru/1?amp=0") -> Page:
    html = article_html("Транзит нефти", RU_PARAGRAPHS, charset=None, date="2022-06-17", site="Степь")
    return Page(url, final_url, 200, "text/html", html.encode("koi8_r"), charset="koi8_r")


def test_check_inputs_settles_bad_rows_non_web_strings_and_repeats_in_input_order():
    sent = RecentKeys(10)
    sent.add(url_digest("https://sent.example/earlier"))
    batch = [
        UrlRequest(" https://a.example/x?utm_source=tg \x00"),
        BadRow("list.csv line 3", "no url in this row"),
        UrlRequest("ftp://a.example/file"),
        UrlRequest("http://www.A.example/x/"),  # the first URL again, spelt differently
        UrlRequest("https://sent.example/earlier"),  # sent for download by an earlier chunk
        UrlRequest("https://b.example/y", date=date(2022, 3, 1), source="Wire", line=7),
    ]
    candidates, settled = check_inputs(batch, sent)
    assert candidates == [
        Candidate(UrlRequest("https://a.example/x?utm_source=tg"), "https://a.example/x"),
        Candidate(UrlRequest("https://b.example/y", date(2022, 3, 1), "Wire", 7), "https://b.example/y"),
    ]
    assert [(o.url, o.status, o.detail) for o in settled] == [
        ("list.csv line 3", "failed", "no url in this row"),
        ("ftp://a.example/file", "failed", "unsupported scheme 'ftp:' (only http and https are fetched)"),
        ("http://www.A.example/x/", "repeated", "listed earlier in this input"),
        ("https://sent.example/earlier", "repeated", "listed earlier in this input"),
    ]
    assert len(sent) == 1  # checking does not mark anything as sent


def test_drop_known_finds_stored_urls_by_canonical_form_in_a_real_database(db_path):
    conn = Store.open(db_path)
    article = Article(
        url="https://news.example/a?utm_source=tg",
        canonical_url="https://news.example/a",
        title="Stored",
        text=" ".join(EN_PARAGRAPHS),
        published=date(2022, 3, 4),
        source="Gazette",
        language="en",
        fingerprint="0" * 16,
    )
    stored_id = conn.insert_article(article).id
    batch = [
        Candidate.of(UrlRequest("http://www.news.example/a/")),  # the stored page, spelt differently
        Candidate.of(UrlRequest("https://news.example/new")),
        Candidate.of(UrlRequest("https://news.example/a?utm_source=tg")),  # exactly as stored
    ]
    fresh, present = drop_known(conn, batch)
    conn.close()
    assert fresh == [batch[1]]
    assert [(o.url, o.status, o.article_id) for o in present] == [
        ("http://www.news.example/a/", "present", stored_id),
        ("https://news.example/a?utm_source=tg", "present", stored_id),
    ]


def test_drop_known_on_an_empty_database_keeps_the_whole_batch(db_path):
    conn = Store.open(db_path)
    batch = [Candidate.of(UrlRequest(f"https://news.example/{i}")) for i in range(3)]
    assert drop_known(conn, batch) == (batch, [])
    conn.close()


def test_process_page_takes_a_page_and_the_users_hints_whole():
    page = ru_page()
    request = UrlRequest(page.url, date=date(2022, 6, 1), source="Kazinform (via list)")
    article, (score,) = process_page(page, request, is_demo=True, score=True)
    assert isinstance(article, Article)
    assert (article.url, article.final_url) == (page.url, page.final_url)
    assert (article.published, article.date_origin, article.source) == (
        date(2022, 6, 1),
        "user",
        "Kazinform (via list)",
    )
    assert article.is_demo and article.language == "ru"
    assert RU_PARAGRAPHS[1] in article.text  # decoded with the page's charset
    assert score == score_article(article.text, title=article.title, language="ru")
    assert score.relevance > 0

    plain, _ = process_page(page, UrlRequest(page.url), score=False)
    assert isinstance(plain, Article)
    assert (plain.published, plain.date_origin, plain.source, plain.is_demo) == (
        date(2022, 6, 17),
        "page",
        "Степь",
        False,
    )
    assert process_page(page, UrlRequest(page.url), score=False)[1] == ()


def test_process_page_reports_a_page_without_article_text_as_a_failure():
    empty = Page("https://news.example/empty", "https://news.example/empty", 200, "text/html", b"<html></html>")
    result, scores = process_page(empty, UrlRequest(empty.url))
    assert isinstance(result, FetchFailure) and result.stage == "extract"
    assert result.url == "https://news.example/empty" and scores == ()


def test_a_page_crosses_to_a_worker_process_whole(settings):
    page, request = ru_page(), UrlRequest("https://news.example/ru/1", source="Wire")
    assert pickle.loads(pickle.dumps((page, request))) == (page, request)
    extractor = Extractor(replace(settings, process_threshold=1, workers=1), 1)
    try:
        assert extractor.pool is not None
        assert extractor.run(page, request) == process_page(page, request)
    finally:
        extractor.close()


def test_fetch_and_store_downloads_extracts_and_stores_each_request(server, settings, db_path):
    server.routes["/a"] = Reply(body=article_html("Astana and Moscow", EN_PARAGRAPHS, date="2022-03-04").encode())
    requests = [UrlRequest(server.url("/a"), source="Wire"), UrlRequest(server.url("/gone"))]
    report = IngestReport()
    conn = open_store(settings)
    extractor = Extractor(settings, len(requests))
    try:
        fetch_and_store(requests, conn, settings, extractor, finisher(report, len(requests), None))
    finally:
        extractor.close()
        conn.close()
    outcomes = sorted((o.url, o.status, o.detail) for o in report.outcomes)
    assert outcomes == [(server.url("/a"), "stored", ""), (server.url("/gone"), "failed", "HTTP 404 Not Found")]
    conn = sqlite3.connect(db_path)
    assert [tuple(row) for row in conn.execute("SELECT url, source, published FROM articles")] == [
        (server.url("/a"), "Wire", "2022-03-04")
    ]
    assert [tuple(row) for row in conn.execute("SELECT url, reason FROM failures")] == [
        (server.url("/gone"), "HTTP 404 Not Found")
    ]
    conn.close()


def test_the_report_types_load_without_the_extractor_and_every_public_name_resolves():
    # views and jobs need only the report types; trafilatura and the extraction step are heavy to import
    code = (
        "import sys\n"
        "from pipeline.ingest import STATUS_LABELS, IngestReport, Outcome, Progress\n"
        "print(sorted(m for m in ('trafilatura', 'pipeline.ingest.extractor') if m in sys.modules))\n"
        "import pipeline.ingest as ingest\n"
        "print(all(getattr(ingest, name) is not None for name in ingest.__all__), sorted(dir(ingest)) == dir(ingest))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["[]", "True True"]
