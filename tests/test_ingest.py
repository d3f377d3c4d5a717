"""From URLs to stored, deduplicated articles: encodings, dates, sources, duplicates, idempotency."""

from __future__ import annotations

import sqlite3
import time
from datetime import date

import pytest

from pipeline.ingest import HtmlItem, ingest_html, ingest_urls, read_html_files, read_uploads
from pipeline.inputs import InputError, read_url_text
from pipeline.models import UrlRequest
from pipeline.store import Store
from tests.httpserver import Reply, article_html

RU_PARAGRAPHS = [
    "Казахстан и Россия подписали соглашение о транзите нефти, сообщили в Астане в четверг.",
    "Президент Токаев заявил, что стороны продолжат переговоры о тарифах на следующей встрече.",
    "В Кремле приветствовали договорённость и назвали её важным шагом для обеих экономик.",
]
PL_PARAGRAPHS = [
    "Kazachstan i Rosja podpisały w czwartek porozumienie o tranzycie ropy, poinformowano w Astanie.",
    "Prezydent Tokajew zapowiedział, że rozmowy o taryfach będą kontynuowane na kolejnym spotkaniu.",
    "Źródła w Moskwie określiły umowę jako ważny krok dla gospodarek obu państw.",
]
EN_PARAGRAPHS = [
    "Kazakhstan and Russia signed an agreement on oil transit on Thursday, officials in Astana said, "
    "adding that the accord covers ten years of deliveries through the northern pipeline network.",
    "The Kremlin welcomed the deal, and President Tokayev said both sides would keep talking about "
    "tariffs at the next meeting of the Eurasian Economic Union in Moscow.",
]


def stored(db_path):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM articles ORDER BY id")]
    conn.close()
    return rows


def page(title="Astana and Moscow sign oil transit deal", paragraphs=EN_PARAGRAPHS, **kw) -> bytes:
    return article_html(title, paragraphs, **kw).encode(kw.get("charset") or "utf-8")


@pytest.mark.parametrize(
    ("encoding", "declared_in_header", "paragraphs"),
    [
        ("cp1251", False, RU_PARAGRAPHS),  # windows-1251 with no charset anywhere
        ("koi8_r", False, RU_PARAGRAPHS),
        ("koi8_r", True, RU_PARAGRAPHS),
        ("iso-8859-2", True, PL_PARAGRAPHS),
        ("utf-8", False, RU_PARAGRAPHS),
    ],
)
def test_pages_in_legacy_encodings_decode_to_correct_text(
    server, settings, db_path, encoding, declared_in_header, paragraphs
):
    html = article_html(paragraphs[0][:30], paragraphs, charset=None, date="2022-06-17")
    content_type = f"text/html; charset={encoding}" if declared_in_header else "text/html"
    server.routes["/p"] = Reply(body=html.encode(encoding), headers={"Content-Type": content_type})
    report = ingest_urls([UrlRequest(server.url("/p"))], settings)
    assert report.outcomes[0].status == "stored", report.outcomes[0]
    text = stored(db_path)[0]["text"]
    assert paragraphs[0] in text and paragraphs[2] in text


