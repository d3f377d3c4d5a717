"""`export`, `score`, `rescore` and `demo` as users run them, on real database files."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pipeline.demo import DEMO_LABEL, demo_pages, load_events
from pipeline.models import Score
from pipeline.scoring.score import SCORER_VERSION
from pipeline.store import Store
from tests.httpserver import article_html
from tests.test_cli_ingest import PARAGRAPHS, ROOT, cli

CONTRACT = "period_start,articles,mean_tension,ci_low,ci_high,mean_sentiment,share_tension"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    result = cli("demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "copy.sqlite"
    shutil.copy(demo_db, path)
    return path


def test_export_of_an_empty_database_is_the_header_alone(db_path):
    Store.open(db_path).close()
    result = cli("export", "--db", str(db_path))
    assert result.returncode == 0
    assert result.stdout == CONTRACT + "\n"


@pytest.mark.parametrize("command", [("export",), ("export", "--articles"), ("rescore",), ("demo", "--remove")])
def test_commands_that_only_use_stored_articles_refuse_a_missing_database(tmp_path, command):
    typo = tmp_path / "dta" / "barometer.sqlite"
    result = cli(*command, "--db", str(typo))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"error: {typo}: no such database (check --db / BAROMETER_DB)\n"
    assert list(tmp_path.iterdir()) == []


def test_commands_that_store_create_the_file_and_say_so_but_never_its_directory(tmp_path):
    page = tmp_path / "mine.html"
    page.write_text(article_html("Mine", PARAGRAPHS, canonical="https://mine.example/a"), encoding="utf-8")
    new = tmp_path / "new.sqlite"
    result = cli("ingest-html", str(page), "--db", str(new), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith(f"Created a new database at {new}.\n")
    assert sqlite3.connect(new).execute("SELECT COUNT(*) FROM articles").fetchone() == (1,)
    again = cli("ingest-html", str(page), "--db", str(new), "--no-progress")
    assert "Created" not in again.stderr

    missing = tmp_path / "dtaa" / "barometer.sqlite"
    for command in (("demo",), ("ingest-html", str(page), "--no-progress"), ("ingest", "https://a.example/x")):
        result = cli(*command, "--db", str(missing))
        assert result.returncode == 1, command
        assert result.stderr == (
            f"error: cannot create the database {missing}: the directory {missing.parent} does not exist "
            "(create it first, or check --db / BAROMETER_DB)\n"
        )
        assert not missing.parent.exists()


@pytest.fixture
def read_only_copy(demo_db, tmp_path):
    """The demo database in a directory that the CLI cannot write: file and directory without write
    bits, and, when the tests run as root (who ignores those), on a read-only bind mount."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "ro.sqlite"
    shutil.copy(demo_db, path)
    path.chmod(0o444)
    folder.chmod(0o555)
    yield path
    folder.chmod(0o755)


