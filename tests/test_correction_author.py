"""Who made a correction, and when: the store's ``author`` column (migration 8) on both backends, the
CLI's ``correct`` command (the OS user or ``--author``), and the article view's line."""

from __future__ import annotations

import getpass
import re

import pytest

from pipeline import views
from pipeline.cli import main
from pipeline.store import Store
from pipeline.store.sqlite_schema import AUTHOR_MIGRATION
from tests.postgres import query
from tests.test_store import article, old_database, schema_version


def test_a_correction_keeps_its_author_and_time_and_a_new_one_replaces_both(store_db):
    with Store.open(store_db) as db:
        saved = db.insert_article(article(1))
        db.set_override(saved.id, stance="tension", author="bo@example.org")
        first = db.get_article(saved.id).override
        db.set_override(saved.id, not_relevant=True, author="ana@example.org")
        second = db.get_article(saved.id).override
    assert (first.stance, first.author) == ("tension", "bo@example.org")
    assert (second.not_relevant, second.author) == (True, "ana@example.org")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", second.created_at)
    assert query(store_db, "SELECT author FROM overrides") == [("ana@example.org",)]


def test_corrections_made_before_migration_8_keep_author_empty(store_db):
    old_database(store_db, AUTHOR_MIGRATION - 1)
    query(store_db, "INSERT INTO articles (url, canonical_url, title, fetched_at) VALUES ('u', 'u', 'old', 'now')")
    query(
        store_db,
        "INSERT INTO overrides (article_id, stance, created_at) VALUES (1, 'cooperation', '2025-03-04T10:00:00+00:00')",
    )
    with Store.open(store_db) as db:
        override = db.get_article(1).override
    assert schema_version(store_db) >= AUTHOR_MIGRATION  # migrated past 8 (9 added the pair)
    assert (override.stance, override.author, override.created_at[:10]) == ("cooperation", "", "2025-03-04")
    assert views.correction_made(db_article(store_db, 1)) == "Corrected on 2025-03-04"


def db_article(db: str, article_id: int):
    with Store.open(db) as opened:
        return opened.get_article(article_id)


def test_the_article_view_says_who_corrected_and_on_which_day(db_path):
    with Store.open(db_path) as db:
        saved = db.insert_article(article(1))
    assert views.correction_made(db_article(db_path, saved.id)) is None
    views.save_correction(db_path, saved.id, "tension", author="bo@example.org")
    made = views.correction_made(db_article(db_path, saved.id))
    assert re.fullmatch(r"Corrected by bo@example\.org on \d{4}-\d\d-\d\d", made), made


def test_the_cli_records_the_os_user_or_the_given_author(db_path, capsys):
    with Store.open(db_path) as db:
        saved = db.insert_article(article(1))
    assert main(["correct", str(saved.id), "tension", "--db", str(db_path)]) == 0
    assert db_article(db_path, saved.id).override.author == getpass.getuser()
    assert main(["correct", str(saved.id), "not-relevant", "--author", "ana@example.org", "--db", str(db_path)]) == 0
    said = capsys.readouterr().out.splitlines()[-1]
    assert said == f"Article {saved.id}: corrected to not-relevant by ana@example.org."
    override = db_article(db_path, saved.id).override
    assert (override.not_relevant, override.author) == (True, "ana@example.org")
    assert main(["correct", str(saved.id), "none", "--db", str(db_path)]) == 0
    assert db_article(db_path, saved.id).override is None


def test_the_cli_names_a_missing_article(db_path, capsys):
    with Store.open(db_path) as db:
        db.insert_article(article(1))
    assert main(["correct", "99", "tension", "--db", str(db_path)]) == 1
    assert capsys.readouterr().err.strip() == "error: no article with id 99"


@pytest.mark.parametrize("reading", ["angry", "Tension"])
def test_the_cli_refuses_a_reading_that_is_not_one(db_path, reading, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["correct", "1", reading, "--db", str(db_path)])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
