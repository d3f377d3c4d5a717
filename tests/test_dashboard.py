"""The dashboard as users drive it, through Streamlit's AppTest: every page on an empty and on a demo
database, every filter, a correction and its undo, the bytes of each download, bad uploads, and URLs
fetched from a real HTTP server on 127.0.0.1. Each test works on its own copy of a demo database
built once per module (the demo load takes seconds)."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

import polars as pl
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from pipeline import views
from pipeline.aggregate import ARTICLE_COLUMNS, CONTRACT_COLUMNS
from pipeline.charts import trend_figure
from pipeline.demo import DEMO_LABEL, Event, load_demo, load_events
from pipeline.ingest import HtmlItem, ingest_html
from pipeline.models import Article
from pipeline.settings import load_settings
from pipeline.store import Store
from pipeline.views import escape_markdown, hover_text
from tests.httpserver import Reply, TestServer, article_html

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = str(ROOT / "dashboard.py")

RELEVANT_PARAGRAPHS = [
    "Kazakhstan and Russia signed an agreement on oil transit on Thursday, officials in Astana said, "
    "adding that the accord covers ten years of deliveries through the northern pipeline network.",
    "The Kremlin welcomed the deal, and President Tokayev said both sides would keep talking about "
    "tariffs at the next meeting of the Eurasian Economic Union in Moscow.",
]
TENSE_PARAGRAPHS = [
    "Kazakhstan protested to Russia on Monday after a Russian lawmaker questioned its borders, "
    "and the foreign ministry in Astana summoned the Russian ambassador over the remarks.",
    "Officials in Astana called the statement a provocation and warned Moscow that such claims damage "
    "relations, while the Kremlin declined to comment on the dispute.",
]


# ---------------------------------------------------------------- helpers


class RecordingMediaStorage(MemoryMediaFileStorage):
    """Streamlit's in-memory media storage that keeps every file it is given, so a test can read
    the bytes behind a download button after the run (AppTest drops its storage at the end)."""

    files: ClassVar[dict[str, tuple[bytes, str, str | None]]] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        RecordingMediaStorage.files[file_id] = (self.get_file(file_id).content, mimetype, filename)
        return file_id


class RecordingMediaManager(MediaFileManager):
    """Streamlit's media manager that keeps the callables of deferred downloads (``data`` given as
    a callable, built when the button is clicked), so a test can click one after the run."""

    deferred: ClassVar[dict[str, tuple[Callable[[], bytes], str | None, str | None]]] = {}

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        file_id = super().add_deferred(data_callable, mimetype, coordinates, file_name, element_id=element_id)
        RecordingMediaManager.deferred[file_id] = (data_callable, mimetype, file_name)
        return file_id


def download(at: AppTest, label_start: str) -> tuple[bytes, str, str | None]:
    """(bytes, mime type, file name) of the download button whose label starts with ``label_start``;
    a deferred download's file is built here, as the click in a browser builds it."""
    button = next(b for b in at.download_button if b.label.startswith(label_start))
    if button.proto.deferred_file_id:
        build, mime, name = RecordingMediaManager.deferred[button.proto.deferred_file_id]
        return build(), mime or "", name
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".", 1)[0]
    return RecordingMediaStorage.files[file_id]


def unescaped(markdown: str) -> str:
    """The text of an escaped markdown message (see views.escape_markdown)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def app() -> AppTest:
    return AppTest.from_file(DASHBOARD, default_timeout=90)


#: The dashboard's pages (st.navigation) by title, as files relative to dashboard.py.
PAGE_FILES = {
    "Trend": "ui/trend.py",
    "Articles": "ui/articles.py",
    "Add articles": "ui/add_articles.py",
    "Export": "ui/export.py",
}


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to a page as its link in the navigation bar does, and run it."""
    return at.switch_page(PAGE_FILES[page]).run()


def chart_spec(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "no trend chart on the page"
    return json.loads(charts[0].proto.spec)


def trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name)


def header(at: AppTest) -> str:
    return next(c.value for c in at.caption if "in the database" in c.value)


def counted_here(at: AppTest) -> int:
    text = next(c.value for c in at.caption if "count here" in c.value)
    return int(text.split(" articles count here")[0].rsplit(" ", 1)[-1])


def table(at: AppTest) -> pl.DataFrame:
    """The page's table (each page has one: articles, or the ingest results)."""
    assert len(at.dataframe) == 1
    frame = pl.from_pandas(at.dataframe[0].value)
    if "published" in frame.columns:  # Arrow's round trip through pandas turns dates into datetimes
        frame = frame.with_columns(pl.col("published").cast(pl.Date))
    return frame


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    report = load_demo(load_settings(db=str(path)))
    assert report.count("stored") > 50, report.summary()
    return path


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """An empty database for the app (BAROMETER_DB), with the address guard off to reach 127.0.0.1."""
    path = tmp_path / "barometer.sqlite"
    monkeypatch.setenv("BAROMETER_DB", str(path))
    monkeypatch.setenv("BAROMETER_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("BAROMETER_RETRIES", "0")
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingMediaStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingMediaManager)
    return path


@pytest.fixture
def demo_db(db, demo_template) -> Path:
    """A copy of the demo database (the template was closed cleanly, so its WAL is checkpointed)."""
    shutil.copyfile(demo_template, db)
    return db


