"""The SQLite store: forward migrations, the change token, refusal of newer schemas, story merging."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from pipeline.models import Article, Score
from pipeline.store import SCHEMA_VERSION, SchemaTooNew, Store, StoreError
from pipeline.store.sqlite_schema import MIGRATIONS, statements


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


def test_a_version_1_database_is_migrated_forward_with_its_data(tmp_path):
    path = tmp_path / "v1.sqlite"
    raw = sqlite3.connect(path)
    for statement in statements(MIGRATIONS[1]):
        raw.execute(statement)
    raw.execute("INSERT INTO articles (url, canonical_url, title, fetched_at) VALUES ('u', 'u', 'kept', 'now')")
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()
    Store.open(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [tuple(r) for r in conn.execute("SELECT title FROM articles")] == [("kept",)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_change_token_moves_on_every_write_even_within_one_second(tmp_path):
    db = Store.open(tmp_path / "t.sqlite")
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


def test_a_failed_transaction_leaves_stored_data_intact(tmp_path):
    db = Store.open(tmp_path / "t.sqlite")
    db.insert_article(article(0))
    with pytest.raises(ValueError, match="no article with id 999"):
        db.set_override(999, stance="tension")
    with pytest.raises(ValueError, match="stance 'angry' is not one of"):
        db.set_override(1, stance="angry")
    assert db.article_count() == 1
    assert sqlite3.connect(tmp_path / "t.sqlite").execute("SELECT COUNT(*) FROM overrides").fetchone()[0] == 0


def _open_fresh(path: str) -> str:
    try:
        Store.open(path).close()
    except Exception as err:  # reported back to the test, which shows it
        return f"{type(err).__name__}: {err}"
    return "ok"


def test_processes_opening_a_new_database_together_all_succeed(tmp_path):
    """The dashboard and a CLI ingest may create the same database file at the same moment."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        for round_ in range(5):
            path = str(tmp_path / f"fresh{round_}.sqlite")
            assert pool.map(_open_fresh, [path] * 4) == ["ok"] * 4
    conn = sqlite3.connect(tmp_path / "fresh0.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_the_current_scorer_versions_score_wins_over_a_newer_timestamp(tmp_path):
    from pipeline.scoring.score import SCORER_VERSION

    db = Store.open(tmp_path / "t.sqlite")
    saved = db.insert_article(article(0), Score(0.5, 0.0, 0.5, "en", version=SCORER_VERSION))
    db.write_scores([(saved.id, Score(-0.5, 0.0, 0.5, "en", version="zz-experimental"))])
    assert db.current_score(saved.id).version == SCORER_VERSION
    assert db.articles_frame().get_column("scorer_version").to_list() == [SCORER_VERSION]


def test_near_copies_form_one_story_whatever_order_they_arrive_in(tmp_path):
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
    for n, order in enumerate(itertools.permutations("abc")):
        db = Store.open(tmp_path / f"{n}.sqlite")
        for name in order:
            base = article(ord(name) - ord("a"))
            db.insert_article(replace(base, text=texts[name], fingerprint=prints[name]))
        db.close()
        raw = sqlite3.connect(tmp_path / f"{n}.sqlite")
        stories = raw.execute("SELECT story_id, MIN(id) FROM articles GROUP BY story_id").fetchall()
        assert len(stories) == 1, order
        assert stories[0][0] == stories[0][1]  # the story id is its first stored copy's id
