"""One dashboard path on PostgreSQL end to end, through AppTest with ``BAROMETER_DB`` set to a database
of the test's own server: the empty database gets the demo (articles and key events), the trend page
draws it, the full-text search finds a word only an article's body holds, an analyst's event is added
and drawn, and removing the demo leaves that event alone."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from pipeline import events
from pipeline.demo import DEMO_LABEL, load_events
from tests.postgres import query
from tests.test_dashboard import app, chart_spec, header, no_exception, open_page, table, trace
from tests.test_events_page import drawn_on_the_chart, events_page, type_event


@pytest.fixture
def pg_app(postgres_url, monkeypatch) -> AppTest:
    monkeypatch.setenv("BAROMETER_DB", postgres_url)
    monkeypatch.setenv("BAROMETER_RETRIES", "0")
    return app()


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.lower()))


def body_only_word(url: str) -> tuple[str, set[int]]:
    """A word of the demo that some articles' texts hold and no title does, and those articles."""
    rows = query(url, "SELECT id, title, text FROM articles ORDER BY id")
    in_titles = set().union(*(words(str(title)) for _, title, _ in rows))
    for _, _, text in rows:
        for word in sorted(words(str(text)) - in_titles):
            if len(word) >= 7 and word.isalpha():
                return word, {int(i) for i, _, t in rows if word in words(str(t))}
    raise AssertionError("the demo has no word found only in article bodies")


def test_the_dashboard_runs_on_postgresql_from_the_demo_to_an_event(pg_app, postgres_url):
    at = pg_app.run()
    no_exception(at)
    # The empty database got the demo: its articles and its key events, in PostgreSQL.
    assert any(DEMO_LABEL in i.value and "was empty" in i.value for i in at.info)
    [(stored, demo)] = query(postgres_url, "SELECT COUNT(*), SUM(is_demo) FROM articles")
    assert stored == demo > 50
    assert header(at).startswith(f"{stored} articles in the database ({stored} demo)")
    assert query(postgres_url, "SELECT COUNT(*) FROM events WHERE is_demo = 1") == [(len(load_events()),)]

    # The trend page draws the series.
    spec = chart_spec(at)
    assert sum(trace(spec, "articles")["y"]) > 0 and trace(spec, "mean tension")["x"]

    # The full-text search finds a word only in articles' bodies, and marks it in the passage.
    word, holding = body_only_word(postgres_url)
    open_page(at, "Articles")
    at.text_input(key="search").set_value(word).run()
    no_exception(at)
    found = table(at)
    assert set(found.get_column("id").to_list()) == holding
    assert all(f"‹{word}›" in p.lower() for p in found.get_column("passage"))

    # An analyst's event is stored in PostgreSQL and drawn on the chart.
    label = "Analyst's own: pipeline deal"
    at = events_page(at)
    type_event(at, date(2023, 8, 15), label, "Signed in Astana.", "https://news.example/deal")
    no_exception(at)
    [own] = [e for e in events.read_events(postgres_url) if not e.is_demo]
    assert (own.date, own.label) == (date(2023, 8, 15), label)
    assert label in drawn_on_the_chart(at)

    # Removing the demo removes its events; the analyst's stays.
    at.button(key="remove_demo").click().run()
    no_exception(at)
    assert query(postgres_url, "SELECT COUNT(*) FROM articles") == [(0,)]
    assert [e.label for e in events.read_events(postgres_url)] == [label]