@pytest.fixture
def demo_app(demo_db) -> AppTest:
    at = app().run()
    no_exception(at)
    return at


def _db_of(at: AppTest) -> Path:
    return Path(os.environ["BAROMETER_DB"])


def articles_in(db: Path) -> list[dict]:
    with Store.open(db) as opened:
        return opened.articles_frame().to_dicts()


# ---------------------------------------------------------------- first run and the demo


def test_empty_database_loads_the_demo_by_itself_and_says_so(db):
    at = app().run()
    no_exception(at)
    assert any(DEMO_LABEL in i.value and "was empty" in i.value for i in at.info)
    demo = [a for a in articles_in(db) if a["is_demo"]]
    assert len(demo) == len(articles_in(db)) > 50
    assert header(at).startswith(f"{len(demo)} articles in the database ({len(demo)} demo)")
    assert counted_here(at) > 0
    at.run()  # a second run does not load it again
    assert len(articles_in(db)) == len(demo)


def test_remove_demo_button_keeps_the_users_own_articles(demo_db):
    own = article_html("Astana and Moscow sign oil transit deal", RELEVANT_PARAGRAPHS, date="2024-03-05")
    ingest_html([HtmlItem("own.html", own.encode())], load_settings(db=str(demo_db)))
    at = app().run()
    at.button(key="remove_demo").click().run()
    no_exception(at)
    left = articles_in(demo_db)
    assert [a["title"] for a in left] == ["Astana and Moscow sign oil transit deal"]
    assert header(at).startswith("1 article in the database (0 demo)")
    assert any("demo articles; your own articles were kept" in s.value for s in at.sidebar.success)
    assert not [b for b in at.button if b.key == "remove_demo"]


def test_removing_the_demo_resets_the_date_range_to_the_remaining_articles(demo_db):
    settings = load_settings(db=str(demo_db))
    for name, title, day, paragraphs in (
        ("a", "Astana and Moscow sign oil transit deal", "2025-09-02", RELEVANT_PARAGRAPHS),
        ("b", "Astana summons Russian ambassador", "2025-10-21", TENSE_PARAGRAPHS),
    ):
        page = article_html(title, paragraphs, date=day, canonical=f"https://own.example/{name}")
        ingest_html([HtmlItem(f"{name}.html", page.encode())], settings)
    at = app().run()
    demo_span = at.sidebar.date_input(key="dates").value
    assert demo_span[0] < date(2024, 1, 1) and demo_span[1] == date(2025, 10, 21)
    at.button(key="remove_demo").click().run()
    no_exception(at)
    assert at.sidebar.date_input(key="dates").value == (date(2025, 9, 2), date(2025, 10, 21))
    assert not at.warning  # no "value set via the Session State API" warning
    x = trace(chart_spec(at), "mean tension")["x"]
    assert (x[0], x[-1], len(x)) == ("2025-09-01", "2025-10-01", 2)  # the user's months, not the demo's years


def test_removing_the_demo_from_an_otherwise_empty_database_does_not_reload_it(demo_db):
    at = app().run()
    at.button(key="remove_demo").click().run()
    no_exception(at)
    assert articles_in(demo_db) == []
    assert header(at).startswith("0 articles")
    assert any("No article counts" in i.value for i in at.info)


def test_worker_processes_do_not_run_the_dashboard_again(demo_app, tmp_path, monkeypatch, capfd):
    """Streamlit (and AppTest) install the dashboard as __main__ and leave it there; an ingest's worker
    processes must not run it again: that printed "missing ScriptRunContext" by the hundred and loaded
    the demo into whatever database the worker's environment named (the user's own, in the tests)."""
    assert Path(sys.modules["__main__"].__file__) == Path(DASHBOARD)
    elsewhere = tmp_path / "seen-by-the-worker.sqlite"
    monkeypatch.setenv("BAROMETER_DB", str(elsewhere))
    capfd.readouterr()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(os.getpid).result(timeout=300) != os.getpid()
    printed = capfd.readouterr()
    assert not elsewhere.exists()
    for warning in ("missing ScriptRunContext", "No runtime found", "Session state does not function"):
        assert warning not in printed.err + printed.out


def test_only_the_open_page_runs_and_the_sidebar_stays_across_pages(demo_app):
    """Each page is its own file under st.navigation: the others draw nothing (and compute nothing);
    the sidebar's choices are drawn by dashboard.py on every page and keep their values."""
    assert demo_app.get("plotly_chart") and not demo_app.dataframe and not demo_app.download_button
    demo_app.sidebar.radio(key="freq").set_value("month").run()
    demo_app.sidebar.multiselect(key="languages").set_value(["ru"]).run()
    for page in ("Articles", "Add articles", "Export", "Trend"):
        open_page(demo_app, page)
        no_exception(demo_app)
        assert demo_app.sidebar.radio(key="freq").value == "month", page
        assert demo_app.sidebar.multiselect(key="languages").value == ["ru"], page
        assert bool(demo_app.get("plotly_chart")) == (page == "Trend"), page
        assert bool(demo_app.download_button) == (page == "Export"), page
        assert bool(demo_app.get("text_area")) == (page == "Add articles"), page
    open_page(demo_app, "Articles")
    assert set(table(demo_app).get_column("language")) == {"ru"}