def test_a_utf8_page_declared_latin1_is_stored_as_russian_with_the_reason_recorded(server, settings, db_path):
    # issue 10, item 9: a server default of iso-8859-1 over a UTF-8 Russian page
    html = article_html(RU_PARAGRAPHS[0][:30], RU_PARAGRAPHS, charset=None, date="2022-06-17")
    server.routes["/p"] = Reply(body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=iso-8859-1"})
    report = ingest_urls([UrlRequest(server.url("/p"))], settings, keep=("stored",))
    outcome = report.outcomes[0]
    row = stored(db_path)[0]
    assert (outcome.status, row["language"]) == ("stored", "ru")
    assert RU_PARAGRAPHS[0] in row["text"]
    note = "the header charset 'iso-8859-1' gives mojibake (the bytes are UTF-8); read as utf-8"
    assert (row["decode_note"], outcome.detail) == (note, note)


def test_a_page_whose_charset_is_right_has_no_decode_note(server, settings, db_path):
    html = article_html(RU_PARAGRAPHS[0][:30], RU_PARAGRAPHS, charset=None, date="2022-06-17")
    server.routes["/p"] = Reply(body=html.encode("cp1251"), headers={"Content-Type": "text/html; charset=windows-1251"})
    ingest_urls([UrlRequest(server.url("/p"))], settings)
    assert stored(db_path)[0]["decode_note"] == ""


def test_badly_broken_html_still_gives_its_text(server, settings, db_path):
    broken = (
        "<html><head><title>Broken page</title><body><div><p>"
        + EN_PARAGRAPHS[0]
        + "<p><b><i>"
        + EN_PARAGRAPHS[1]
        + "</div></span></td><table><tr><td>"
        + "<p>Officials added that talks would continue in Moscow. "
        + "</html></html><<<>>>"
    )
    server.routes["/broken"] = Reply(body=broken.encode())
    report = ingest_urls([UrlRequest(server.url("/broken"))], settings)
    assert report.outcomes[0].status == "stored"
    assert "signed an agreement on oil transit" in stored(db_path)[0]["text"]


def test_article_fields_come_from_the_page(server, settings, db_path):
    server.routes["/news/1"] = Reply(body=page(date="2022-03-04", site="Steppe Ledger"))
    ingest_urls([UrlRequest(server.url("/news/1"))], settings)
    (row,) = stored(db_path)
    assert row["title"] == "Astana and Moscow sign oil transit deal"
    assert row["published"] == "2022-03-04" and row["date_origin"] == "page"
    assert row["source"] == "Steppe Ledger"
    assert row["language"] == "en"
    assert row["fingerprint"] and row["story_id"] == row["id"]
    assert "Related" not in row["text"] and "Privacy" not in row["text"]


def test_article_without_a_date_is_stored_undated(server, settings, db_path):
    html = article_html("Undated", EN_PARAGRAPHS).replace("</footer>", " © 2024 Test Gazette</footer>")
    server.routes["/undated"] = Reply(body=html.encode())
    ingest_urls([UrlRequest(server.url("/undated"))], settings)
    (row,) = stored(db_path)
    assert row["published"] is None and row["date_origin"] is None  # not today, not 2024-01-01


def test_user_given_date_and_source_win_over_the_page(server, settings, db_path):
    server.routes["/p"] = Reply(body=page(date="2022-03-04", site="Steppe Ledger"))
    ingest_urls([UrlRequest(server.url("/p"), date=date(2022, 3, 1), source="Kazinform (via list)")], settings)
    (row,) = stored(db_path)
    assert row["published"] == "2022-03-01" and row["date_origin"] == "user"
    assert row["source"] == "Kazinform (via list)"


def test_same_url_twice_and_tracking_variants_count_once(server, settings, db_path):
    server.routes["/story"] = Reply(body=page())
    urls = [
        server.url("/story"),
        server.url("/story"),
        server.url("/story?utm_source=tg&fbclid=abc"),
        server.url("/story/"),
    ]
    report = ingest_urls([UrlRequest(u) for u in urls], settings)
    assert report.count("stored") == 1 and report.count("repeated") == 3
    assert server.hits["/story"] == 1
    assert len(stored(db_path)) == 1


def test_ingesting_the_same_list_twice_adds_nothing(server, settings, db_path):
    server.routes["/a"] = Reply(body=page())
    server.routes["/b"] = Reply(body=page("Another", RU_PARAGRAPHS, date="2022-06-17"))
    urls = [UrlRequest(server.url("/a")), UrlRequest(server.url("/b"))]
    first = ingest_urls(urls, settings)
    second = ingest_urls(urls, settings)
    assert first.count("stored") == 2
    assert second.count("present") == 2 and second.summary().startswith("0 stored, 2 already present")
    assert server.hits["/a"] == 1  # known URLs are not fetched again
    assert len(stored(db_path)) == 2


def test_page_canonical_link_is_honoured(server, settings, db_path):
    canonical = "https://steppe-ledger.example/2022/03/04/transit-deal"
    server.routes["/amp/1"] = Reply(body=page(canonical=canonical))
    server.routes["/print/1"] = Reply(body=page(canonical=canonical))
    report = ingest_urls([UrlRequest(server.url("/amp/1")), UrlRequest(server.url("/print/1"))], settings)
    assert sorted(o.status for o in report.outcomes) == ["present", "stored"]
    assert stored(db_path)[0]["canonical_url"] == canonical


def test_home_page_canonical_is_ignored(server, settings, db_path):
    server.routes["/news/a"] = Reply(body=page(canonical="https://gazette.example/"))
    server.routes["/news/b"] = Reply(body=page("Other", RU_PARAGRAPHS, canonical="https://gazette.example/"))
    report = ingest_urls([UrlRequest(server.url("/news/a")), UrlRequest(server.url("/news/b"))], settings)
    assert report.count("stored") == 2


def test_syndicated_copy_on_another_site_is_linked_to_the_first_story(server, settings, db_path):
    wire = [*EN_PARAGRAPHS, "Reporting by the wire desk; editing by the Almaty bureau, which added detail."]
    server.routes["/wire"] = Reply(body=page("Kazakhstan, Russia sign deal", wire, date="2022-03-04", site="Wire"))
    copy = [*wire[:2], "The agreement was announced in a joint statement.", wire[2]]
    server.routes["/copy"] = Reply(
        body=page("Oil transit accord signed", copy, date="2022-03-05", site="Reprint Daily")
    )
    server.routes["/other"] = Reply(body=page("Different story", RU_PARAGRAPHS, date="2022-03-05"))
    report = ingest_urls([UrlRequest(server.url(p)) for p in ("/wire", "/copy", "/other")], settings)
    outcomes = {o.url: o for o in report.outcomes}
    # downloads run concurrently, so either copy may be stored first; the other links to it
    assert sorted(outcomes[server.url(p)].status for p in ("/wire", "/copy")) == ["duplicate", "stored"]
    assert outcomes[server.url("/other")].status == "stored"
    rows = {r["url"]: r for r in stored(db_path)}
    assert rows[server.url("/copy")]["story_id"] == rows[server.url("/wire")]["story_id"]
    assert rows[server.url("/other")]["story_id"] == rows[server.url("/other")]["id"]


def test_url_file_with_blanks_comments_spaces_and_duplicates(server, settings, db_path):
    server.routes["/a"] = Reply(body=page())
    text = f"# my list\n\n   {server.url('/a')}   \n\t\n{server.url('/a')}\n# {server.url('/b')}\nnot a url\n"
    requests, bad = read_url_text(text, "list.txt")
    assert [r.url for r in requests] == [server.url("/a"), server.url("/a"), "not a url"]
    report = ingest_urls(requests, settings, bad_rows=bad)
    assert report.summary() == "1 stored, 0 already present, 0 duplicate story, 1 repeated in the input, 1 failed"


def test_csv_with_malformed_date_fails_that_row_only(server, settings, db_path):
    server.routes["/a"] = Reply(body=page())
    server.routes["/b"] = Reply(body=page("Other", RU_PARAGRAPHS))
    text = f"url,date,source\n{server.url('/a')},2022-13-45,Kazinform\n{server.url('/b')},2022-06-17,Tengri\n"
    requests, bad = read_url_text(text, "list.csv")
    assert bad[0].reason == "invalid date '2022-13-45' (use YYYY-MM-DD) in list.csv line 2"
    report = ingest_urls(requests, settings, bad_rows=bad)
    outcomes = {o.url: o for o in report.outcomes}
    assert outcomes[server.url("/a")].status == "failed"
    assert outcomes[server.url("/b")].status == "stored"
    assert stored(db_path)[0]["published"] == "2022-06-17" and stored(db_path)[0]["source"] == "Tengri"
    assert server.hits["/a"] == 0


def test_csv_without_url_column_is_refused_as_a_whole():
    with pytest.raises(InputError, match=r"list\.csv: no 'url' column \(columns found: 'link', 'date'\)"):
        read_url_text("link,date\nhttp://a.example/x,2022-01-01\n", "list.csv")


def test_saved_html_files_use_their_canonical_link(tmp_path, settings, db_path):
    canonical = "https://kurier.example/2024/11/27/wizyta"
    (tmp_path / "saved.html").write_bytes(page("Wizyta", PL_PARAGRAPHS, canonical=canonical, date="2024-11-27"))
    (tmp_path / "nolink.html").write_bytes(page("Bez linku", RU_PARAGRAPHS, date="2024-11-28"))
    (tmp_path / "empty.html").write_bytes(b"<html><body><nav>menu</nav></body></html>")
    items, failed = read_html_files(
        [
            tmp_path / "saved.html",
            tmp_path / "nolink.html",
            tmp_path / "empty.html",
            tmp_path / "missing.html",
        ]
    )
    report = ingest_html(items, settings, failed=failed)
    assert report.count("stored") == 2 and report.count("failed") == 2
    reasons = sorted(o.detail for o in report.failures)
    assert reasons[0].startswith("cannot read the file") and reasons[1] == "no article text found"
    urls = {r["url"] for r in stored(db_path)}
    assert canonical in urls and (tmp_path / "nolink.html").resolve().as_uri() in urls
    again = ingest_html(items, settings)
    assert again.count("present") == 2


def test_uploaded_html_bytes_are_ingested_like_files(settings, db_path):
    first = HtmlItem("index.html", page("Upload", EN_PARAGRAPHS, date="2023-01-02"))
    other = HtmlItem("index.html", page("Another upload", RU_PARAGRAPHS, date="2023-01-03"))
    report = ingest_html([first, other], settings)
    assert [o.status for o in report.outcomes] == ["stored", "stored"]  # same name, different pages
    urls = [r["url"] for r in stored(db_path)]
    assert all(u.startswith("file:///uploads/") and u.endswith("/index.html") for u in urls)
    assert ingest_html([first], settings).outcomes[0].status == "present"


@pytest.mark.parametrize("name", ["/a.html", "/tmp/a.html", "C:\\Users\\me\\a.html", "../../a.html"])
def test_uploads_are_keyed_by_content_whatever_path_the_client_sends(settings, db_path, name):
    first = HtmlItem(name, page("Upload", EN_PARAGRAPHS, date="2023-01-02"))
    other = HtmlItem(name, page("Another upload", RU_PARAGRAPHS, date="2023-01-03"))
    report = ingest_html([first, other], settings)
    assert [o.status for o in report.outcomes] == ["stored", "stored"]  # two pages, not one "present"
    urls = [r["url"] for r in stored(db_path)]
    assert all(u.startswith("file:///uploads/") and u.endswith("/a.html") for u in urls) and len(set(urls)) == 2


def test_an_upload_over_the_size_cap_fails_with_its_name_and_the_limit(settings, db_path):
    items, failed = read_uploads([("big.html", b"x" * 1001), ("ok.html", page())], max_bytes=1000)
    assert [(o.url, o.detail) for o in failed] == [("big.html", "1,001 bytes is larger than the 1,000-byte limit")]
    assert [i.name for i in items] == ["ok.html"] and not items[0].from_disk
    report = ingest_html(items, settings, failed=failed)
    assert (report.count("stored"), report.count("failed")) == (1, 1)


def test_a_saved_file_over_the_cap_is_refused_before_it_is_read(tmp_path, settings, db_path):
    import tracemalloc

    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200_000_000)
    at_cap = tmp_path / "at-cap.html"
    at_cap.write_bytes(page().ljust(settings.max_bytes, b" "))
    tracemalloc.start()
    try:
        items, failed = read_html_files([huge, at_cap], max_bytes=settings.max_bytes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(o.url, o.detail) for o in failed] == [
        (str(huge), "200,000,000 bytes is larger than the 10,000,000-byte limit")
    ]
    assert [i.name for i in items] == [str(at_cap.resolve())]
    assert peak < 3 * settings.max_bytes  # the file at the cap was read, the huge one was not
    report = ingest_html(items, settings, failed=failed)
    assert (report.count("stored"), report.count("failed")) == (1, 1)
    assert sqlite3.connect(db_path).execute("SELECT reason FROM failures").fetchone()[0].startswith("200,000,000 bytes")


