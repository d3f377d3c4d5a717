"""`python -m pipeline ingest / ingest-html` as a user runs them: real subprocesses, real files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.httpserver import Reply, article_html

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPHS = [
    "Kazakhstan and Russia signed an agreement on oil transit on Thursday, officials in Astana said, "
    "adding that the accord covers ten years of deliveries through the northern pipeline network.",
    "The Kremlin welcomed the deal, and President Tokayev said both sides would keep talking about "
    "tariffs at the next meeting of the Eurasian Economic Union in Moscow.",
]


def cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETER_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_ingest_prints_progress_and_a_summary_with_reasons(server, db_path):
    server.routes["/a"] = Reply(body=article_html("Deal", PARAGRAPHS, date="2022-03-04").encode())
    server.routes["/gone"] = Reply(410, b"gone")
    result = cli(
        "ingest", server.url("/a"), server.url("/gone"), "ftp://x.org/a", "--db", str(db_path), "--allow-private"
    )
    assert result.returncode == 0, result.stderr
    assert (
        "Summary: 1 stored, 0 already present, 0 duplicate story, 0 repeated in the input, 2 failed." in result.stdout
    )
    assert f"  {server.url('/gone')}: HTTP 410 Gone" in result.stdout
    assert "  ftp://x.org/a: unsupported scheme 'ftp:'" in result.stdout
    assert "3/3" in result.stderr  # the progress bar reached the end


def test_ingest_refuses_loopback_without_the_flag_and_exits_1(server, db_path):
    server.routes["/a"] = Reply(body=article_html("Deal", PARAGRAPHS).encode())
    result = cli("ingest", server.url("/a"), "--db", str(db_path), "--no-progress")
    assert result.returncode == 1
    assert "refused: 127.0.0.1 is a loopback address" in result.stdout
    assert server.hits["/a"] == 0


def test_allow_private_from_the_environment(server, db_path):
    server.routes["/a"] = Reply(body=article_html("Deal", PARAGRAPHS).encode())
    result = cli(
        "ingest", server.url("/a"), "--no-progress", env={"BAROMETER_ALLOW_PRIVATE": "1", "BAROMETER_DB": str(db_path)}
    )
    assert result.returncode == 0 and "1 stored" in result.stdout
    assert db_path.exists()


def test_ingest_from_csv_file(server, db_path, tmp_path):
    server.routes["/a"] = Reply(body=article_html("Deal", PARAGRAPHS).encode())
    listing = tmp_path / "urls.csv"
    listing.write_text(f"url,date,source\n{server.url('/a')},2022-03-01,Kazinform\n", encoding="utf-8")
    result = cli("ingest", "--from", str(listing), "--db", str(db_path), "--allow-private", "--no-progress")
    assert result.returncode == 0 and "1 stored" in result.stdout
    row = sqlite3.connect(db_path).execute("SELECT published, source FROM articles").fetchone()
    assert row == ("2022-03-01", "Kazinform")


def test_csv_without_url_column_exits_1_and_stores_nothing(db_path, tmp_path):
    listing = tmp_path / "urls.csv"
    listing.write_text("link\nhttp://a.example/x\n", encoding="utf-8")
    result = cli("ingest", "--from", str(listing), "--db", str(db_path))
    assert result.returncode == 1
    assert "urls.csv: no 'url' column (columns found: 'link')" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_url_file_and_no_arguments(db_path, tmp_path):
    result = cli("ingest", "--from", str(tmp_path / "nope.txt"), "--db", str(db_path))
    assert result.returncode == 1 and "nope.txt: cannot read the file (No such file or directory)" in result.stderr
    result = cli("ingest", "--db", str(db_path))
    assert result.returncode == 2 and "no URLs given" in result.stderr
    result = cli("frobnicate")
    assert result.returncode == 2


def test_ingest_html_files(tmp_path, db_path):
    page = tmp_path / "saved.html"
    page.write_text(article_html("Deal", PARAGRAPHS, canonical="https://gazette.example/deal"), encoding="utf-8")
    result = cli("ingest-html", str(page), str(tmp_path / "missing.html"), "--db", str(db_path), "--no-progress")
    assert result.returncode == 0
    assert "1 stored" in result.stdout and "missing.html: cannot read the file" in result.stdout
    assert sqlite3.connect(db_path).execute("SELECT url FROM articles").fetchone() == ("https://gazette.example/deal",)


def test_ingest_html_refuses_a_file_over_the_byte_limit_by_name(tmp_path, db_path):
    big = tmp_path / "big.html"
    big.write_text(article_html("Deal", PARAGRAPHS).ljust(5000), encoding="utf-8")
    env = {"BAROMETER_MAX_BYTES": "4000"}
    result = cli("ingest-html", str(big), "--db", str(db_path), "--no-progress", env=env)
    assert result.returncode == 1
    assert f"  {big}: 5,000 bytes is larger than the 4,000-byte limit" in result.stdout


def test_ingest_from_a_long_list_streams_it_and_counts_without_listing_stored_urls(server, tmp_path, db_path):
    server.routes["/a"] = Reply(body=article_html("Deal", PARAGRAPHS, date="2022-03-04").encode())
    listing = tmp_path / "list.txt"
    listing.write_text("".join(f"{server.url('/a')}?utm_source={i}\n" for i in range(5000)) + "not a url\n")
    result = cli("ingest", "--from", str(listing), "--db", str(db_path), "--allow-private")
    assert result.returncode == 0, result.stderr
    assert (
        "Summary: 1 stored, 0 already present, 0 duplicate story, 4999 repeated in the input, 1 failed."
        in result.stdout
    )
    assert "5001/5001" in result.stderr  # the bar's total grew with the list and ended exact
    assert sum(server.hits.values()) == 1  # one download for 5,000 tracking variants


def test_no_score_stores_unscored_articles_that_rescore_completes(server, db_path):
    server.routes["/a"] = Reply(body=article_html("Deal", PARAGRAPHS, date="2022-03-04").encode())
    result = cli("ingest", server.url("/a"), "--db", str(db_path), "--allow-private", "--no-score", "--no-progress")
    assert result.returncode == 0 and "1 stored" in result.stdout
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == 0  # no placeholder numbers
    result = cli("rescore", "--db", str(db_path))
    assert result.returncode == 0 and "1 articles scored" in result.stdout
    assert conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == 1


def test_bad_settings_and_unopenable_databases_get_a_message_not_a_traceback(tmp_path):
    result = cli("ingest", "http://a.example/", env={"BAROMETER_ALLOW_NETWORKS": "10.0.0.0/33"})
    assert result.returncode == 2 and "BAROMETER_ALLOW_NETWORKS: '10.0.0.0/33' is not a network" in result.stderr
    result = cli("ingest", "http://a.example/", "--concurrency", "0")
    assert result.returncode == 2 and "concurrency must be at least 1" in result.stderr
    (tmp_path / "adir.sqlite").mkdir()
    result = cli("export", "--db", str(tmp_path / "adir.sqlite"))
    assert result.returncode == 1 and "error: database" in result.stderr and "Traceback" not in result.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    result = cli("ingest", "--from", str(empty), "--db", str(tmp_path / "x.sqlite"))
    assert result.returncode == 1 and "no URLs in the file" in result.stderr
