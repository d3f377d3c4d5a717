"""``python -m pipeline migrate``: a whole database copied between SQLite and a real PostgreSQL server
and back, every table's rows and the articles frame equal, ids kept and the next id fresh; refusals
(a target holding data, the source itself, a bad address) named; a failed copy rolled back."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from pipeline.dedupe import fingerprint
from pipeline.models import Article, Event, FetchFailure, Score
from pipeline.store import ListedLink, Store
from pipeline.store.migrate import MigrationError, migrate
from pipeline.store.migrate_tables import open_side
from pipeline.store.postgres import close_pools
from pipeline.store.watch_records import AlertDraft
from tests.postgres import PASSWORD, is_url, query, server
from tests.test_cli_ingest import cli

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def _article(i: int) -> Article:
    text = f"Astana and Moscow signed agreement number {i} on the pipeline and the grain corridor. " * 3
    return Article(
        url=f"https://a.example/{i}?utm=x",
        canonical_url=f"https://a.example/{i}",
        title=f"Agreement {i}",
        text=text,
        published=date(2023, 1, 1) + timedelta(days=i) if i % 4 else None,
        source="a.example",
        language="en",
        fingerprint=fingerprint(text),
        date_origin="page" if i % 4 else None,
    )


def _score(i: int, version: str) -> Score:
    # Thirds and sevenths: floats that a lossy copy (4-byte reals, text rounding) would change.
    return Score(tension=i / 7 - 0.5, sentiment=-i / 3, relevance=1 / (i + 2), language="en", version=version)


def filled(db: str | Path, articles: int = 6) -> list[int]:
    """A database holding what a team's has: articles (two of one story), scores of two scorer versions,
    corrections, failures, watched sources and their links, an alert, key events; the article ids."""
    with Store.open(db) as store:
        ids = [store.insert_article(_article(i), _score(i, "old-1")).id for i in range(1, articles + 1)]
        store.write_scores([(ids[0], _score(10, "new-2")), (ids[1], _score(11, "new-2"))])
        store.set_override(ids[1], stance="tension", note="checked by hand")
        store.set_override(ids[2], not_relevant=True)
        store.record_failure(FetchFailure(url="https://gone.example/x", reason="HTTP 410"))
        store.record_failure(FetchFailure(url="https://bad.example/y", reason="no article text found", stage="extract"))
        source = store.add_source("https://a.example/rss", name="A", kind="feed", every_s=1800, now=NOW)
        assert source is not None
        store.add_links(source, [ListedLink("https://a.example/9", "https://a.example/9?x", date(2023, 2, 1))], now=NOW)
        store.finish_link("https://a.example/9", "stored", now=NOW, article_id=ids[0], relevance=0.75)
        draft = AlertDraft("article:1", "article", "week", "2023-01-02", 0.5, "tense", "a sentence", "u", (ids[0],))
        store.add_alert(draft, now=NOW, deliver=True)
        # Two scores of one article in one second: which is current goes by insertion order, which a
        # copy must keep (SQLite's rowid, PostgreSQL's seq).
        query(str(db), "UPDATE scores SET scored_at = '2024-05-06T07:08:09+00:00'")
        if has_events(db):
            deleted = store.add_event(Event(date(2023, 1, 10), "Deleted"))
            store.add_event(Event(date(2023, 1, 3), "Summit", note="in Astana", link="https://e.example/s"))
            store.add_event(Event(date(2023, 1, 9), "Talks"))
            store.delete_event(deleted or 0)  # a gap in the ids (the first: SQLite reuses the largest)
    return ids


def has_events(db: str | Path) -> bool:
    """Whether the database has the key events table (PostgreSQL gains it with its migration 7)."""
    if is_url(db):
        return query(db, "SELECT to_regclass('events') IS NOT NULL") == [(True,)]
    return True


def tables(db: str | Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows (the columns both engines have, but the database's own token), sorted: what
    a copy must keep."""
    side = open_side(str(db), write=False)
    try:
        with side.snapshot():
            catalogue = side.catalogue()
            # PostgreSQL's stand-in for SQLite's rowid is copied as an order, not a value; each copy
            # gets a token of its own (test_the_change_counter_and_stamps...).
            own = {"seq", "token"}
            return {
                name: sorted(
                    (row for batch in side.rows(name, [c for c in t.columns if c not in own], ()) for row in batch),
                    key=repr,
                )
                for name, t in catalogue.items()
            }
    finally:
        side.close()


