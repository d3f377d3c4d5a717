"""Several pairs in one database (issue 15, migration 9), on SQLite and PostgreSQL: an article has a score
and a correction per pair, each pair's frame shows its own, key events and alerts belong to a pair, a
schema-8 database is filed under the pair that opens it, and ``migrate`` copies the pairs."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipeline import events, views
from pipeline.cli import main
from pipeline.models import Event, Score
from pipeline.scoring.actors import load_pair
from pipeline.scoring.pair_data import scorer_version
from pipeline.scoring.score import SCORER_BASE, score_article
from pipeline.settings import load_settings
from pipeline.store import Store, frames
from pipeline.store.migrate import migrate
from pipeline.store.watch_records import AlertDraft
from tests.postgres import query
from tests.test_store import article, old_database

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
AM = "am-ru"


def score(tension: float, version: str, pair: str = "kz-ru") -> Score:
    return Score(tension=tension, sentiment=0.0, relevance=0.5, language="en", version=version, pair=pair)


def current(pair: str = "kz-ru") -> str:
    return scorer_version(SCORER_BASE, load_pair(pair))


def tensions(frame: pl.DataFrame) -> dict[int, float | None]:
    return dict(zip(frame.get_column("id").to_list(), frame.get_column("tension").to_list(), strict=True))


def test_an_article_scored_for_two_pairs_has_a_row_each_and_each_frame_shows_its_own(store_db):
    with Store.open(store_db) as db:
        assert (db.pair, db.scorer_version) == ("kz-ru", current())
        first = db.insert_article(article(1), score(0.25, current()), extra_scores=[score(-0.5, current(AM), AM)]).id
        second = db.insert_article(article(2), score(0.75, current())).id  # scored for kz-ru only
        rows = query(store_db, "SELECT article_id, pair, tension FROM scores ORDER BY article_id, pair")
        assert rows == [(first, AM, -0.5), (first, "kz-ru", 0.25), (second, "kz-ru", 0.75)]
        assert tensions(db.articles_frame()) == {first: 0.25, second: 0.75}
        assert tensions(db.articles_frame(pair=AM)) == {first: -0.5, second: None}
        assert db.articles_frame(pair=AM, cached=False).get_column("scorer_version").to_list() == [current(AM), None]
        assert db.current_score(first, pair=AM) == score(-0.5, current(AM), AM)
        detail = db.get_article(first, pair=AM)
        assert detail is not None and detail.score == score(-0.5, current(AM), AM)
    with Store.open(store_db, pair=load_pair(AM)) as db:  # a store working for am-ru reads am-ru by default
        assert (db.pair, db.scorer_version) == (AM, current(AM))
        assert tensions(db.articles_frame()) == {first: -0.5, second: None}
        assert tensions(db.articles_frame(pair="kz-ru")) == {first: 0.25, second: 0.75}


def test_the_preferred_version_is_the_pairs_own_when_known_else_the_newest(store_db):
    with Store.open(store_db) as db:
        article_id = db.insert_article(article(1), score(0.1, current(AM), AM)).id
        query(store_db, "UPDATE scores SET scored_at = '2020-01-01T00:00:00+00:00'")
        db.write_scores([(article_id, score(0.9, "stance-0.1+000000", AM))])  # an older scorer, written later
        assert db.score_versions(pair=AM) == {current(AM): 1, "stance-0.1+000000": 1}
        assert db.score_versions() == {}  # none for kz-ru
        newest = db.current_score(article_id, pair=AM)  # an id alone: the pair's version is not known here
        assert newest is not None and newest.tension == 0.9
        own = db.current_score(article_id, pair=load_pair(AM))  # the Pair: its current version wins
        assert own is not None and own.tension == 0.1
        assert tensions(db.articles_frame(pair=load_pair(AM))) == {article_id: 0.1}
        assert db.retire_scores(current(AM), pair=AM) == 1
        assert db.score_versions(pair=AM) == {current(AM): 1}


def test_retiring_one_pairs_old_scores_leaves_the_other_pairs_alone(store_db):
    with Store.open(store_db) as db:
        article_id = db.insert_article(article(1), score(0.2, "old", "kz-ru"), extra_scores=[score(0.3, "old", AM)]).id
        db.write_scores([(article_id, score(0.4, "new", AM))])
        assert db.retire_scores("new", pair=AM) == 1
        assert db.score_versions() == {"old": 1}  # kz-ru's old score stays: it has no "new" score
        assert db.score_versions(pair=AM) == {"new": 1}


def test_a_correction_under_one_pair_leaves_the_other_pairs_frame_alone(store_db):
    with Store.open(store_db) as db:
        article_id = db.insert_article(
            article(1), score(0.25, current()), extra_scores=[score(-0.5, current(AM), AM)]
        ).id
        before = db.articles_frame()
        db.set_override(article_id, stance="tension", note="a grievance", author="ana", pair=AM)
        assert_frame_equal(db.articles_frame(), before)  # kz-ru's frame (held, then refreshed): unchanged
        assert_frame_equal(db.articles_frame(cached=False), before)
        am = db.articles_frame(pair=AM)
        assert am.get_column("override_stance").to_list() == ["tension"]
        plain = db.get_article(article_id)
        assert plain is not None and plain.override is None
        corrected = db.get_article(article_id, pair=AM)
        assert corrected is not None and corrected.override is not None
        assert (corrected.override.stance, corrected.override.author) == ("tension", "ana")
        db.set_override(article_id, not_relevant=True)  # kz-ru's own correction, beside am-ru's
        assert query(store_db, "SELECT pair, stance, not_relevant FROM overrides ORDER BY pair") == [
            (AM, "tension", 0),
            ("kz-ru", None, 1),
        ]
        assert db.clear_override(article_id, pair=AM) is True
        assert db.clear_override(article_id, pair=AM) is False
        assert db.articles_frame().get_column("override_not_relevant").to_list() == [True]


def test_key_events_belong_to_their_pair(store_db):
    summit = Event(date(2023, 5, 1), "Summit", note="n")
    with Store.open(store_db) as db:
        own = db.add_event(Event(date(2023, 1, 1), "Talks"))
        theirs = db.add_event(Event(date(2023, 2, 1), "Corridor"), pair=AM)
        assert [e.label for e in db.events()] == ["Talks"]
        assert [e.label for e in db.list_events(AM)] == ["Corridor"]
        # The same demo event (date and label) is stored once per pair, not once in all.
        assert db.add_demo_events([summit]) == 1
        assert db.add_demo_events([summit], pair=AM) == 1
        assert db.add_demo_events([summit], pair=AM) == 0
        assert db.update_event(theirs or 0, Event(date(2023, 2, 2), "Corridor closed")) is True
        assert [e.label for e in db.events(AM)] == ["Corridor closed", "Summit"]  # still am-ru's
        assert db.delete_demo_events() == 2  # every pair's demo
        assert [e.id for e in db.events()] == [own]
        assert [e.id for e in db.events(AM)] == [theirs]


def test_alerts_are_listed_for_the_pair_that_raised_them(store_db):
    with Store.open(store_db, pair=load_pair(AM)) as db:
        article_id = db.insert_article(article(1), score(0.8, current(AM), AM)).id
        draft = AlertDraft(
            f"article:{article_id}", "article", "week", "2023-01-02", 0.8, "tense", "s", "u", (article_id,)
        )
        raised = db.add_alert(draft, now=NOW, deliver=False)
        assert raised is not None and [a.id for a in db.alerts()] == [raised.id]
        assert [a.tension for a in raised.articles] == [0.8]  # the am-ru score, not another pair's
        assert db.add_alert(draft, now=NOW, deliver=False) is None  # raised once for the pair
    with Store.open(store_db) as db:
        assert db.alerts() == []
        assert db.get_alert(raised.id) == raised  # by id, whatever its pair
        again = db.add_alert(draft, now=NOW, deliver=False)  # the same key for another pair is its own alert
        assert again is not None and [a.id for a in db.alerts()] == [again.id]
    assert query(store_db, "SELECT pair FROM alerts ORDER BY id") == [(AM,), ("kz-ru",)]


def test_pairs_lists_the_followed_pairs(store_db):
    with Store.open(store_db) as db:
        assert db.pairs() == ["kz-ru"]  # the store's own, listed or not
        assert query(store_db, "SELECT COUNT(*) FROM pairs") == [(0,)]  # a new database holds nothing
        assert db.follow("uz-ru") is True
        assert db.follow("uz-ru") is False
        article_id = db.insert_article(article(1)).id
        db.write_scores([(article_id, score(0.1, "v", "kz-cn"))])  # a score's pair is followed
        db.set_override(article_id, stance="neutral", pair=AM)  # so is a correction's
        assert db.pairs() == [AM, "kz-cn", "kz-ru", "uz-ru"]
        with pytest.raises(ValueError, match="empty"):
            db.follow(" ")
    with Store.open(store_db, pair=load_pair("kz-cn")) as db:
        assert db.pairs() == [AM, "kz-cn", "uz-ru"]  # kz-ru was listed as the other store's own, never stored


def test_pairs_frame_stacks_each_pairs_frame_with_its_pair_first(store_db):
    with Store.open(store_db) as db:
        first = db.insert_article(article(1), score(0.25, current()), extra_scores=[score(-0.5, current(AM), AM)]).id
        db.insert_article(article(2), score(0.75, current()))
        both = db.pairs_frame(["kz-ru", load_pair(AM)])
        assert both.columns[0] == "pair" and both.schema["pair"] == pl.String()
        assert both.get_column("pair").to_list() == ["kz-ru", "kz-ru", AM, AM]
        for pair in ("kz-ru", AM):
            alone = both.filter(pl.col("pair") == pair).drop("pair")
            assert_frame_equal(alone, db.articles_frame(pair=pair, cached=False))
        assert both.filter(pl.col("id") == first).get_column("tension").to_list() == [0.25, -0.5]
        empty = db.pairs_frame([])
        assert empty.height == 0 and empty.columns == both.columns


def test_two_pairs_never_share_a_held_frame_or_a_snapshot(tmp_path, monkeypatch):
    monkeypatch.setattr(frames, "SNAPSHOT_MIN_ROWS", 1)
    path = tmp_path / "b.sqlite"
    with Store.open(path) as db:
        for i in range(1, 5):
            db.insert_article(article(i), score(i / 10, current()), extra_scores=[score(-i / 10, current(AM), AM)])
        kz, am = db.articles_frame(), db.articles_frame(pair=AM)
        assert tensions(kz) == {1: 0.1, 2: 0.2, 3: 0.3, 4: 0.4}
        assert tensions(am) == {1: -0.1, 2: -0.2, 3: -0.3, 4: -0.4}
        assert frames.snapshot_path(path) != frames.snapshot_path(path, AM)
        assert frames.snapshot_path(path, AM).exists() and frames.snapshot_path(path).exists()
        db.write_scores([(2, score(0.9, current(AM), AM))])
        assert_frame_equal(db.articles_frame(), kz)  # held, refreshed: kz-ru's untouched
        assert frames.how_served(str(path)) == "held + 1 changed"
        assert tensions(db.articles_frame(pair=AM))[2] == 0.9
    frames.forget()  # a fresh process: each pair from its own snapshot file
    with Store.open(path) as db:
        assert_frame_equal(db.articles_frame(), kz)
        assert frames.how_served(str(path)).startswith("snapshot")
        assert tensions(db.articles_frame(pair=AM)) == {1: -0.1, 2: 0.9, 3: -0.3, 4: -0.4}
        assert frames.how_served(str(path), AM).startswith("snapshot")
        # Pairs named by id alone share a preferred version (none): a snapshot file of one put at another's
        # place (a copy, a rename) is still not taken for that pair's.
        db.articles_frame(pair="kz-cn")
        shutil.copy(frames.snapshot_path(path, AM), frames.snapshot_path(path, "kz-cn"))
        frames.forget()
        assert tensions(db.articles_frame(pair="kz-cn")) == {1: None, 2: None, 3: None, 4: None}
        assert frames.how_served(str(path), "kz-cn") == "full read"


def schema_8_database(db: str) -> None:
    """A database as schema 8 wrote it, with two scores in one second (the later inserted is current)."""
    old_database(db, 8)
    query(
        db,
        "INSERT INTO articles (id, url, canonical_url, published, fetched_at) VALUES (1, 'u', 'u', '2023-01-05', 'n')",
    )
    for version, tension in (("stance-1.0", 0.3), ("stance-1.1", -0.3)):
        query(
            db,
            "INSERT INTO scores (article_id, scorer_version, tension, sentiment, relevance, goldstein, language,"
            " certain, evidence, scored_at) VALUES (1, ?, ?, 0.1, 0.9, -1.0, 'en', 1, '[]', '2023-02-01')",
            (version, tension),
        )
    query(
        db,
        "INSERT INTO overrides (article_id, stance, not_relevant, note, created_at, author)"
        " VALUES (1, 'tension', 0, 'n', 'now', 'ana')",
    )
    query(
        db,
        "INSERT INTO events (date, label, is_demo, created_at, updated_at)"
        " VALUES ('2023-01-03', 'Summit', 1, 'now', 'now')",
    )
    query(
        db,
        "INSERT INTO alerts (key, raised_at, kind, freq, period, tension, summary)"
        " VALUES ('article:1', 'now', 'article', 'week', '2023-01-02', 0.3, 's')",
    )
    query(db, "INSERT INTO alert_articles (alert_id, article_id) VALUES (1, 1)")


def counter(db: str) -> int:
    return int(query(db, "SELECT counter FROM changes")[0][0])


def test_a_schema_8_database_files_every_row_under_the_pair_that_opens_it(store_db):
    schema_8_database(store_db)
    scores_before = query(
        store_db, "SELECT article_id, scorer_version, tension, relevance FROM scores ORDER BY scorer_version"
    )
    with Store.open(store_db, pair=load_pair(AM)) as db:
        frame = db.articles_frame(cached=False)
        assert frame.select("tension", "override_stance").rows() == [
            (-0.3, "tension")
        ]  # the later inserted wins the tie
        assert db.articles_frame(pair="kz-ru", cached=False).select("tension", "override_stance").rows() == [
            (None, None)
        ]
        assert db.pairs() == [AM]
        assert [e.label for e in db.events()] == ["Summit"] and db.events("kz-ru") == []
        [alert] = db.alerts()
        assert [(a.id, a.tension) for a in alert.articles] == [(1, -0.3)]  # the alert's articles kept
    after = query(store_db, "SELECT article_id, scorer_version, tension, relevance FROM scores ORDER BY scorer_version")
    assert after == scores_before
    assert query(store_db, "SELECT DISTINCT pair FROM scores") == [(AM,)]
    assert query(store_db, "SELECT pair, stance, note, author FROM overrides") == [(AM, "tension", "n", "ana")]
    assert query(store_db, "SELECT pair FROM events") == [(AM,)]
    assert query(store_db, "SELECT pair FROM alerts") == [(AM,)]
    # The rebuilt tables keep their triggers: a write by plain SQL moves the change counter and stamps the article.
    for statement in (
        "INSERT INTO scores (article_id, pair, scorer_version, tension, sentiment, relevance, goldstein, language,"
        " certain, evidence, scored_at) VALUES (1, 'kz-ru', 'v', 0.1, 0.1, 0.9, -1.0, 'en', 1, '[]', 'now')",
        "UPDATE scores SET tension = 0.2 WHERE pair = 'kz-ru'",
        "DELETE FROM scores WHERE pair = 'kz-ru'",
        "UPDATE overrides SET note = 'm'",
        "DELETE FROM overrides",
    ):
        seen = counter(store_db)
        query(store_db, statement)
        assert counter(store_db) > seen, statement
        assert query(store_db, "SELECT stamp FROM article_changes WHERE article_id = 1")[0][0] > seen, statement
    # The demo's unique index now includes the pair: the same demo event for another pair is a new row.
    with Store.open(store_db) as db:
        assert db.add_demo_events([Event(date(2023, 1, 3), "Summit")]) == 1
        assert db.add_demo_events([Event(date(2023, 1, 3), "Summit")], pair=AM) == 0


def test_a_schema_8_database_opened_without_a_pair_is_kz_rus(store_db):
    schema_8_database(store_db)
    with Store.open(store_db) as db:
        assert db.articles_frame(cached=False).get_column("tension").to_list() == [-0.3]
    assert query(store_db, "SELECT DISTINCT pair FROM scores") == [("kz-ru",)]
    assert query(store_db, "SELECT id FROM pairs") == [("kz-ru",)]


def _dashboards_first_check(db: str, tmp_path: Path) -> None:
    settings = load_settings(db=db)  # as dashboard.py: the settings' pair goes to its first read
    views.is_empty(db, backfill=settings.watched_pair().id)


def _migrate(db: str, tmp_path: Path) -> None:
    assert main(["migrate", "--from", db, "--to", str(tmp_path / "copy.sqlite"), "--no-progress"]) == 0


def _demo_removal(db: str, tmp_path: Path) -> None:
    assert main(["demo", "--remove", "--db", db]) == 0


def _events_page(db: str, tmp_path: Path) -> None:
    events.remove_event(db, 99, backfill=load_settings(db=db).watched_pair().id)  # as ui/events.py


@pytest.mark.parametrize("opener", [_dashboards_first_check, _migrate, _demo_removal, _events_page])
@pytest.mark.parametrize("named", ["am-ru", "PACKAGE_FILE"])
def test_a_schema_8_database_opened_without_a_pair_takes_the_settings_pair(
    store_db, monkeypatch, tmp_path, named, opener
):
    # The dashboard's first check, `migrate`, a demo removal and the Key events page name no pair of their
    # own: whichever opens the old database first passes the settings' pair (BAROMETER_PAIR, an id or a
    # file), and its rows are filed under the pair it was used with.
    from pipeline.resources import PACKAGE_DATA

    path = str(PACKAGE_DATA / "actors" / "am-ru.toml") if named == "PACKAGE_FILE" else named
    monkeypatch.setenv("BAROMETER_PAIR", path)
    schema_8_database(store_db)
    opener(store_db, tmp_path)
    assert query(store_db, "SELECT DISTINCT pair FROM scores") == [("am-ru",)]
    assert query(store_db, "SELECT id FROM pairs") == [("am-ru",)]


@pytest.mark.parametrize(("given", "filed_under"), [(AM, AM), (None, "kz-ru")])
def test_a_store_opened_with_or_without_a_pair_never_reads_the_environment(store_db, monkeypatch, given, filed_under):
    # Only what the opener passes counts (its pair, else kz-ru): BAROMETER_PAIR never reaches the store.
    monkeypatch.setenv("BAROMETER_PAIR", "uz-ru")
    schema_8_database(store_db)
    with Store.open(store_db, pair=load_pair(given) if given else None) as db:
        assert db.pair == filed_under
    assert query(store_db, "SELECT DISTINCT pair FROM scores") == [(filed_under,)]
    assert query(store_db, "SELECT id FROM pairs") == [(filed_under,)]


def test_all_pairs_means_the_followed_ones_not_also_the_stores_own(tmp_path):
    with Store.open(tmp_path / "am.sqlite", pair=load_pair(AM)) as db:
        db.insert_article(article(1), score(0.4, current(AM), AM))
    with Store.open(tmp_path / "am.sqlite") as db:  # a kz-ru store on a database that follows am-ru only
        assert (db.pairs(), db.pairs(with_own=False)) == (["am-ru", "kz-ru"], ["am-ru"])
    with Store.open(tmp_path / "empty.sqlite") as db:
        assert db.pairs(with_own=False) == ["kz-ru"]


def test_migrate_copies_the_pair_columns_and_the_pairs_table(postgres_url, tmp_path):
    source = tmp_path / "two-pairs.sqlite"
    with Store.open(source) as db:
        for i in range(1, 4):
            db.insert_article(article(i), score(i / 10, current()), extra_scores=[score(-i / 10, current(AM), AM)])
        db.set_override(2, stance="cooperation", pair=AM)
        db.add_event(Event(date(2023, 1, 1), "Corridor"), pair=AM)
        db.follow("uz-ru")
        expected = {pair: db.articles_frame(pair=pair, cached=False) for pair in ("kz-ru", AM)}
    migrate(str(source), postgres_url)
    for table, columns in (
        ("scores", "article_id, pair, scorer_version, tension"),
        ("overrides", "article_id, pair, stance"),
        ("events", "pair, label"),
        ("pairs", "id"),
    ):
        sql = f"SELECT {columns} FROM {table} ORDER BY {columns}"
        assert query(postgres_url, sql) == query(str(source), sql), table
    with Store.open(postgres_url) as db:
        assert db.pairs() == [AM, "kz-ru", "uz-ru"]
        for pair, frame in expected.items():
            assert_frame_equal(db.articles_frame(pair=pair), frame)


def test_score_article_records_the_pair_it_scored_for():
    text = "Astana and Moscow signed a treaty."
    assert score_article(text).pair == "kz-ru"
    assert score_article(text, pair=AM).pair == AM
    assert replace(score_article(text, pair=load_pair(AM)), evidence=[]).version == current(AM)


def test_the_backfill_pair_is_quoted_as_data(tmp_path):
    """A pair id with a quote or "--" (a .toml path's stem) is a value in migration 9, never SQL."""
    path = str(tmp_path / "q.sqlite")
    schema_8_database(path)
    odd = replace(load_pair(AM), id="o'brien--x; DROP TABLE scores")
    with Store.open(path, pair=odd) as db:
        assert db.pair == odd.id
    assert query(path, "SELECT DISTINCT pair FROM scores") == [(odd.id,)]
