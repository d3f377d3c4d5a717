"""Key events (pipeline.events, the store's ``events`` table): what the analyst types is checked field
by field, events are added, changed and removed, the demo's go with the demo, and a database of
schema 5 that holds the demo gets the demo's events when it is upgraded; the store's tests run on both
backends (``store_db``: SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pipeline import events
from pipeline.demo import load_events, remove_demo
from pipeline.models import Event, Score
from pipeline.store import SCHEMA_VERSION, Store
from pipeline.store.sqlite_schema import EVENTS_MIGRATION
from tests.postgres import query
from tests.test_store import article, old_database, schema_version

# ---------------------------------------------------------------- checking what the analyst typed


def test_a_complete_event_is_trimmed_and_kept():
    checked = events.check_event(
        date(2022, 1, 6), "  CSTO troops arrive ", " Peacekeepers land. ", "https://x.example/a"
    )
    assert checked == Event(date(2022, 1, 6), "CSTO troops arrive", "Peacekeepers land.", "https://x.example/a")
    assert events.check_event("2022-01-06", "CSTO") == Event(date(2022, 1, 6), "CSTO")


def test_each_bad_field_is_named_with_its_reason():
    problems = events.check_event(None, "   ", "n" * 1001, "javascript:alert(1)")
    assert [str(p) for p in problems] == [
        "Date: required",
        "Label: required",
        "Note: 1,001 characters, at most 1,000",
        "Link: 'javascript:alert(1)' is not a web address: it must start with http:// or https://",
    ]
    assert [str(p) for p in events.check_event("6 Jan 2022", "x" * 61)] == [
        "Date: '6 Jan 2022' is not a date (write YYYY-MM-DD)",
        "Label: 61 characters, at most 60 (put the rest in the note)",
    ]


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("www.example.org/page", "is not a web address: it must start with http:// or https://"),
        ("ftp://example.org/file", "is not a web address: it must start with http:// or https://"),
        ("https://", "names no host"),
        ("https://example.org/a b", "holds a space or a control character"),
    ],
)
def test_a_link_must_be_a_web_address(link, reason):
    [problem] = events.check_event(date(2022, 1, 6), "label", link=link)
    assert problem.field == "link" and reason in problem.reason


def test_a_label_is_one_line():
    [problem] = events.check_event(date(2022, 1, 6), "two\nlines")
    assert str(problem) == "Label: one line, without tabs or control characters"


# ---------------------------------------------------------------- the store


def test_events_are_added_changed_and_removed(store_db):
    db = store_db
    first = events.add_event(db, Event(date(2023, 5, 1), "later", "", "https://x.example/"))
    second = events.add_event(db, Event(date(2022, 1, 6), "CSTO", "note", id=99, is_demo=True))
    stored = events.read_events(db)
    # oldest first; the id and demo mark given are not taken: the analyst's own events are never demo
    assert stored == [
        Event(date(2022, 1, 6), "CSTO", "note", "", second, False),
        Event(date(2023, 5, 1), "later", "", "https://x.example/", first, False),
    ]
    assert events.update_event(db, first, Event(date(2021, 2, 2), "earlier", "now a note"))
    assert events.read_events(db)[0] == Event(date(2021, 2, 2), "earlier", "now a note", "", first, False)
    assert events.remove_event(db, second)
    assert not events.remove_event(db, second)
    assert not events.update_event(db, second, Event(date(2021, 2, 2), "gone"))
    assert [e.label for e in events.read_events(db)] == ["earlier"]


def test_reading_the_events_of_a_database_not_yet_created_creates_nothing(tmp_path):
    assert events.read_events(tmp_path / "none.sqlite") == []
    assert not (tmp_path / "none.sqlite").exists()


def test_writing_an_event_leaves_the_articles_data_version_alone(store_db):
    # The data version keys every cached read of articles (the frame, the series): an event must
    # not make the dashboard read them again.
    with Store.open(store_db) as db:
        db.insert_article(article(0), Score(0.2, 0.0, 0.9, "en", version="v"))
        before = db.data_version()
        event_id = db.add_event(Event(date(2022, 1, 6), "CSTO"))
        db.update_event(event_id, Event(date(2022, 1, 7), "CSTO"))
        db.delete_event(event_id)
        assert db.data_version() == before


def test_the_demo_events_are_stored_once_and_go_with_the_demo(settings, store_db):
    settings = replace(settings, db=store_db)
    demo = load_events()
    with Store.open(settings.db) as db:
        db.insert_article(article(0, is_demo=True))
        db.insert_article(article(1))
        assert db.add_demo_events(demo) == len(demo)
        assert db.add_demo_events(demo) == 0  # loading the demo again adds nothing
        own = db.add_event(Event(demo[0].date, demo[0].label, "the analyst's own, same date and label"))
        assert len(db.events()) == len(demo) + 1
    assert remove_demo(settings) == 1
    assert [(e.id, e.is_demo) for e in events.read_events(settings.db)] == [(own, False)]
    with Store.open(settings.db) as db:
        assert db.article_count() == 1


# ---------------------------------------------------------------- the migration


def schema_5_database(db, *, demo: bool) -> None:
    """A database as schema 5 wrote it, with one article (a demo one or the user's own)."""
    old_database(db, 5)
    query(
        db,
        "INSERT INTO articles (url, canonical_url, title, published, is_demo, fetched_at) VALUES (?,?,?,?,?,?)",
        ("u", "u", "t", "2022-01-06", int(demo), "now"),
    )


def test_a_schema_5_database_holding_the_demo_gets_the_demo_events(store_db):
    path = store_db
    schema_5_database(path, demo=True)
    with Store.open(path) as db:
        stored = db.events()
        version = db.data_version()
    assert [replace(e, id=None) for e in stored] == [replace(e, is_demo=True) for e in load_events()]
    assert schema_version(path) == SCHEMA_VERSION >= EVENTS_MIGRATION
    with Store.open(path) as db:  # opening again migrates nothing and adds nothing
        assert db.events() == stored and db.data_version() == version


def test_a_schema_5_database_of_the_users_own_articles_gets_no_events(store_db):
    path = store_db
    schema_5_database(path, demo=False)
    with Store.open(path) as db:
        assert db.events() == []
        assert db.article_count() == 1