def test_large_batch_uses_worker_processes_and_stores_everything(server, settings, db_path):
    from dataclasses import replace

    for i in range(20):
        text = [f"Item {i}: " + p for p in EN_PARAGRAPHS] + [f"Unique closing line number {i} " * 5]
        server.routes[f"/n{i}"] = Reply(body=page(f"Story {i}", text, date=f"2022-03-{i + 1:02d}"))
    settings = replace(settings, process_threshold=10, workers=2)
    report = ingest_urls([UrlRequest(server.url(f"/n{i}")) for i in range(20)], settings)
    assert report.count("stored") + report.count("duplicate") == 20
    assert len(stored(db_path)) == 20


def test_a_storage_error_fails_that_input_with_a_reason_and_the_batch_goes_on(server, settings, db_path):
    """Stands in for a full disk: a trigger makes SQLite refuse one article's insert."""
    server.routes["/bad"] = Reply(body=page("Refused by the database", EN_PARAGRAPHS))
    server.routes["/good"] = Reply(body=page("Fine", RU_PARAGRAPHS))
    Store.open(db_path).close()  # creates the schema
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.title LIKE 'Refused%' "
        "BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END"
    )
    report = ingest_urls([UrlRequest(server.url("/bad")), UrlRequest(server.url("/good"))], settings)
    outcomes = {o.url: o for o in report.outcomes}
    assert outcomes[server.url("/bad")].detail == "could not store: disk full (simulated)"
    assert outcomes[server.url("/good")].status == "stored"
    assert conn.execute("SELECT stage FROM failures").fetchall()[0][0] == "store"


