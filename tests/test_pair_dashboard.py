"""The dashboard on a database that follows two pairs (Kazakhstan–Russia and Armenia–Russia), through
Streamlit's AppTest: the sidebar's "Pair" choice gives that pair's title, chart, events, articles and
corrections; "Compare pairs" draws one line and band per pair, lists the clicked pair's articles and
downloads the comparison as CSV (``pair`` second); the choice lives in the page address."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline import views
from pipeline.address import COMPARE
from pipeline.charts.palette import rgba
from pipeline.dedupe import canonicalize_url, fingerprint
from pipeline.events import read_events
from pipeline.models import Article, Event
from pipeline.scoring.actors import load_pair
from pipeline.scoring.score import score_article
from pipeline.settings import load_settings
from pipeline.store import Store
from tests.test_dashboard import (  # noqa: F401  (db is a fixture)
    app,
    chart_spec,
    csv_rows,
    db,
    download,
    no_exception,
    table,
    unescaped,
)

D = dt.date
KZ, AM = "Kazakhstan–Russia", "Armenia–Russia"

#: (day, title, text): our own short pieces, two about each pair, in two weeks of March 2022.
PIECES = [
    (
        D(2022, 3, 7),
        "Astana summons the Russian ambassador",
        "Kazakhstan protested to Russia after a Russian lawmaker questioned its northern border. The foreign "
        "ministry in Astana summoned the Russian ambassador and called the remarks a provocation, and "
        "President Tokayev warned Moscow that such claims damage relations.",
    ),
    (
        D(2022, 3, 9),
        "Yerevan says the CSTO left Armenia alone",
        "Armenia accused Russia of failing an ally. Prime Minister Pashinyan said in Yerevan that the CSTO "
        "ignored Armenia's request for help, protested that Russian peacekeepers stood aside, and warned "
        "Moscow that Armenia would freeze its part in the alliance.",
    ),
    (
        D(2022, 3, 15),
        "Oil transit deal signed",
        "Kazakhstan and Russia signed an agreement on oil transit, officials in Astana said. The Kremlin "
        "welcomed the deal, and President Tokayev said both sides would keep cooperating on tariffs at the "
        "next meeting of the Eurasian Economic Union in Moscow.",
    ),
    (
        D(2022, 3, 16),
        "Armenia protests again",
        "Armenia protested to Russia again on Wednesday. Officials in Yerevan condemned the Kremlin's "
        "silence on the blockade, Pashinyan accused Moscow of breaking its promises, and the Armenian "
        "foreign ministry summoned the Russian ambassador.",
    ),
]


def store_pieces(path: Path) -> None:
    """The pieces, each scored under both pairs, and one key event of each pair."""
    kz, am = load_pair("kz-ru"), load_pair("am-ru")
    with Store.open(path, pair=kz) as store:
        store.follow("am-ru")
        for number, (day, title, text) in enumerate(PIECES, start=1):
            url = f"https://news.example/{number}"
            article = Article(url, canonicalize_url(url), title, text, day, "news.example", "en", fingerprint(text))
            scores = [score_article(text, title, "en", pair=pair) for pair in (kz, am)]
            store.insert_article(article, scores[0], extra_scores=scores[1:])
        store.add_event(Event(D(2022, 3, 8), "Border remarks"), pair="kz-ru")
        store.add_event(Event(D(2022, 3, 10), "Request to the CSTO"), pair="am-ru")


@pytest.fixture
def pairs_db(db: Path) -> Path:  # noqa: F811
    store_pieces(db)
    return db


@pytest.fixture
def pairs_app(pairs_db: Path) -> AppTest:
    at = app().run()
    no_exception(at)
    return at


def title(at: AppTest) -> str:
    return unescaped(at.title[0].value)


def lines(spec: dict) -> list[str]:
    return [t["name"] for t in spec["data"] if t.get("mode") == "lines+markers"]


def drawn(spec: dict) -> str:
    return json.dumps(spec.get("layout", {}).get("annotations", []), ensure_ascii=False)


def test_the_scores_differ_by_pair(pairs_db):
    """The set-up the tests rely on: each pair's pieces are relevant under their pair only."""
    relevant = {}
    for pair in ("kz-ru", "am-ru"):
        frame = views.read_articles(pairs_db, load_pair(pair))
        relevant[pair] = sorted(frame.filter(frame["relevance"] >= 0.3)["id"].to_list())
    assert relevant == {"kz-ru": [1, 3], "am-ru": [2, 4]}