def frame(db: str | Path):
    with Store.open(db) as store:
        return store.articles_frame(cached=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sqlite_to_postgresql_and_back_keeps_every_row_and_the_frame(postgres_url, tmp_path):
    source, back = tmp_path / "team.sqlite", tmp_path / "back.sqlite"
    filled(source)
    before = digest(source)
    there = migrate(str(source), postgres_url)
    again = migrate(postgres_url, str(back))

    original, on_server, returned = tables(source), tables(postgres_url), tables(back)
    assert original["scores"] and original["overrides"] and original["story_bands"] and original["watch_links"]
    for name, rows in on_server.items():  # the server may lack a table SQLite has (events, before its migration 7)
        assert rows == original[name], name
    # A table the server lacks is reported, and comes back empty.
    assert returned == {name: rows if name in on_server else [] for name, rows in original.items()}
    if not has_events(postgres_url):
        assert [c.note for c in there.counts if c.table == "events"] == [
            f"not copied: {postgres_url.replace(PASSWORD, '***')} has no such table"
        ]
    assert_frame_equal(frame(postgres_url), frame(source))
    assert_frame_equal(frame(back), frame(source))
    counts = {c.table: (c.source, c.target) for c in there.counts}
    assert counts["articles"] == (6, 6) and counts["scores"] == (8, 8) and counts["failures"] == (2, 2)
    assert there.checksum == again.checksum
    assert digest(source) == before  # the source is only read


@pytest.fixture
def other_url() -> Iterator[str]:
    """A second fresh database on the session's server, dropped after the test."""
    srv = server()
    url = srv.create_database()
    yield url
    close_pools()
    srv.drop_database(url)


def test_postgresql_to_postgresql_keeps_the_insertion_order_of_scores(postgres_url, other_url):
    filled(postgres_url)
    migrate(postgres_url, other_url)
    assert tables(other_url) == tables(postgres_url)
    order = "SELECT article_id, scorer_version, seq FROM scores ORDER BY seq"
    assert query(other_url, order) == query(postgres_url, order)
    assert_frame_equal(frame(other_url), frame(postgres_url))


@pytest.mark.parametrize("route", ["sqlite", "postgresql"])
def test_an_insert_after_migrate_gets_a_fresh_id(route, postgres_url, other_url, tmp_path):
    source = str(tmp_path / "team.sqlite") if route == "sqlite" else other_url
    ids = filled(source)
    migrate(source, postgres_url)
    with Store.open(postgres_url) as store:
        assert store.insert_article(_article(50), _score(50, "old-1")).id == max(ids) + 1
        store.record_failure(FetchFailure(url="https://later.example/", reason="HTTP 500"))
        assert store.add_source("https://b.example/rss", name="B", kind="feed", every_s=60, now=NOW) == 2
        alert = store.add_alert(
            AlertDraft("article:2", "article", "week", "2023-01-02", 0.5, "s", "e", "u", (ids[1],)),
            now=NOW,
            deliver=False,
        )
        assert alert is not None and alert.id == 2
        store.add_links(2, [ListedLink("https://b.example/1", "https://b.example/1")], now=NOW)
    assert query(postgres_url, "SELECT MAX(id) FROM failures") == [(3,)]
    # The insertion order columns go on after the copied rows (the new score is the latest).
    assert query(postgres_url, "SELECT article_id FROM scores ORDER BY seq DESC LIMIT 1") == [(max(ids) + 1,)]
    assert query(postgres_url, "SELECT COUNT(DISTINCT seq) FROM scores") == [(9,)]
    assert query(postgres_url, "SELECT url FROM watch_links ORDER BY seq DESC LIMIT 1") == [("https://b.example/1",)]
    if has_events(postgres_url):
        with Store.open(postgres_url) as store:
            assert store.add_event(Event(date(2024, 1, 1), "Later")) == 4


def test_the_change_counter_and_stamps_are_the_sources_under_a_token_of_its_own(postgres_url, tmp_path):
    source = tmp_path / "team.sqlite"
    filled(source)
    migrate(str(source), postgres_url)
    assert query(postgres_url, "SELECT counter FROM changes") == query(source, "SELECT counter FROM changes")
    stamps = "SELECT article_id, stamp FROM article_changes ORDER BY article_id"
    assert query(postgres_url, stamps) == query(source, stamps)
    assert query(postgres_url, "SELECT token FROM changes") != query(source, "SELECT token FROM changes")
    with Store.open(postgres_url) as store:  # and it goes on counting
        counter = store.data_version()
        store.set_override(1, stance="neutral")
        assert store.data_version() != counter


def test_a_target_holding_data_is_refused_naming_it_unless_replaced(postgres_url, tmp_path):
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    filled(first)
    filled(second, articles=3)
    migrate(str(first), postgres_url)
    shown = postgres_url.replace(PASSWORD, "***")
    with pytest.raises(MigrationError) as refused:
        migrate(str(second), postgres_url)
    assert str(refused.value).startswith(f"{shown} already holds data (articles: 6, alert_articles: 1, alerts: 1, ")
    assert "scores: 8, sources: 1, story_bands: 96, watch_links: 1): use --replace to overwrite it" in str(
        refused.value
    )
    assert PASSWORD not in str(refused.value)
    assert tables(postgres_url)["articles"] == tables(first)["articles"]  # untouched

    migrate(str(second), postgres_url, replace=True)
    assert {k: v for k, v in tables(postgres_url).items()} == {
        k: v for k, v in tables(second).items() if k in tables(postgres_url)
    }
    assert_frame_equal(frame(postgres_url), frame(second))


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_copy_that_fails_half_way_leaves_the_target_as_it_was(engine, postgres_url, tmp_path):
    source, earlier = tmp_path / "team.sqlite", tmp_path / "earlier.sqlite"
    filled(source)
    filled(earlier, articles=3)
    target = postgres_url if engine == "postgresql" else str(tmp_path / "target.sqlite")
    migrate(str(earlier), target)
    held = tables(target)
    # A correction the target's CHECK refuses, let into the source past its own check: the copy
    # fails at the overrides, after articles and scores went in.
    raw = sqlite3.connect(source)
    raw.execute("PRAGMA ignore_check_constraints = ON")
    raw.execute("UPDATE overrides SET stance = 'furious' WHERE article_id = 2")
    raw.commit()
    raw.close()
    with pytest.raises(MigrationError) as failed:
        migrate(str(source), target, replace=True)
    message = str(failed.value)
    assert message.startswith("copying table overrides into ")
    assert "after 0 of 2 rows" in message and "was rolled back and holds what it held before" in message
    assert "check" in message.lower()  # the engine's reason, in its words
    assert tables(target) == held


def test_a_copy_the_target_changes_does_not_verify_and_is_rolled_back(postgres_url, tmp_path):
    source = tmp_path / "team.sqlite"
    filled(source)
    Store.open(postgres_url).close()
    # Something of the server's own (an operator's trigger) rounds scores as they arrive: the counts
    # agree, the values do not.
    query(
        postgres_url,
        "CREATE FUNCTION rounded() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " NEW.tension := round(NEW.tension::numeric, 2); RETURN NEW; END $$;"
        " CREATE TRIGGER rounding BEFORE INSERT ON scores FOR EACH ROW EXECUTE FUNCTION rounded();",
    )
    with pytest.raises(MigrationError, match="does not verify: its articles, scores or corrections differ"):
        migrate(str(source), postgres_url)
    assert query(postgres_url, "SELECT COUNT(*) FROM scores") == [(0,)]
    query(postgres_url, "DROP TRIGGER rounding ON scores")
    query(
        postgres_url,
        "CREATE FUNCTION dropped() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF NEW.scorer_version = 'new-2' THEN RETURN NULL; END IF; RETURN NEW; END $$;"
        " CREATE TRIGGER dropping BEFORE INSERT ON scores FOR EACH ROW EXECUTE FUNCTION dropped();",
    )
    with pytest.raises(MigrationError, match=r"does not verify \(scores: 8 in the source, 6 in the target\)"):
        migrate(str(source), postgres_url)
    assert query(postgres_url, "SELECT COUNT(*) FROM articles") == [(0,)]


def test_a_copy_onto_the_source_itself_is_refused(postgres_url, tmp_path):
    source = tmp_path / "team.sqlite"
    filled(source)
    for same, shown in ((str(tmp_path / "." / "team.sqlite"), str(tmp_path / "." / "team.sqlite")),):
        with pytest.raises(MigrationError, match="is the source database itself"):
            migrate(str(source), same, replace=True)
        assert shown
    filled(postgres_url)
    with pytest.raises(MigrationError, match="is the source database itself"):
        migrate(postgres_url, postgres_url.replace("127.0.0.1", "localhost"), replace=True)
    assert len(tables(source)["articles"]) == 6 and len(tables(postgres_url)["articles"]) == 6


def test_a_missing_source_and_an_unreachable_target_are_named(postgres_url, tmp_path):
    source = tmp_path / "team.sqlite"
    with pytest.raises(MigrationError) as missing:
        migrate(str(tmp_path / "typo.sqlite"), postgres_url)
    assert str(missing.value) == f"the source: {tmp_path / 'typo.sqlite'}: no such database (check --from)"
    filled(source)
    unreachable = "postgresql://analyst:hunter2@127.0.0.1:1/barometer"
    with pytest.raises(MigrationError) as refused:
        migrate(str(source), unreachable)
    assert str(refused.value).startswith("the target: database postgresql://analyst:***@127.0.0.1:1/barometer: ")
    assert "hunter2" not in str(refused.value)
    with pytest.raises(MigrationError, match="the target: mysql://h/db: the mysql storage backend is not built"):
        migrate(str(source), "mysql://h/db")


def test_the_command_copies_prints_the_counts_and_refuses_a_second_copy(postgres_url, tmp_path):
    source = tmp_path / "team.sqlite"
    filled(source)
    shown = postgres_url.replace(PASSWORD, "***")
    done = cli("migrate", "--from", str(source), "--to", postgres_url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Copied {source} into {shown}:"
    rows = {line.split()[0]: line.split()[1:3] for line in lines[2:-1]}
    assert rows["articles"] == ["6", "6"] and rows["scores"] == ["8", "8"]
    assert lines[1].split() == ["table", "source", "target"]
    assert lines[-1].startswith("Verified: ")
    assert "row" in done.stderr  # the progress bar
    again = cli("migrate", "--from", str(source), "--to", postgres_url, "--no-progress")
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr.startswith(f"error: {shown} already holds data (articles: 6, ")
    assert PASSWORD not in done.stdout + done.stderr + again.stderr
    back = tmp_path / "back.sqlite"
    assert cli("migrate", "--from", postgres_url, "--to", str(back), "--no-progress").returncode == 0
    assert is_url(postgres_url) and tables(back)["articles"] == tables(source)["articles"]


def test_an_older_source_is_migrated_forward_and_a_newer_one_refused(postgres_url, tmp_path):
    from pipeline.store import SCHEMA_VERSION
    from tests.test_store import old_database

    old, newer = tmp_path / "old.sqlite", tmp_path / "newer.sqlite"
    old_database(str(old), 3)
    query(old, "INSERT INTO articles (url, canonical_url, title, fetched_at) VALUES ('u', 'u', 'kept', 'now')")
    migrate(str(old), postgres_url)
    assert query(postgres_url, "SELECT id, title, decode_note FROM articles") == [(1, "kept", "")]
    assert query(old, "PRAGMA user_version") == [(SCHEMA_VERSION,)]  # opened as any command opens it

    filled(newer)
    query(newer, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(MigrationError) as refused:
        migrate(str(newer), str(tmp_path / "target.sqlite"))
    assert str(refused.value).startswith(
        f"the source: {newer}: database schema version {SCHEMA_VERSION + 1} is newer than this program's"
    )
    assert not (tmp_path / "target.sqlite").exists()  # refused before the target is made