def test_a_worker_process_that_dies_does_not_fail_the_rest_of_the_batch(server, settings, db_path):
    """The out-of-memory killer may end a worker at any time: the batch goes on with a fresh pool."""
    import threading
    from dataclasses import replace

    import psutil

    for i in range(16):
        text = [f"Dispatch {i}: " + p for p in EN_PARAGRAPHS] + [f"Closing line of dispatch {i} " * 6]
        server.routes[f"/n{i}"] = Reply(body=page(f"Dispatch {i}", text), delay=0.2)
    killed = []

    def kill_a_worker() -> None:
        me = psutil.Process()
        for _ in range(200):
            # workers are the grandchildren (forked by the fork server) or children (plain fork)
            workers = [
                p
                for p in me.children(recursive=True)
                if p.ppid() != me.pid or "forkserver" not in " ".join(p.cmdline())
            ]
            with Store.open(db_path) as db:
                stored_so_far = db.article_count()
            if stored_so_far >= 2 and workers:
                workers[-1].kill()
                killed.append(workers[-1].pid)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_a_worker)
    killer.start()
    settings = replace(settings, process_threshold=5, workers=2, concurrency=2)
    report = ingest_urls([UrlRequest(server.url(f"/n{i}")) for i in range(16)], settings)
    killer.join()
    assert killed, "the test must kill a worker mid-batch"
    assert report.count("stored") + report.count("duplicate") == 16, [
        o for o in report.outcomes if o.status == "failed"
    ]


def test_a_date_in_the_fetched_url_dates_a_page_without_metadata(server, settings, db_path):
    html = article_html("No date in the page", EN_PARAGRAPHS)  # no meta date, no canonical link
    server.routes["/2024/03/05/story"] = Reply(body=html.encode())
    ingest_urls([UrlRequest(server.url("/2024/03/05/story"))], settings)
    assert stored(db_path)[0]["published"] == "2024-03-05"