def test_choosing_a_pair_shows_its_title_chart_and_events_only(pairs_app, pairs_db):
    at = pairs_app
    assert title(at) == f"{KZ} barometer"
    assert at.sidebar.selectbox(key="pair").options == [AM, KZ, "Compare pairs"]
    assert "Border remarks" in drawn(chart_spec(at)) and "Request to the CSTO" not in drawn(chart_spec(at))
    at.sidebar.selectbox(key="pair").set_value("am-ru").run()
    no_exception(at)
    assert title(at) == f"{AM} barometer"
    spec = chart_spec(at)
    assert "Request to the CSTO" in drawn(spec) and "Border remarks" not in drawn(spec)
    assert sum(sum(t["y"]) for t in spec["data"] if t["type"] == "bar") == 2  # am-ru's two pieces count
    assert at.query_params["pair"] == "am-ru"
    # The Key events page lists and adds the chosen pair's events.
    at.switch_page("ui/events.py").run()
    assert list(at.dataframe[0].value["label"]) == ["Request to the CSTO"]
    at.date_input(key="event_date").set_value(D(2022, 3, 17))
    at.text_input(key="event_label").input("Talks in Moscow")
    at.button(key="add_event").click().run()
    no_exception(at)
    assert [e.label for e in read_events(pairs_db, "am-ru")] == ["Request to the CSTO", "Talks in Moscow"]
    assert [e.label for e in read_events(pairs_db, "kz-ru")] == ["Border remarks"]


def test_the_articles_page_shows_and_corrects_the_chosen_pairs_reading(pairs_app, pairs_db):
    at = pairs_app
    at.sidebar.selectbox(key="pair").set_value("am-ru").run()
    at.switch_page("ui/articles.py").run()
    no_exception(at)
    rows = table(at)
    assert dict(zip(rows["id"], rows["counted"], strict=True))[2] == "yes"
    at.selectbox(key="article_id").set_value(2).run()
    assert at.radio(key="correction-2-" + views.NO_CORRECTION).value == views.NO_CORRECTION
    at.radio(key="correction-2-" + views.NO_CORRECTION).set_value(views.NOT_RELEVANT).run()
    at.button(key="save_correction").click().run()
    no_exception(at)
    settings = load_settings(db=str(pairs_db))
    am = views.read_article(pairs_db, 2, views.pair_of("am-ru", settings.data_dir))
    kz = views.read_article(pairs_db, 2, views.pair_of("kz-ru", settings.data_dir))
    assert am is not None and am.override is not None and am.override.not_relevant
    assert kz is not None and kz.override is None  # a correction is the pair's own


def test_comparing_draws_one_line_and_band_per_pair(pairs_app):
    at = pairs_app
    at.sidebar.selectbox(key="pair").set_value(COMPARE).run()
    no_exception(at)
    assert at.sidebar.multiselect(key="pairs").value == ["am-ru", "kz-ru"]  # every followed pair
    assert title(at) == f"{AM} · {KZ}: compared"
    spec = chart_spec(at)
    assert lines(spec) == [AM, KZ]
    assert [t["name"] for t in spec["data"] if t.get("fill") == "toself"] == [
        f"{AM} · 95% interval",
        f"{KZ} · 95% interval",
    ]
    assert at.query_params["pairs"] == "am-ru,kz-ru" and "pair" not in at.query_params
    at.sidebar.multiselect(key="pairs").set_value(["kz-ru"]).run()
    assert lines(chart_spec(at)) == [KZ]


def line_colors(spec: dict) -> dict[str, str]:
    return {t["name"]: t["line"]["color"] for t in spec["data"] if t.get("mode") == "lines+markers"}


def test_a_pair_keeps_its_colour_whichever_pairs_are_compared(pairs_app):
    at = pairs_app
    at.sidebar.selectbox(key="pair").set_value(COMPARE).run()
    both = line_colors(chart_spec(at))
    assert both[AM] != both[KZ]
    at.sidebar.multiselect(key="pairs").set_value(["kz-ru"]).run()
    assert line_colors(chart_spec(at)) == {KZ: both[KZ]}  # not the first colour because it is first now
    at.sidebar.multiselect(key="pairs").set_value(["kz-ru", "am-ru"]).run()
    assert line_colors(chart_spec(at)) == both  # the order chosen does not recolour either


def test_comparing_draws_each_pairs_key_events_in_its_colour_and_the_toggle_hides_them(pairs_app):
    at = pairs_app
    at.sidebar.selectbox(key="pair").set_value(COMPARE).run()
    no_exception(at)
    spec = chart_spec(at)
    colors = line_colors(spec)
    labels = {a["text"]: a for a in spec["layout"]["annotations"]}
    assert set(labels) == {"Border remarks", "Request to the CSTO"}
    assert labels["Request to the CSTO"]["hovertext"] == f"{AM} · 2022-03-10: Request to the CSTO"
    assert labels["Border remarks"]["hovertext"] == f"{KZ} · 2022-03-08: Border remarks"
    # Each event's dotted line, its diamond and its label's ground in its pair's colour.
    dotted = {s["x0"]: s["line"]["color"] for s in spec["layout"]["shapes"] if s["line"].get("dash") == "dot"}
    assert dotted == {"2022-03-08": rgba(colors[KZ], 0.85), "2022-03-10": rgba(colors[AM], 0.85)}
    [diamonds] = [t for t in spec["data"] if t["name"] == "key events"]
    assert diamonds["marker"]["color"] == [colors[KZ], colors[AM]]
    assert labels["Request to the CSTO"]["bgcolor"] == rgba(colors[AM], 0.22)
    at.toggle(key="show_events").set_value(False).run()
    no_exception(at)
    assert drawn(chart_spec(at)) == "[]"
    assert lines(chart_spec(at)) == [AM, KZ]