# ---------------------------------------------------------------- trend


def test_trend_page_draws_mean_band_counts_spikes_and_evidence_hover(demo_app):
    spec = chart_spec(demo_app)
    names = [t.get("name") for t in spec["data"]]
    assert {"articles", "95% interval", "mean tension", "spike"} <= set(names)
    bars = trace(spec, "articles")
    assert bars["type"] == "bar" and bars["yaxis"] == "y2"
    mean = trace(spec, "mean tension")
    assert sum(bars["y"]) == counted_here(demo_app)
    hover = [t for t, n in zip(mean["text"], bars["y"], strict=True) if n]
    assert all("article" in t and "strongest evidence" in t for t in hover)
    assert len(mean["x"]) == len(bars["y"])


def test_key_events_are_labelled_vertical_lines():
    series = pl.DataFrame(
        {
            "period_start": [date(2022, 1, 3), date(2022, 1, 10), date(2022, 1, 17)],
            "articles": [2, 0, 3],
            "mean_tension": [0.1, None, 0.5],
            "ci_low": [0.0, None, 0.2],
            "ci_high": [0.2, None, 0.8],
            "tension_z": [None, None, 2.5],
            "spike": [False, False, True],
            "top_evidence": ["Moscow <b>sent</b> troops & more", None, "Astana protested"],
            "top_evidence_id": [1, None, 3],
        }
    )
    events = [Event(date(2022, 1, 6), "CSTO <mission>", "troops arrive"), Event(date(2023, 1, 1), "later", "")]
    fig = trend_figure(series, events).to_plotly_json()
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["CSTO &lt;mission&gt;"]
    assert [s["x0"] for s in fig["layout"]["shapes"]] == [date(2022, 1, 6)]
    assert (
        hover_text(series)[0] == "2 articles<br>strongest evidence:<br>Moscow &lt;b&gt;sent&lt;/b&gt; troops &amp; more"
    )
    assert hover_text(series)[1] == "0 articles"
    spikes = next(t for t in fig["data"] if t["name"] == "spike")
    assert list(spikes["x"]) == [date(2022, 1, 17)]


def test_trend_hover_gives_the_interval_in_words_and_none_for_one_article():
    series = pl.DataFrame(
        {
            "period_start": [date(2022, 1, 3), date(2022, 1, 10), date(2022, 1, 17)],
            "articles": [2, 0, 1],
            "mean_tension": [0.1, None, -0.5],
            "ci_low": [-0.031, None, None],
            "ci_high": [0.236, None, None],
            "tension_z": [None, None, None],
            "spike": [False, False, False],
            "top_evidence": ["Astana protested", None, "Moscow and Astana signed"],
            "top_evidence_id": [1, None, 3],
        }
    )
    mean = next(t for t in trend_figure(series).to_plotly_json()["data"] if t["name"] == "mean tension")
    assert [c[0] for c in mean["customdata"]] == [  # the sign in words, then the interval
        "▲ tension · 95% interval: -0.03 to 0.24",
        "95% interval: n/a",
        "▼ cooperation · 95% interval: n/a (one article)",
    ]
    assert mean["hovertemplate"] == (
        "%{x|%Y-%m-%d}<br>mean tension %{y:.2f} %{customdata[0]}<br>%{customdata[1]}<br>%{text}<extra></extra>"
    )
    assert list(mean["text"]) == [
        "2 articles<br>strongest evidence:<br>Astana protested",
        "0 articles",
        "1 article<br>strongest evidence:<br>Moscow and Astana signed",
    ]


def test_trend_chart_shows_the_bundled_events_in_range(demo_app):
    events = load_events()
    spec = chart_spec(demo_app)
    first, last = spec["layout"]["xaxis"]["range"]
    inside = [e for e in events if first <= e.date.isoformat() <= last]
    assert len(spec["layout"].get("shapes", [])) == len(inside)
    if inside:  # one marker per group of close events, each naming all of its events
        hover = "".join(trace(spec, "key events")["text"])
        assert all(e.label in hover for e in inside)


def test_period_filter_changes_the_buckets(demo_app):
    demo_app.sidebar.radio(key="freq").set_value("week").run()  # the demo opens on month (its density)
    weekly = trace(chart_spec(demo_app), "mean tension")["x"]
    demo_app.sidebar.radio(key="freq").set_value("month").run()
    monthly = trace(chart_spec(demo_app), "mean tension")["x"]
    assert all(x.endswith("-01") for x in monthly)
    assert len(monthly) < len(weekly)
    demo_app.sidebar.radio(key="freq").set_value("day").run()
    daily = trace(chart_spec(demo_app), "mean tension")["x"]
    assert len(daily) > len(weekly)


def test_the_filter_choices_are_read_once_per_data_version(demo_db, monkeypatch):
    """The sidebar's languages, sources and span scan every article: a rerun (a filter moved, a page
    opened) takes them from the cache; a write reads them again, with the new article's source."""
    scans = []
    real = views.filter_options
    monkeypatch.setattr(views, "filter_options", lambda frame: scans.append(frame.height) or real(frame))
    at = app().run()
    no_exception(at)
    at.sidebar.radio(key="freq").set_value("month").run()
    open_page(at, "Articles")
    assert len(scans) == 1
    with Store.open(demo_db) as store:
        url = "https://new.example/1"
        store.insert_article(Article(url, url, "New", "text", None, "Brand new source", "en", "fp-new", None))
    at.run()
    no_exception(at)
    assert len(scans) == 2 and scans[1] == scans[0] + 1
    assert "Brand new source" in at.sidebar.multiselect(key="sources").options


