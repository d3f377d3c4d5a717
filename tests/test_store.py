"""The store on both backends: forward migrations, the change token, refusal of newer schemas and of
missing databases, story merging; and SQLite's file checks."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest

from pipeline.models import Article, Score
from pipeline.store import SCHEMA_VERSION, SchemaTooNew, Store, StoreError, postgres_schema
from pipeline.store.postgres_connect import close_pools
from pipeline.store.sqlite_schema import MIGRATIONS, statements
from tests.postgres import PASSWORD, is_url, query


def article(i: int, *, is_demo: bool = False) -> Article:
    return Article(
        url=f"https://a.example/{i}",
        canonical_url=f"https://a.example/{i}",
        title=f"t{i}",
        text=f"text {i}",
        published=date(2022, 1, i + 1),
        source="a",
        language="en",
        fingerprint="",
        is_demo=is_demo,
    )


def old_database(db: str, version: int) -> None:
    """A database as schema ``version`` made it (that version's migrations, nothing after)."""
    if is_url(db):
        for target in range(1, version + 1):
            query(db, postgres_schema.MIGRATIONS[target])
        query(db, postgres_schema.VERSION_TABLE)
        query(db, "INSERT INTO schema_version (id, version) VALUES (1, ?)", (version,))
        return
    raw = sqlite3.connect(db)
    for target in range(1, version + 1):
        for statement in statements(MIGRATIONS[target]):
            raw.execute(statement)
    raw.execute(f"PRAGMA user_version = {version}")
    raw.commit()
    raw.close()


def schema_version(db: str) -> int:
    if is_url(db):
        return query(db, "SELECT version FROM schema_version")[0][0]
    return query(db, "PRAGMA user_version")[0][0]


def test_a_version_1_database_is_migrated_forward_with_its_data(store_db):
    old_database(store_db, 1)
    query(store_db, "INSERT INTO articles (url, canonical_url, title, fetched_at) VALUES ('u', 'u', 'kept', 'now')")
    with Store.open(store_db) as db:
        db.insert_article(article(1))  # the identity / rowid goes on after the old row
        assert db.articles_frame().get_column("title").to_list() == ["kept", "t1"]
    assert schema_version(store_db) == SCHEMA_VERSION
    assert query(store_db, "SELECT id, title FROM articles ORDER BY id") == [(1, "kept"), (2, "t1")]
    if not is_url(store_db):
        assert query(store_db, "PRAGMA journal_mode")[0][0] == "wal"


def test_change_token_moves_on_every_write_even_within_one_second(store_db):
    db = Store.open(store_db)
    seen = [db.data_version()]
    saved = db.insert_article(article(0), Score(0.1, 0.0, 0.5, "en", version="v"))
    seen.append(db.data_version())
    db.set_override(saved.id, stance="tension")
    seen.append(db.data_version())
    db.set_override(saved.id, stance="cooperation")  # replaced in the same second
    seen.append(db.data_version())
    db.clear_override(saved.id)
    seen.append(db.data_version())
    assert len(set(seen)) == len(seen)


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "new.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE future (x)")
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in tmp_path.iterdir()))
    for read_only in (False, True):
        with pytest.raises(SchemaTooNew, match=f"{path}: database schema version 99 is newer than"):
            Store.open(path, read_only=read_only)
    # not a byte changed (the journal mode is not switched to WAL first), and no -wal / -shm file
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in tmp_path.iterdir())) == before
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_database_from_a_newer_version_on_a_server_is_refused_untouched(postgres_url):
    query(postgres_url, postgres_schema.VERSION_TABLE)
    query(postgres_url, "INSERT INTO schema_version (id, version) VALUES (1, 99)")
    name = postgres_url.replace(PASSWORD, "***")
    for read_only in (False, True):
        with pytest.raises(SchemaTooNew, match=f"^{re.escape(name)}: database schema version 99 is newer than"):
            Store.open(postgres_url, read_only=read_only)
    with pytest.raises(SchemaTooNew):
        Store.check_database(postgres_url, create=False)
    assert query(postgres_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == [("schema_version",)]


def test_a_missing_database_on_a_server_is_refused_or_created_as_asked(postgres_url):
    url = f"{postgres_url}_typo"
    name = url.replace(PASSWORD, "***")
    databases = "SELECT datname FROM pg_database WHERE datname LIKE 'test%' ORDER BY datname"
    before = query(postgres_url, databases)
    for attempt in (
        lambda: Store.open(url, create=False),
        lambda: Store.open(url, read_only=True),
        lambda: Store.check_database(url, create=False),
    ):
        with pytest.raises(StoreError) as caught:
            attempt()
        assert str(caught.value) == f"{name}: no such database (check --db / BAROMETER_DB)"
    assert query(postgres_url, databases) == before
    assert (Store.check_database(url, create=True), Store.exists(url)) == (None, False)
    try:
        with Store.open(url) as db:  # created, as a new SQLite file is
            assert db.article_count() == 0
        assert (Store.check_database(url, create=False), Store.exists(url)) == (SCHEMA_VERSION, True)
    finally:
        close_pools()
        query(postgres_url, f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_a_missing_database_is_refused_where_it_should_exist(tmp_path):
    path = tmp_path / "typo.sqlite"
    for read_only in (False, True):
        with pytest.raises(StoreError, match=rf"^{path}: no such database \(check --db / BAROMETER_DB\)$"):
            Store.open(path, create=False, read_only=read_only)
    assert list(tmp_path.iterdir()) == []


def test_a_new_database_is_never_created_in_a_missing_directory(tmp_path):
    path = tmp_path / "dtaa" / "barometer.sqlite"
    message = f"cannot create the database {path}: the directory {path.parent} does not exist"
    with pytest.raises(StoreError, match=message):
        Store.open(path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StoreError, match=f"database {tmp_path} is a directory, not a file"):
        Store.open(tmp_path)


def test_a_failed_transaction_leaves_stored_data_intact(store_db):
    db = Store.open(store_db)
    db.insert_article(article(0))
    with pytest.raises(ValueError, match="no article with id 999"):
        db.set_override(999, stance="tension")
    with pytest.raises(ValueError, match="stance 'angry' is not one of"):
        db.set_override(1, stance="angry")
    assert db.article_count() == 1
    assert query(store_db, "SELECT COUNT(*) FROM overrides") == [(0,)]


def _open_fresh(path: str) -> str:
    try:
        Store.open(path).close()
    except Exception as err:  # reported back to the test, which shows it
        return f"{type(err).__name__}: {err}"
    return "ok"


def test_processes_opening_a_new_database_together_all_succeed(store_db):
    """The dashboard and a CLI ingest may create the same database at the same moment (on a server:
    create the database and migrate it, both under a race)."""
    import multiprocessing

    fresh = [f"{store_db}{n}" if is_url(store_db) else store_db.replace(".sqlite", f"{n}.sqlite") for n in range(5)]
    try:
        with multiprocessing.get_context("spawn").Pool(4) as pool:
            for db in fresh:
                assert pool.map(_open_fresh, [db] * 4) == ["ok"] * 4
        assert [schema_version(db) for db in fresh] == [SCHEMA_VERSION] * 5
    finally:
        if is_url(store_db):
            for db in fresh:
                query(store_db, f'DROP DATABASE IF EXISTS "{db.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_the_current_scorer_versions_score_wins_over_a_newer_timestamp(store_db):
    from pipeline.scoring.score import SCORER_VERSION

    db = Store.open(store_db)
    saved = db.insert_article(article(0), Score(0.5, 0.0, 0.5, "en", version=SCORER_VERSION))
    db.write_scores([(saved.id, Score(-0.5, 0.0, 0.5, "en", version="zz-experimental"))])
    assert db.current_score(saved.id).version == SCORER_VERSION
    assert db.articles_frame().get_column("scorer_version").to_list() == [SCORER_VERSION]


def test_a_score_written_again_is_the_newest_among_scores_of_one_second(store_db):
    """Neither version is this program's and both carry the same time: the one written last wins,
    a replaced one included (SQLite's OR REPLACE gives it a new rowid; PostgreSQL a new seq)."""
    with Store.open(store_db) as db:
        saved = db.insert_article(article(0))
        for version in ("x-old", "y-old", "x-old"):
            db.write_scores([(saved.id, Score(0.1 if version == "x-old" else 0.2, 0.0, 0.5, "en", version=version))])
        query(store_db, "UPDATE scores SET scored_at = '2024-01-01T00:00:00+00:00'")
        assert db.current_score(saved.id).version == "x-old"
        assert db.articles_frame(cached=False).get_column("scorer_version").to_list() == ["x-old"]
        db.write_scores([(saved.id, Score(0.2, 0.0, 0.5, "en", version="y-old"))])
        query(store_db, "UPDATE scores SET scored_at = '2024-01-01T00:00:00+00:00'")
        assert db.current_score(saved.id).version == "y-old"


def test_near_copies_form_one_story_whatever_order_they_arrive_in(store_db):
    """A ~ B and B ~ C while A and C are further apart (a story edited twice): one story, in every
    arrival order, including A and C first, which start two stories that B then joins."""
    import itertools
    from dataclasses import replace

    from pipeline.dedupe import SAME_STORY, fingerprint, similarity

    words = [f"w{n}" for n in range(140)]
    texts = {"a": " ".join(words[0:100]), "b": " ".join(words[20:120]), "c": " ".join(words[40:140])}
    prints = {name: fingerprint(text) for name, text in texts.items()}
    assert similarity(prints["a"], prints["b"]) >= SAME_STORY and similarity(prints["b"], prints["c"]) >= SAME_STORY
    assert similarity(prints["a"], prints["c"]) < SAME_STORY
    for order in itertools.permutations("abc"):
        db = Store.open(store_db)
        query(store_db, "DELETE FROM articles")  # the previous order's
        for name in order:
            base = article(ord(name) - ord("a"))
            db.insert_article(replace(base, text=texts[name], fingerprint=prints[name]))
        db.close()
        stories = query(store_db, "SELECT story_id, MIN(id) FROM articles GROUP BY story_id")
        assert len(stories) == 1, order
        assert stories[0][0] == stories[0][1]  # the story id is its first stored copy's id
