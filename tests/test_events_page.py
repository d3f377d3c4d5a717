"""The Key events page and the view kept in the page address, as users drive them through AppTest on
a copy of the demo database: an event added, refused, edited and removed, drawn on the trend chart on
the next run; the demo's events gone with the demo; a shared address setting the widgets."""

from __future__ import annotations

import json
from datetime import date

from streamlit.testing.v1 import AppTest

from pipeline import events
from pipeline.demo import load_events
from pipeline.models import Event
from tests import test_dashboard as dashboard_tests
from tests.test_dashboard import app, chart_spec, no_exception

# The dashboard tests' fixtures: a copy of a demo database built once per module, the app run on it.
db, demo_template, demo_db, demo_app = (
    dashboard_tests.db,
    dashboard_tests.demo_template,
    dashboard_tests.demo_db,
    dashboard_tests.demo_app,
)

EVENTS_PAGE = "ui/events.py"


def unescaped(markdown: str) -> str:
    """A message's text as read: markdown escapes and the word joiners that keep "http://" from
    becoming a link taken out."""
    return dashboard_tests.unescaped(markdown).replace("\u2060", "")


def events_page(at: AppTest) -> AppTest:
    return at.switch_page(EVENTS_PAGE).run()


def type_event(at: AppTest, day: date | None, label: str, note: str = "", link: str = "") -> AppTest:
    at.date_input(key="event_date").set_value(day)
    at.text_input(key="event_label").input(label)
    at.text_area(key="event_note").input(note)
    at.text_input(key="event_link").input(link)
    return at.button(key="add_event").click().run()


def drawn_on_the_chart(at: AppTest) -> str:
    """The trend chart's figure as text (its traces and annotations, wherever the labels are drawn)."""
    return json.dumps(chart_spec(at.switch_page("ui/trend.py").run()), ensure_ascii=False)


def test_an_event_added_on_the_page_is_stored_and_drawn_on_the_trend_chart(demo_app, demo_db):
    at = events_page(demo_app)
    no_exception(at)
    assert len(at.dataframe[0].value) == len(load_events())  # the demo's, marked
    assert set(at.dataframe[0].value["demo"]) == {"demo"}
    label = "Analyst's own: pipeline deal"
    assert label not in drawn_on_the_chart(at)
    at = events_page(at)
    type_event(at, date(2023, 8, 15), label, "Signed in Astana.", "https://news.example/deal")
    no_exception(at)
    assert [unescaped(s.value) for s in at.success] == [f"Added 2023-08-15 · {label}."]
    [own] = [e for e in events.read_events(demo_db) if not e.is_demo]
    assert own == Event(date(2023, 8, 15), label, "Signed in Astana.", "https://news.example/deal", own.id)
    assert at.text_input(key="event_label").value == ""  # an empty form for the next one
    row = at.dataframe[0].value.query("label == @label")
    assert list(row["link"]) == ["https://news.example/deal"] and list(row["demo"]) == [""]
    assert label in drawn_on_the_chart(at)


def test_a_bad_event_is_refused_naming_each_field_and_nothing_is_stored(demo_app, demo_db):
    at = events_page(demo_app)
    type_event(at, None, "", link="ftp://files.example/x")
    no_exception(at)
    [error] = [unescaped(e.value) for e in at.error]
    assert error == (
        "Nothing was stored: Date: required; Label: required; Link: 'ftp://files.example/x' is not a web "
        "address: it must start with http:// or https://."
    )
    assert len(events.read_events(demo_db)) == len(load_events())
    assert at.text_input(key="event_link").value == "ftp://files.example/x"  # kept, to be corrected