def test_smoothing_adds_the_smoothed_line(demo_app):
    assert "smoothed" not in [t.get("name") for t in chart_spec(demo_app)["data"]]
    demo_app.sidebar.slider(key="smooth").set_value(4).run()
    smoothed = trace(chart_spec(demo_app), "smoothed")
    assert any(v is not None for v in smoothed["y"])


def test_date_range_limits_the_periods(demo_app):
    everything = counted_here(demo_app)
    demo_app.sidebar.date_input(key="dates").set_value((date(2022, 1, 1), date(2022, 12, 31))).run()
    no_exception(demo_app)
    x = trace(chart_spec(demo_app), "mean tension")["x"]
    assert x[0] >= "2021-12-27" and x[-1] <= "2022-12-31"
    assert 0 < counted_here(demo_app) < everything
    open_page(demo_app, "Articles")
    published = table(demo_app).get_column("published").drop_nulls()
    assert published.min() >= date(2022, 1, 1) and published.max() <= date(2022, 12, 31)


def test_language_and_source_filters_narrow_chart_and_table(demo_app):
    everything = counted_here(demo_app)
    demo_app.sidebar.multiselect(key="languages").set_value(["kk"]).run()
    kazakh = counted_here(demo_app)
    assert 0 < kazakh < everything
    open_page(demo_app, "Articles")
    assert set(table(demo_app).get_column("language")) == {"kk"}
    source = demo_app.sidebar.multiselect(key="sources").options[0]
    demo_app.sidebar.multiselect(key="languages").set_value([]).run()
    demo_app.sidebar.multiselect(key="sources").set_value([source]).run()
    assert set(table(demo_app).get_column("source")) == {source}
    open_page(demo_app, "Trend")
    assert 0 < counted_here(demo_app) < everything


# ---------------------------------------------------------------- articles and corrections


def test_articles_page_searches_and_shows_evidence_scores_and_link(demo_app):
    open_page(demo_app, "Articles")
    everything = table(demo_app)
    assert list(everything.columns[:8]) == [
        "id",
        "published",
        "title",
        "source",
        "language",
        "tension",
        "sentiment",
        "relevance",
    ]
    demo_app.text_input(key="search").set_value("tokayev").run()
    found = table(demo_app)
    assert 0 < found.height < everything.height
    # Full-text search: the word is in the title or the text, and the passage shown holds it.
    assert all("‹tokayev›" in p.lower() for p in found.get_column("passage"))
    chosen = demo_app.selectbox(key="article_id").value
    article = next(a for a in articles_in(_db_of(demo_app)) if a["id"] == chosen)
    assert unescaped(demo_app.subheader[0].value) == article["title"]
    assert {m.label for m in demo_app.metric} == {"Tension", "Sentiment", "Relevance", "Goldstein"}
    badges = [m.value for m in demo_app.markdown if "-badge[" in m.value]
    assert badges, "no evidence sentences shown"
    for badge in badges:
        colour, rest = badge[1:].split("-badge[", 1)
        weight = float(rest.rstrip("]").rsplit(" ", 1)[-1])
        assert colour == ("red" if weight > 0 else "green" if weight < 0 else "gray")
    # The word-stem model's part, word by word, for the score shown; none for a score the text no longer gives
    detail = views.read_article(_db_of(demo_app), chosen)
    words = views.leaning_words(detail)
    assert words, "the word-stem model leaned the article by no word"
    shown = [unescaped(c.value) for c in demo_app.caption if c.value.startswith("Words that leaned it")]
    assert len(shown) == 1 and shown[0].endswith(": " + ", ".join(f"{w} {v:+.2f}" for w, v in words))
    other = replace(detail, score=replace(detail.score, tension=round(detail.score.tension - 0.01, 4)))
    assert views.leaning_words(other) == []
    assert demo_app.get("link_button")[0].proto.url == article["url"]


def test_the_articles_page_shows_its_evidence_when_the_words_cannot_be_read_again(demo_app, monkeypatch):
    def unreadable(*args, **kwargs):
        raise RuntimeError("planted")

    monkeypatch.setattr(views, "score_words", unreadable)
    open_page(demo_app, "Articles")
    no_exception(demo_app)
    assert [m.value for m in demo_app.markdown if "-badge[" in m.value], "no evidence sentences shown"
    assert not [c.value for c in demo_app.caption if c.value.startswith("Words that leaned it")]