def test_a_click_on_a_pairs_point_lists_that_pairs_articles_and_opens_one_under_it(pairs_app):
    at = pairs_app
    at.sidebar.selectbox(key="pair").set_value(COMPARE).run()
    at.session_state["period"] = "2022-03-07"  # as pick_from_chart leaves a click on the week's am-ru point
    at.session_state["period_pairs"] = ["am-ru"]
    at.run()
    no_exception(at)
    caption = next(unescaped(c.value) for c in at.caption if "listed" in c.value)
    assert caption.startswith(f"Articles of {AM} of the week of 2022-03-07 to 2022-03-13: 2 listed, 1 count")
    rows = table(at)
    assert set(rows["pair"]) == {"am-ru"}
    assert rows.filter(rows["counted"] == "yes")["id"].to_list() == [2]


def test_the_comparison_downloads_as_csv_with_pair_second(pairs_app, pairs_db):
    at = pairs_app
    at.sidebar.selectbox(key="pair").set_value(COMPARE).run()
    at.sidebar.radio(key="freq").set_value("week").run()
    data, mime, name = download(at, "Series by pair")
    assert (mime, name) == ("text/csv", "barometer-week-by-pair.csv")
    header = data.decode().splitlines()[0]
    assert header == "period_start,pair,articles,mean_tension,ci_low,ci_high,mean_sentiment,share_tension"
    rows = csv_rows(data)
    assert [(r["period_start"], r["pair"], r["articles"]) for r in rows] == [
        ("2022-03-07", "am-ru", "1"),
        ("2022-03-14", "am-ru", "1"),
        ("2022-03-07", "kz-ru", "1"),
        ("2022-03-14", "kz-ru", "1"),
    ]
    # Each pair's rows are that pair's own series, as its own view draws it.
    settings = load_settings(db=str(pairs_db))
    for pair in ("am-ru", "kz-ru"):
        own = views.trend_series(views.read_articles(pairs_db, load_pair(pair)), views.Filters("week"), settings)
        means = [f"{m:.4f}" for m in own["mean_tension"].to_list()]
        assert [r["mean_tension"] for r in rows if r["pair"] == pair] == means


@pytest.mark.parametrize(
    ("params", "expected_title", "expected_lines"),
    [({"pair": "am-ru"}, f"{AM} barometer", None), ({"pairs": "kz-ru,am-ru"}, f"{KZ} · {AM}: compared", [KZ, AM])],
)
def test_the_address_reopens_the_pair_or_the_comparison(pairs_db, params, expected_title, expected_lines):
    at = app()
    at.query_params.update(params)
    at.run()
    no_exception(at)
    assert title(at) == expected_title
    if expected_lines:
        assert lines(chart_spec(at)) == expected_lines
    assert {k: v for k, v in at.query_params.items() if k in ("pair", "pairs")} == params  # and stays there


def test_a_followed_pair_whose_file_does_not_load_is_listed_by_id_and_marked(pairs_db):
    with Store.open(pairs_db) as store:
        store.follow("zz-ru")  # no pairs/zz-ru file: renamed, or from another installation
    at = app().run()
    no_exception(at)
    choice = at.sidebar.selectbox(key="pair")
    assert choice.options == [AM, KZ, "zz-ru (its file does not load)", "Compare pairs"]
    choice.set_value("zz-ru").run()
    no_exception(at)
    assert title(at) == "zz-ru (its file does not load) barometer"
    [warning] = [unescaped(w.value) for w in at.warning]
    assert warning.startswith("The file of pair zz-ru does not load, so new articles are not scored for it:")


def test_a_pair_the_database_does_not_follow_is_ignored_with_a_note(pairs_db):
    at = app()
    at.query_params.update({"pair": "uz-ru"})
    at.run()
    no_exception(at)
    assert title(at) == f"{KZ} barometer"
    assert [unescaped(w.value) for w in at.warning] == [
        "Ignored pair='uz-ru' in the address: the database follows am-ru, kz-ru."
    ]


def test_the_dashboard_files_an_old_database_under_the_settings_pair(db, monkeypatch):  # noqa: F811
    # dashboard.py's first read (is the database empty?) upgrades a schema-8 file: under BAROMETER_PAIR's pair.
    from tests.postgres import query
    from tests.test_pair_store import schema_8_database

    monkeypatch.setenv("BAROMETER_PAIR", "am-ru")
    schema_8_database(str(db))
    app().run()
    assert query(str(db), "SELECT DISTINCT pair FROM scores") == [("am-ru",)]
    assert query(str(db), "SELECT id FROM pairs") == [("am-ru",)]
