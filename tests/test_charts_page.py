"""The Trend page through Streamlit's AppTest on the demo: the period chosen from the data's density,
Compare (a line per language or top source, the split CSV as the CLI writes it), the events toggle,
and the articles of a picked period under the chart."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.cli import main
from tests.test_dashboard import (  # noqa: F401  (db, demo_db, demo_app, demo_template are fixtures)
    chart_spec,
    counted_here,
    db,
    demo_app,
    demo_db,
    demo_template,
    download,
    no_exception,
)


def names(spec: dict) -> list[str]:
    return [t.get("name") for t in spec["data"]]


def test_the_demo_opens_on_month(demo_app):  # noqa: F811
    """96 articles over six years: most weeks hold a single article, most months two or more."""
    assert demo_app.sidebar.radio(key="freq").value == "month"
    x = next(t for t in chart_spec(demo_app)["data"] if t.get("name") == "mean tension")["x"]
    assert all(day.endswith("-01") for day in x)


def test_compare_by_language_draws_a_line_per_language_and_downloads_the_clis_csv(demo_app, demo_db, tmp_path: Path):  # noqa: F811
    demo_app.radio(key="split").set_value("language").run()
    no_exception(demo_app)
    spec = chart_spec(demo_app)
    lines = [n for n in names(spec) if n in {"en", "kk", "pl", "ru"}]
    assert sorted(lines) == ["en", "kk", "pl", "ru"]
    assert sum(n.endswith("95% interval") for n in names(spec)) == 4
    data, mime, name = download(demo_app, "Series by language")
    out = tmp_path / "cli.csv"
    assert main(["export", "--freq", "month", "--by", "language", "--out", str(out), "--db", str(demo_db)]) == 0
    assert (data, mime, name) == (out.read_bytes(), "text/csv", "barometer-month-by-language.csv")


def test_compare_by_source_shows_the_top_sources_and_other(demo_app):  # noqa: F811
    demo_app.radio(key="split").set_value("source").run()
    demo_app.number_input(key="split_top").set_value(3).run()
    no_exception(demo_app)
    spec = chart_spec(demo_app)
    mean_lines = [t for t in spec["data"] if t.get("mode") == "lines+markers"]
    assert len(mean_lines) == 4 and mean_lines[-1]["name"] == "other"
    assert sum(sum(t["y"]) for t in spec["data"] if t["type"] == "bar") == counted_here(demo_app)


def test_key_events_toggle_hides_the_labels(demo_app):  # noqa: F811
    assert chart_spec(demo_app)["layout"]["annotations"]
    demo_app.toggle(key="show_events").set_value(False).run()
    layout = chart_spec(demo_app)["layout"]
    assert not layout.get("annotations") and not layout.get("shapes")


def test_a_picked_period_lists_its_articles_under_the_chart(demo_app):  # noqa: F811
    assert not demo_app.dataframe  # nothing picked yet
    demo_app.session_state["period"] = "2022-01-01"
    demo_app.run()
    no_exception(demo_app)
    caption = next(c.value for c in demo_app.caption if c.value.startswith("Articles of"))
    assert caption.startswith("Articles of January 2022: 9 listed, 8 count in the chart.")
    (table,) = demo_app.dataframe
    rows = pl.from_pandas(table.value).with_columns(pl.col("published").cast(pl.Date).cast(pl.String))
    assert rows.height == 9 and rows.filter(pl.col("counted") == "yes").height == 8
    assert rows.get_column("published").str.starts_with("2022-01").all()
    # the same period at week length: the week that holds 1 January 2022
    demo_app.sidebar.radio(key="freq").set_value("week").run()
    caption = next(c.value for c in demo_app.caption if c.value.startswith("Articles of"))
    assert caption.startswith("Articles of the week of 2021-12-27 to 2022-01-02:")
    demo_app.button(key="clear_period").click().run()
    assert demo_app.session_state["period"] == "" and not demo_app.dataframe


def test_a_period_outside_the_date_range_or_unreadable_lists_nothing_wrong(demo_app):  # noqa: F811
    demo_app.session_state["period"] = "not a date"
    demo_app.run()
    no_exception(demo_app)
    assert not demo_app.dataframe