def test_correction_is_stored_marked_counted_and_undone(demo_app, demo_db):
    before = counted_here(demo_app)
    open_page(demo_app, "Articles")
    counted_rows = table(demo_app).filter(pl.col("counted") == "yes")
    article_id = counted_rows.get_column("id")[0]
    demo_app.selectbox(key="article_id").set_value(article_id).run()
    radio = next(r for r in demo_app.radio if r.key and r.key.startswith(f"correction-{article_id}-"))
    radio.set_value("not relevant").run()
    demo_app.button(key="save_correction").click().run()
    no_exception(demo_app)
    row = table(demo_app).filter(pl.col("id") == article_id).row(0, named=True)
    assert row["correction"] == "✎ not relevant" and row["counted"] == "not relevant (analyst)"
    stored = next(a for a in articles_in(demo_db) if a["id"] == article_id)
    assert stored["override_not_relevant"] is True and stored["tension"] is not None  # the score is kept
    open_page(demo_app, "Trend")
    assert counted_here(demo_app) == before - 1

    open_page(demo_app, "Articles")
    radio = next(r for r in demo_app.radio if r.key and r.key.startswith(f"correction-{article_id}-"))
    assert radio.value == "not relevant"
    radio.set_value("tension").run()
    demo_app.button(key="save_correction").click().run()
    assert table(demo_app).filter(pl.col("id") == article_id)["correction"][0] == "✎ tension"
    demo_app.button(key="undo_correction").click().run()
    no_exception(demo_app)
    row = table(demo_app).filter(pl.col("id") == article_id).row(0, named=True)
    assert row["correction"] == "" and row["counted"] == "yes"
    stored = next(a for a in articles_in(demo_db) if a["id"] == article_id)
    assert stored["override_stance"] is None and stored["override_not_relevant"] is None
    open_page(demo_app, "Trend")
    assert counted_here(demo_app) == before


def test_saving_the_scorers_reading_removes_the_correction(demo_app, demo_db):
    """Choosing "no correction" and saving undoes a correction, as the undo button does."""
    open_page(demo_app, "Articles")
    article_id = table(demo_app).filter(pl.col("counted") == "yes").get_column("id")[0]
    demo_app.selectbox(key="article_id").set_value(article_id).run()

    def correction_radio():
        return next(r for r in demo_app.radio if r.key and r.key.startswith(f"correction-{article_id}-"))

    correction_radio().set_value("tension").run()
    demo_app.button(key="save_correction").click().run()
    assert next(a for a in articles_in(demo_db) if a["id"] == article_id)["override_stance"] == "tension"
    correction_radio().set_value(views.NO_CORRECTION).run()
    demo_app.button(key="save_correction").click().run()
    no_exception(demo_app)
    stored = next(a for a in articles_in(demo_db) if a["id"] == article_id)
    assert stored["override_stance"] is None and stored["override_not_relevant"] is None
    assert table(demo_app).filter(pl.col("id") == article_id)["correction"][0] == ""
    assert correction_radio().value == views.NO_CORRECTION


def test_stance_correction_moves_the_series(demo_app):
    demo_app.sidebar.radio(key="freq").set_value("week").run()  # the demo opens on month (its density)
    open_page(demo_app, "Export")
    weekly = {r["period_start"]: r for r in csv_rows(download(demo_app, "Aggregated CSV")[0])}
    open_page(demo_app, "Articles")
    row = table(demo_app).filter((pl.col("counted") == "yes") & (pl.col("tension") < 0.5)).row(0, named=True)
    week = (row["published"] - timedelta(days=row["published"].weekday())).isoformat()
    demo_app.selectbox(key="article_id").set_value(row["id"]).run()
    radio = next(r for r in demo_app.radio if r.key and r.key.startswith(f"correction-{row['id']}-"))
    radio.set_value("tension").run()
    demo_app.button(key="save_correction").click().run()
    open_page(demo_app, "Export")
    after = {r["period_start"]: r for r in csv_rows(download(demo_app, "Aggregated CSV")[0])}
    # the corrected article's week rises; every other week stays (to rounding)
    assert float(after[week]["mean_tension"]) > float(weekly[week]["mean_tension"])
    for period, before in weekly.items():
        if period != week and before["mean_tension"]:
            assert abs(float(after[period]["mean_tension"]) - float(before["mean_tension"])) < 1e-3


# ---------------------------------------------------------------- export


def test_downloads_hold_the_contract_csv_and_the_article_table(demo_app):
    demo_app.sidebar.radio(key="freq").set_value("week").run()  # the demo opens on month (its density)
    open_page(demo_app, "Export")
    data, mime, name = download(demo_app, "Aggregated CSV")
    assert (mime, name) == ("text/csv", "barometer-week.csv")
    assert data.decode("utf-8").splitlines()[0] == ",".join(CONTRACT_COLUMNS)
    rows = csv_rows(data)
    assert sum(int(r["articles"]) for r in rows) == counted_here(open_page(demo_app, "Trend"))
    assert all(date.fromisoformat(r["period_start"]).weekday() == 0 for r in rows)

    open_page(demo_app, "Export")
    data, mime, name = download(demo_app, "Article table (CSV)")
    assert (mime, name) == ("text/csv", "barometer-articles.csv")
    assert data.decode("utf-8").splitlines()[0] == ",".join(ARTICLE_COLUMNS)
    everything = len(articles_in(_db_of(demo_app)))
    assert len(csv_rows(data)) == everything
    data, mime, name = download(demo_app, "Article table (Parquet)")
    assert name == "barometer-articles.parquet" and data[:4] == b"PAR1"
    parquet = pl.read_parquet(io.BytesIO(data))
    assert parquet.columns == list(ARTICLE_COLUMNS) and parquet.height == everything