def _as_reader(folder: Path, *args: str, python: tuple[str, ...] = ("-m", "pipeline")) -> subprocess.CompletedProcess:
    """The CLI (or ``python -c CODE``) run where ``folder`` cannot be written."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETER_")}
    command = [sys.executable, *python, *args]
    if os.geteuid() == 0:
        mount = f'mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && exec "$@"'
        command = ["unshare", "--mount", "sh", "-c", mount, "sh", *command]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def test_export_reads_a_database_in_a_read_only_directory(read_only_copy, demo_db):
    before = sorted(p.name for p in read_only_copy.parent.iterdir())
    result = _as_reader(read_only_copy.parent, "export", "--db", str(read_only_copy), "--freq", "month")
    assert result.returncode == 0, result.stderr
    assert result.stdout == cli("export", "--db", str(demo_db), "--freq", "month").stdout
    assert sorted(p.name for p in read_only_copy.parent.iterdir()) == before  # no -wal / -shm left behind
    result = _as_reader(
        read_only_copy.parent, "ingest-html", str(demo_pages()[0]), "--db", str(read_only_copy), "--no-progress"
    )
    assert result.returncode == 1
    assert result.stderr == f"error: {read_only_copy}: the database file is read-only, so nothing can be stored in it\n"


def test_the_dashboard_reads_a_database_in_a_read_only_directory(read_only_copy, demo_db):
    code = "import sys; from pipeline import views; print(views.read_articles(sys.argv[1]).height)"
    result = _as_reader(read_only_copy.parent, str(read_only_copy), python=("-c", code))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{len(demo_pages())}\n"


def test_demo_loads_every_page_once_and_says_what_it_is(demo_db):
    conn = sqlite3.connect(demo_db)
    n_pages = len(demo_pages())
    assert conn.execute("SELECT COUNT(*), SUM(is_demo) FROM articles").fetchone() == (n_pages, n_pages)
    assert (
        conn.execute("SELECT COUNT(*) FROM scores WHERE scorer_version = ?", (SCORER_VERSION,)).fetchone()[0] == n_pages
    )
    again = cli("demo", "--db", str(demo_db))
    assert f"0 stored, {n_pages} already present" in again.stdout
    assert DEMO_LABEL in again.stdout


def test_demo_events_are_dated_and_labelled():
    events = load_events()
    assert len(events) >= 20
    assert all(e.label and len(e.label) <= 40 for e in events)
    assert events == sorted(events, key=lambda e: e.date)


def test_export_weekly_csv_has_the_contract_columns_and_gaps(demo_db, tmp_path):
    out = tmp_path / "weekly.csv"
    result = cli("export", "--db", str(demo_db), "--out", str(out))
    assert result.returncode == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert ",".join(rows[0].keys()) == CONTRACT
    starts = [r["period_start"] for r in rows]
    assert starts == sorted(starts)
    assert all(pl.Series([s]).str.to_date().dt.weekday()[0] == 1 for s in starts)  # ISO weeks start Monday
    empty = [r for r in rows if r["articles"] == "0"]
    assert empty and all(r["mean_tension"] == "" for r in empty)
    assert sum(int(r["articles"]) for r in rows) > 30


def test_export_by_language_puts_the_group_second(demo_db):
    result = cli("export", "--db", str(demo_db), "--freq", "month", "--by", "language")
    header, *rows = result.stdout.splitlines()
    assert header == "period_start,language," + CONTRACT.split(",", 1)[1]
    assert {r[1] for r in csv.reader(rows)} >= {"en", "ru", "pl", "kk"}


def test_export_article_table_as_parquet_and_csv(demo_db, tmp_path):
    assert cli("export", "--db", str(demo_db), "--articles", "--out", str(tmp_path / "a.parquet")).returncode == 0
    table = pl.read_parquet(tmp_path / "a.parquet")
    assert table.height == len(demo_pages())
    assert {"published", "title", "tension", "counted"} <= set(table.columns)
    result = cli("export", "--db", str(demo_db), "--articles")
    assert result.stdout.splitlines()[0].startswith("id,")


def test_usage_errors_exit_2(db_path):
    assert cli("export", "--db", str(db_path), "--freq", "year").returncode == 2


def test_demo_remove_keeps_the_users_own_articles(demo_copy, tmp_path):
    page = tmp_path / "mine.html"
    page.write_text(article_html("Mine", PARAGRAPHS, canonical="https://mine.example/a"), encoding="utf-8")
    assert cli("ingest-html", str(page), "--db", str(demo_copy), "--no-progress").returncode == 0
    result = cli("demo", "--remove", "--db", str(demo_copy))
    assert result.returncode == 0 and f"Removed {len(demo_pages())} demo articles" in result.stdout
    conn = sqlite3.connect(demo_copy)
    assert conn.execute("SELECT url FROM articles").fetchall() == [("https://mine.example/a",)]
    assert conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == 1  # demo scores went with them


def test_score_prints_json_with_evidence_for_html_and_text(tmp_path):
    page = demo_pages()[0]
    result = cli("score", str(page))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert -1 <= data["tension"] <= 1 and 0 <= data["relevance"] <= 1 and data["scorer_version"] == SCORER_VERSION
    assert data["evidence"] and {"sentence", "weight"} <= set(data["evidence"][0])
    text = tmp_path / "note.txt"
    text.write_text("Kazakhstan refused to recognise the breakaway regions, angering Moscow.", encoding="utf-8")
    data = json.loads(cli("score", str(text)).stdout)
    assert data["language"] == "en" and data["tension"] > 0


def test_score_of_a_missing_or_empty_file_exits_1(tmp_path):
    result = cli("score", str(tmp_path / "nope.txt"))
    assert result.returncode == 1 and "No such file" in result.stderr
    (tmp_path / "empty.txt").write_bytes(b"")
    result = cli("score", str(tmp_path / "empty.txt"))
    assert result.returncode == 1 and "the file is empty" in result.stderr


def test_rescore_writes_the_new_version_then_retires_the_old(demo_copy):
    db = Store.open(demo_copy)
    n = db.article_count()
    with sqlite3.connect(demo_copy) as raw:
        raw.execute("UPDATE scores SET scorer_version = 'stance-0.9', scored_at = '2020-01-01T00:00:00+00:00'")
    result = cli("rescore", "--db", str(demo_copy))
    assert result.returncode == 0
    assert f"{n} articles scored, 0 already had this version's score, {n} older scores retired" in result.stdout
    assert db.score_versions() == {SCORER_VERSION: n}


def test_retiring_spares_articles_that_have_no_new_score_yet(tmp_path):
    db = Store.open(tmp_path / "r.sqlite")
    from pipeline.models import Article

    ids = []
    for i in range(2):
        art = Article(
            url=f"https://a.example/{i}",
            canonical_url=f"https://a.example/{i}",
            title="t",
            text=f"x{i}",
            published=None,
            source="a",
            language="en",
            fingerprint="",
        )
        ids.append(db.insert_article(art, Score(0.1, 0, 0.5, "en", version="old")).id)
    db.write_scores([(ids[0], Score(0.2, 0, 0.5, "en", version="new"))])  # an interrupted rescore
    assert db.retire_scores("new") == 1
    assert db.current_score(ids[1]).version == "old"  # not destroyed: no new score yet
    assert db.current_score(ids[0]).version == "new"


def test_a_missing_pair_file_stops_scoring_commands_with_a_message(tmp_path, db_path):
    page = demo_pages()[0]
    result = cli("score", str(page), env={"BAROMETER_PAIR": "am-xx"})
    assert result.returncode == 2 and "pair file" in result.stderr and "am-xx.toml not found" in result.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("[sides.a]\nen = [", encoding="utf-8")
    result = cli("ingest", "https://a.example/x", "--db", str(db_path), env={"BAROMETER_PAIR": str(broken)})
    assert result.returncode == 2 and "cannot be read" in result.stderr
    assert not db_path.exists()  # nothing was stored with neutral placeholder scores


def test_export_help_describes_every_option():
    result = cli("export", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert (
        "--freq {day,week,month} length of one period: day, week (ISO, starting Monday) or month (default: week)"
        in text
    )
    assert (
        "--by {source,language} one series per source or per language, the group in the second column "
        "(default: one series)" in text
    )


def test_every_option_of_every_command_has_a_description():
    from pipeline.cli import _parser

    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(commands) == {
        "ingest",
        "ingest-html",
        "export",
        "score",
        "rescore",
        "demo",
        "watch",
        "migrate",
        "correct",
        "batch",
    }
    for name, command in commands.items():
        for action in command._actions:
            assert action.help and action.help != argparse.SUPPRESS, (name, action.option_strings or action.dest)
