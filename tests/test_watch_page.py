"""The dashboard's Sources page through Streamlit's AppTest: find a homepage's feed, save it, check
it now (the background job stores its articles), pause it; the trend caption says when it was polled."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.ingest import HtmlItem, ingest_html
from pipeline.store import Store
from tests.httpserver import Reply, article_html
from tests.test_dashboard import DASHBOARD, RELEVANT_PARAGRAPHS, unescaped
from tests.watch_fixtures import RSS_TYPE, rss, serve_articles


@pytest.fixture
def page_env(monkeypatch, settings, db_path):
    monkeypatch.setenv("BAROMETER_DB", str(db_path))
    monkeypatch.setenv("BAROMETER_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("BAROMETER_WATCH_HOST_GAP", "0")
    monkeypatch.setenv("BAROMETER_WORKERS", "1")
    # One article already stored: the dashboard does not load the demo into an empty database.
    page = article_html("Talks in Astana", RELEVANT_PARAGRAPHS, date="2025-03-01").encode()
    ingest_html([HtmlItem("seed.html", page)], settings)
    return db_path


def test_sources_page_finds_saves_checks_and_pauses_a_feed(server, page_env):
    paths = serve_articles(server, 2)
    server.routes["/"] = Reply(
        body=b'<html><head><link rel="alternate" type="application/rss+xml" href="/stories"></head></html>'
    )
    server.routes["/stories"] = Reply(body=rss(server, paths), headers=RSS_TYPE)
    at = AppTest.from_file(DASHBOARD, default_timeout=90).run()
    assert any("No sources are watched" in c.value for c in at.caption)  # the trend caption
    at = at.switch_page("ui/sources.py").run()
    at.text_input(key="watch_address").set_value(server.url("/"))
    at = at.button[0].click().run()  # the form's "Find feeds"
    [pick] = at.checkbox
    assert pick.value and unescaped(pick.label).endswith(f":{server.port}/stories — Test Gazette, 2 entries")
    at = at.button(key="watch_save").click().run()
    assert at.success[0].value == "Added 1 source; 0 already watched."
    table = at.dataframe[0].value
    assert table["health"].to_list() == ["not polled yet"] and table["found"].to_list() == [0]

    at = at.button(key="watch_check").click().run()
    # the background job (collected as done if it already finished on the rerun)
    job = at.session_state["ingest_job"] if "ingest_job" in at.session_state else at.session_state["ingest_done"]
    assert job.wait(60) and not job.error
    assert job.report.count("stored") == 2
    at = at.run()
    table = at.dataframe[0].value
    assert table["health"].to_list() == ["ok"] and table["stored"].to_list() == [2]
    at = at.button(key="watch_toggle").click().run()
    assert unescaped(at.success[0].value) == "Paused #1 Test Gazette."
    assert at.dataframe[0].value["health"].to_list() == ["paused"]

    at = at.switch_page("ui/trend.py").run()
    assert any("Sources last polled just now" in c.value for c in at.caption)
    with Store.open(page_env) as db:
        assert db.article_count() == 3


def test_alerts_page_lists_alerts_newest_first_with_their_evidence_and_articles(page_env):
    from datetime import UTC, date, datetime

    from pipeline.models import Article, Score
    from pipeline.store.watch_records import AlertDraft

    urls = ["https://news.example/a", "https://news.example/b"]
    with Store.open(page_env) as db:
        db.insert_articles_bulk(
            (
                Article(u, u, f"Piece {i}", "text", date(2025, 3, 10 + i), "news.example", "en", ""),
                Score(0.8, 0, 0.9, "en"),
            )
            for i, u in enumerate(urls)
        )
        ids = {row: db.find_article_id(u) for row, u in enumerate(urls)}
        for hour, (key, summary, evidence, article_ids) in enumerate(
            [
                ("article:a", "Tension +0.80: Piece 0", "Astana protested.", (ids[0],)),
                ("spike:week:2025-03-10", "Spike: the week of 2025-03-10", "Moscow warned.", (ids[0], ids[1])),
            ]
        ):
            draft = AlertDraft(
                key, key.split(":")[0], "week", "2025-03-10", 0.8, summary, evidence, urls[0], article_ids
            )
            db.add_alert(draft, now=datetime(2025, 3, 13, 10 + hour, tzinfo=UTC), deliver=False)
    at = AppTest.from_file(DASHBOARD, default_timeout=90).run()
    at = at.switch_page("ui/alerts.py").run()
    assert not at.exception
    labels = [unescaped(e.label) for e in at.expander]
    assert labels == [
        "2025-03-13T11:00:00+00:00 · Spike: the week of 2025-03-10",
        "2025-03-13T10:00:00+00:00 · Tension +0.80: Piece 0",
    ]
    assert unescaped(at.markdown[0].value) == "> Moscow warned."
    assert at.dataframe[0].value["url"].to_list() == urls
    assert at.dataframe[1].value["url"].to_list() == urls[:1]


def test_the_alerts_page_shows_the_watched_pairs_alerts(page_env, monkeypatch):
    # A watcher run for am-ru raises its alerts under am-ru: the page of a dashboard watching am-ru
    # lists them (it read kz-ru's, and said "No alerts yet").
    from datetime import UTC, datetime

    from pipeline.scoring.actors import load_pair
    from pipeline.store.watch_records import AlertDraft

    monkeypatch.setenv("BAROMETER_PAIR", "am-ru")
    with Store.open(page_env, pair=load_pair("am-ru")) as db:
        draft = AlertDraft("article:x", "article", "week", "2025-03-10", 0.8, "Tension +0.80: Yerevan", "", "", ())
        db.add_alert(draft, now=datetime(2025, 3, 13, 10, tzinfo=UTC), deliver=False)
    at = AppTest.from_file(DASHBOARD, default_timeout=90).run()
    at = at.switch_page("ui/alerts.py").run()
    assert not at.exception
    assert [unescaped(e.label) for e in at.expander] == ["2025-03-13T10:00:00+00:00 · Tension +0.80: Yerevan"]