def test_downloads_follow_the_filters_and_period(demo_app):
    demo_app.sidebar.radio(key="freq").set_value("month").run()
    demo_app.sidebar.multiselect(key="languages").set_value(["ru"]).run()
    open_page(demo_app, "Export")
    data, _, name = download(demo_app, "Aggregated CSV")
    assert name == "barometer-month.csv"
    rows = csv_rows(data)
    assert all(r["period_start"].endswith("-01") for r in rows)
    assert sum(int(r["articles"]) for r in rows) == counted_here(open_page(demo_app, "Trend"))
    open_page(demo_app, "Export")
    articles = csv_rows(download(demo_app, "Article table (CSV)")[0])
    assert {r["language"] for r in articles} == {"ru"}


# ---------------------------------------------------------------- adding articles


def _served(server: TestServer) -> list[str]:
    server.routes["/calm"] = Reply(
        body=article_html("Astana and Moscow sign oil transit deal", RELEVANT_PARAGRAPHS, date="2024-03-05").encode()
    )
    server.routes["/tense"] = Reply(
        body=article_html("Astana summons Russian ambassador", TENSE_PARAGRAPHS, date="2024-03-06").encode()
    )
    return [server.url("/calm"), server.url("/tense"), server.url("/missing")]


def finish_ingest(at: AppTest, timeout: float = 60.0) -> AppTest:
    """Wait for the background ingest the last click started, then rerun the page, which collects it."""
    if "ingest_job" in at.session_state:
        assert at.session_state["ingest_job"].wait(timeout), "the ingest did not finish in time"
    at.run()
    assert "ingest_job" not in at.session_state
    return at


def test_pasted_urls_are_fetched_stored_and_charted(demo_app, demo_db, server):
    before = len(articles_in(demo_db))
    counted = counted_here(demo_app)
    urls = _served(server)
    open_page(demo_app, "Add articles")
    demo_app.text_area(key="pasted_urls").input("\n".join(urls))
    finish_ingest(demo_app.button(key="FormSubmitter:paste_form-Fetch and store").click().run())
    no_exception(demo_app)
    assert any("Pasted URLs finished: 2 stored" in unescaped(s.value) for s in demo_app.success)
    results = {r["input"]: r for r in table(demo_app).iter_rows(named=True)}
    assert results[urls[0]]["result"] == "stored" and results[urls[1]]["result"] == "stored"
    assert results[urls[2]]["result"] == "failed" and "404" in results[urls[2]]["detail"]
    assert len(articles_in(demo_db)) == before + 2
    assert header(demo_app).startswith(f"{before + 2} articles")
    assert counted_here(open_page(demo_app, "Trend")) == counted + 2

    open_page(demo_app, "Add articles")
    demo_app.text_area(key="pasted_urls").input(urls[0])
    finish_ingest(demo_app.button(key="FormSubmitter:paste_form-Fetch and store").click().run())
    assert table(demo_app)["result"].to_list() == ["already present"]


def test_clicks_during_an_ingest_do_not_stop_it(demo_app, demo_db, server):
    """Streamlit stops a script run on every click; the ingest runs in its own thread, so moving a
    filter and switching pages while it fetches neither stops it nor loses its results table."""
    before = len(articles_in(demo_db))
    urls = _served(server)[:2]
    server.routes["/tense"] = Reply(body=server.routes["/tense"].body, delay=3.0)  # still fetching below
    open_page(demo_app, "Add articles")
    demo_app.text_area(key="pasted_urls").input("\n".join(urls))
    demo_app.button(key="FormSubmitter:paste_form-Fetch and store").click().run()
    job = demo_app.session_state["ingest_job"]
    assert not job.finished
    assert [p.proto.text for p in demo_app.get("progress")], "no progress bar while the ingest runs"
    demo_app.sidebar.radio(key="freq").set_value("month").run()  # a click: the script run restarts
    open_page(demo_app, "Trend")
    no_exception(demo_app)
    assert demo_app.get("progress"), "the progress bar is shown on the other page too"
    finish_ingest(demo_app)
    open_page(demo_app, "Add articles")
    assert any("Pasted URLs finished: 2 stored" in unescaped(s.value) for s in demo_app.success)
    assert table(demo_app)["result"].to_list() == ["stored", "stored"]
    assert len(articles_in(demo_db)) == before + 2


def test_a_batch_where_every_input_failed_is_a_warning_not_a_success(demo_app, server):
    open_page(demo_app, "Add articles")
    demo_app.text_area(key="pasted_urls").input(f"{server.url('/missing')}\nnot-a-web-address")
    finish_ingest(demo_app.button(key="FormSubmitter:paste_form-Fetch and store").click().run())
    assert not demo_app.success
    assert any("Nothing was stored" in unescaped(w.value) for w in demo_app.warning)
    assert table(demo_app)["result"].to_list() == ["failed", "failed"]


def test_a_click_when_a_batch_has_just_ended_is_not_dropped(demo_app, demo_db, server):
    """The page collects a finished batch without a rerun, so the click that started that run counts."""
    urls = _served(server)[:2]
    server.routes["/calm"] = Reply(body=server.routes["/calm"].body, delay=1.5)
    open_page(demo_app, "Add articles")
    demo_app.text_area(key="pasted_urls").input(urls[0])
    demo_app.button(key="FormSubmitter:paste_form-Fetch and store").click().run()
    assert demo_app.session_state["ingest_job"].wait(60)  # ended, not yet collected by the page
    demo_app.text_area(key="pasted_urls").input(urls[1])
    demo_app.button(key="FormSubmitter:paste_form-Fetch and store").click().run()
    finish_ingest(demo_app)
    assert {a["url"] for a in articles_in(demo_db)} >= set(urls)
    assert table(demo_app)["input"].to_list() == [urls[1]]