def test_an_event_is_edited_and_removed(demo_app, demo_db):
    at = events_page(demo_app)
    first = events.read_events(demo_db)[0]
    at.selectbox(key="edit_event").set_value(first.id).run()
    assert at.text_input(key=f"event_label-{first.id}").value == first.label
    at.text_input(key=f"event_label-{first.id}").input("Renamed")
    at.text_input(key=f"event_link-{first.id}").input("http://archive.example/1")
    at.button(key="save_event").click().run()
    no_exception(at)
    changed = events.read_events(demo_db)[0]
    assert (changed.id, changed.label, changed.link, changed.note) == (
        first.id,
        "Renamed",
        "http://archive.example/1",
        first.note,
    )
    at.text_input(key=f"event_link-{first.id}").input("mailto:someone@example.org")
    at.button(key="save_event").click().run()
    assert "Link: 'mailto:someone@example.org' is not a web address" in unescaped(at.error[0].value)
    assert events.read_events(demo_db)[0].link == "http://archive.example/1"
    at.button(key="remove_event").click().run()
    no_exception(at)
    assert first.id not in {e.id for e in events.read_events(demo_db)}
    assert [unescaped(s.value) for s in at.success] == [f"Removed {first.date} · Renamed."]


def test_removing_the_demo_removes_its_events_and_keeps_the_analysts(demo_app, demo_db):
    own = events.add_event(demo_db, Event(date(2024, 2, 2), "own"))
    demo_app.button(key="remove_demo").click().run()
    no_exception(demo_app)
    assert [(e.id, e.label) for e in events.read_events(demo_db)] == [(own, "own")]
    at = events_page(demo_app)
    assert list(at.dataframe[0].value["label"]) == ["own"]


# ---------------------------------------------------------------- the view in the address


def test_a_shared_address_sets_the_sidebar_and_stays_in_the_address(demo_db):
    at = app()
    at.query_params.update({"freq": "month", "languages": ["kk", "xx"], "dates": "2022-01-01..2022-12-31"})
    at.run()
    no_exception(at)
    assert at.sidebar.radio(key="freq").value == "month"
    assert at.sidebar.multiselect(key="languages").value == ["kk"]
    assert at.sidebar.date_input(key="dates").value == (date(2022, 1, 1), date(2022, 12, 31))
    assert [unescaped(w.value) for w in at.warning] == [
        "Ignored languages='xx' in the address: no stored article has that language."
    ]
    x = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["x"]
    assert x[0].startswith("2022-01") and x[-1].startswith("2022-12")  # months of 2022 only
    assert at.query_params == {"freq": "month", "languages": "kk", "dates": "2022-01-01..2022-12-31"}
    # the notes are shown once; a change of a filter goes into the address
    at.sidebar.radio(key="freq").set_value("week").run()
    assert not at.warning
    assert at.query_params["freq"] == "week" and at.query_params["languages"] == "kk"


def test_a_bad_address_is_ignored_with_a_note_and_the_defaults_kept(demo_db):
    at = app()
    at.query_params.update({"freq": "year", "dates": "garbage", "smooth": "-1"})
    at.run()
    no_exception(at)
    assert at.sidebar.radio(key="freq").value == "month"  # the demo's own default (its density)
    assert [unescaped(w.value) for w in at.warning] == [
        "Ignored freq='year' in the address: the period is day, week or month.",
        "Ignored smooth='-1' in the address: smoothing runs from 0 to 12 trailing periods.",
        "Ignored dates='garbage' in the address: not a date range (write 2022-01-01..2022-06-30).",
    ]
    assert at.query_params == {"freq": "month"}  # the bad parameters are gone from the address


def test_the_articles_page_reopens_its_search_and_article(demo_db):
    found = [a for a in dashboard_tests.articles_in(demo_db) if "Tokayev" in a["title"]]
    oldest = min(found, key=lambda a: (a["published"], a["id"]))["id"]  # not the first one listed
    at = app()
    at.query_params.update({"search": "Tokayev", "article_id": str(oldest), "freq": "month"})
    at.switch_page("ui/articles.py").run()
    no_exception(at)
    assert at.text_input(key="search").value == "Tokayev"
    assert at.selectbox(key="article_id").value == oldest
    assert at.query_params == {"search": "Tokayev", "article_id": str(oldest), "freq": "month"}
    # on another page the articles page's keys leave the address, the sidebar's stay
    at.switch_page("ui/export.py").run()
    assert at.query_params == {"freq": "month"}
    # back on the articles page, the address gets the article its widgets open (known after the page ran)
    at.switch_page("ui/articles.py").run()
    assert at.query_params == {"search": "Tokayev", "article_id": str(oldest), "freq": "month"}