def test_address_guard_refusals_show_as_failures(demo_app, demo_db, server, monkeypatch):
    monkeypatch.setenv("BAROMETER_ALLOW_PRIVATE", "0")
    url = _served(server)[0]
    open_page(demo_app, "Add articles")
    demo_app.text_area(key="pasted_urls").input(url)
    finish_ingest(demo_app.button(key="FormSubmitter:paste_form-Fetch and store").click().run())
    no_exception(demo_app)
    result = table(demo_app).row(0, named=True)
    assert result["result"] == "failed" and result["detail"].startswith("refused: 127.0.0.1")
    assert server.hits["/calm"] == 0


def test_uploaded_url_list_and_saved_pages_are_stored(demo_app, demo_db, server):
    before = len(articles_in(demo_db))
    urls = _served(server)
    open_page(demo_app, "Add articles")
    listing = "url,date,source\n" + f"{urls[0]},2024-03-05,Own Wire\n{urls[1]},,\n"
    demo_app.file_uploader(key="url_file").set_value(("mine.csv", listing.encode(), "text/csv")).run()
    finish_ingest(demo_app.button(key="fetch_list").click().run())
    no_exception(demo_app)
    assert any("URL list mine.csv finished: 2 stored" in unescaped(s.value) for s in demo_app.success)
    stored = [a for a in articles_in(demo_db) if a["url"] == urls[0]]
    assert stored[0]["source"] == "Own Wire"

    gas = [
        "President Tokayev and Vladimir Putin discussed gas supplies to northern Kazakhstan by telephone, "
        "the Akorda press service said, and agreed that Gazprom would expand the pipeline to Kostanay.",
        "Russia and Kazakhstan will sign the gas agreement in Astana next month, according to the Kremlin.",
    ]
    page = article_html("Tokayev and Putin discuss gas", gas, date="2024-04-01", canonical="https://own.example/g")
    demo_app.file_uploader(key="html_files").set_value([("gas.html", page.encode(), "text/html")]).run()
    finish_ingest(demo_app.button(key="store_pages").click().run())
    no_exception(demo_app)
    assert any("Saved pages finished: 1 stored" in unescaped(s.value) for s in demo_app.success)
    assert len(articles_in(demo_db)) == before + 3
    assert header(demo_app).startswith(f"{before + 3} articles")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("links.csv", b"link,date\nhttps://a.example/x,2024-01-01\n", "no 'url' column"),
        ("latin.txt", "https://a.example/é\n".encode("latin-1"), "not UTF\\-8"),
        ("empty.txt", b"# nothing here\n\n", "no URL found"),
    ],
)
def test_bad_upload_gets_a_clear_message_and_stores_nothing(demo_app, demo_db, name, content, message):
    before = articles_in(demo_db)
    open_page(demo_app, "Add articles")
    demo_app.file_uploader(key="url_file").set_value((name, content, "text/plain")).run()
    demo_app.button(key="fetch_list").click().run()
    assert "ingest_job" not in demo_app.session_state  # nothing to fetch: no background job
    no_exception(demo_app)
    errors = [e.value for e in demo_app.error]  # markdown source: the file's text is escaped
    assert any(message in e and "Nothing was stored\\." in e and name.replace(".", "\\.") in e for e in errors), errors
    assert articles_in(demo_db) == before
    with Store.open(demo_db) as db:
        assert db.failures_frame().height == 0


def test_batches_over_the_dashboards_caps_are_refused_whole_naming_the_limit(demo_app, demo_db, server, monkeypatch):
    page = article_html("Astana and Moscow sign oil transit deal", RELEVANT_PARAGRAPHS).encode()
    limit = len(page) + 100  # one page fits, two do not
    for name, value in (("PASTE_URLS", 2), ("LIST_URLS", 2), ("UPLOAD_FILES", 2), ("UPLOAD_BYTES", limit)):
        monkeypatch.setenv(f"BAROMETER_MAX_{name}", str(value))
    before = articles_in(demo_db)
    urls = _served(server)
    open_page(demo_app, "Add articles")

    def refused(at: AppTest) -> str:
        no_exception(at)
        assert "ingest_job" not in at.session_state  # nothing started
        return "\n".join(unescaped(e.value) for e in at.error)

    demo_app.text_area(key="pasted_urls").input("\n".join(urls))
    demo_app.button(key="FormSubmitter:paste_form-Fetch and store").click().run()
    assert refused(demo_app) == (
        "Nothing was stored. The paste box holds 3 URLs; the limit is 2 (setting BAROMETER_MAX_PASTE_URLS)."
    )
    demo_app.file_uploader(key="url_file").set_value(("mine.txt", "\n".join(urls).encode(), "text/plain")).run()
    demo_app.button(key="fetch_list").click().run()
    assert (
        refused(demo_app) == "Nothing was stored. mine.txt: more than 2 URLs (the limit for one list here, setting "
        "BAROMETER_MAX_LIST_URLS; split it, or run `python -m pipeline ingest --from FILE`, which reads a list "
        "of any length)"
    )
    padded = (f"{urls[0]}\n#" + "-" * limit + "\n").encode()
    demo_app.file_uploader(key="url_file").set_value(("big.txt", padded, "text/plain")).run()
    demo_app.button(key="fetch_list").click().run()
    assert refused(demo_app) == (
        f"Nothing was stored. big.txt holds {len(padded):,} bytes; the limit is {limit:,}"
        " (setting BAROMETER_MAX_UPLOAD_BYTES)."
    )
    three = [(f"p{n}.html", page, "text/html") for n in range(3)]
    demo_app.file_uploader(key="html_files").set_value(three).run()
    demo_app.button(key="store_pages").click().run()
    assert refused(demo_app) == (
        "Nothing was stored. The upload holds 3 saved pages; the limit is 2 (setting BAROMETER_MAX_UPLOAD_FILES)."
    )
    demo_app.file_uploader(key="html_files").set_value(three[:2]).run()
    demo_app.button(key="store_pages").click().run()
    assert refused(demo_app) == (
        f"Nothing was stored. The upload holds {2 * len(page):,} bytes of saved pages; the limit is {limit:,}"
        " (setting BAROMETER_MAX_UPLOAD_BYTES)."
    )
    assert articles_in(demo_db) == before and sum(server.hits.values()) == 0
    with Store.open(demo_db) as db:
        assert db.failures_frame().height == 0


def test_streamlit_caps_each_uploaded_file_at_20_mb(monkeypatch):
    from streamlit import config

    monkeypatch.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from where it is started
    config.get_config_options(force_reparse=True)
    try:
        assert config.get_option("server.maxUploadSize") == 20
        assert config.get_option("browser.gatherUsageStats") is False
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)


def test_a_database_in_a_missing_directory_is_an_error_on_the_page(tmp_path, monkeypatch):
    path = tmp_path / "dtaa" / "barometer.sqlite"
    monkeypatch.setenv("BAROMETER_DB", str(path))
    at = app().run()
    no_exception(at)
    assert [unescaped(e.value) for e in at.error] == [
        f"The database cannot be opened: cannot create the database {path}: the directory {path.parent} "
        "does not exist (create it first, or check --db / BAROMETER_DB)"
    ]
    assert not path.parent.exists()


# ---------------------------------------------------------------- text is never HTML


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://evil.example/x", "https\u2060\\://evil\\.example/x"),  # no autolink: a word joiner breaks it
        ("HTTP://A.example", "HTTP\u2060\\://A\\.example"),
        ("see www.example.com now", "see www\u2060\\.example\\.com now"),
        ("ftp.example.org", "ftp\u2060\\.example\\.org"),
        ("mail me@x.org", "mail me@\u2060x\\.org"),
        (
            "**bold** _it_ <b>x</b> [a](b) $x$ #h ~s~ |t| !i 1+1-2 `c` {d} \\",
            "\\*\\*bold\\*\\* \\_it\\_ \\<b\\>x\\</b\\> \\[a\\]\\(b\\) \\$x\\$ \\#h \\~s\\~ \\|t\\| \\!i 1\\+1\\-2"
            " \\`c\\` \\{d\\} \\\\",
        ),
        ("  two\n lines\t", "two lines"),
        ("Astana", "Astana"),
    ],
)
def test_escape_markdown_golden_values(text, shown):
    assert escape_markdown(text) == shown


def test_titles_and_evidence_are_shown_as_text_not_html(demo_db):
    title = "<b>Bold</b> **claim** [click](javascript:alert(1)) about Kazakhstan"
    page = article_html(title.replace("<", "&lt;").replace(">", "&gt;"), TENSE_PARAGRAPHS, date="2024-05-01")
    ingest_html([HtmlItem("x.html", page.encode())], load_settings(db=str(demo_db)))
    at = app().run()
    open_page(at, "Articles")
    at.text_input(key="search").set_value("claim").run()
    assert at.subheader[0].value == (
        "\\<b\\>Bold\\</b\\> \\*\\*claim\\*\\* \\[click\\]\\(javascript\\:alert\\(1\\)\\) about Kazakhstan"
    )
    # The only HTML is the article's text (its first line is the title), escaped: its tags are text.
    texts = [h.proto.body for h in at.get("html")]
    assert len(texts) == 1 and "&lt;b&gt;Bold&lt;/b&gt;" in texts[0] and "<b>" not in texts[0]
    assert all(title not in m.value for m in at.markdown)


def test_a_broken_setting_or_pair_file_is_an_error_on_the_page(tmp_path, monkeypatch):
    monkeypatch.setenv("BAROMETER_DB", str(tmp_path / "b.sqlite"))
    monkeypatch.setenv("BAROMETER_PAIR", "am-xx")
    at = app().run()
    assert not at.exception
    assert "The pair of countries cannot be loaded" in at.error[0].value
    monkeypatch.setenv("BAROMETER_CONCURRENCY", "zero")
    at = app().run()
    assert "A setting is not valid: BAROMETER_CONCURRENCY='zero'" in at.error[0].value
    assert not (tmp_path / "b.sqlite").exists()
