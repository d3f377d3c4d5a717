"""Compare pairs: a frame of several pairs (a ``pair`` column, as ``Store.pairs_frame`` stacks them)
split into one series per pair, each aggregated on its own; its CSV with ``pair`` second (the columns
of ``export --pair all``); the chart's line and band per pair, named by title, and the pair of a
clicked point."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipeline import compare, views
from pipeline.charts import keyed_colors, picked_groups, split_figure
from pipeline.charts.palette import BLUE, GREEN, GROUP_COLORS, ORANGE
from pipeline.export import stack_pairs
from pipeline.models import Event
from pipeline.settings import Settings
from tests.test_aggregate import articles

D = dt.date
TITLES = {"kz-ru": "Kazakhstan–Russia", "am-ru": "Armenia–Russia"}


def stacked(**pairs: pl.DataFrame) -> pl.DataFrame:
    """Frames of several pairs stacked as the store stacks them: ``pair`` first."""
    return pl.concat([f.select(pl.lit(p.replace("_", "-")).alias("pair"), *f.columns) for p, f in pairs.items()])


def two_pairs() -> pl.DataFrame:
    kz = articles(
        {"published": D(2022, 1, 3), "tension": 0.5},
        {"published": D(2022, 1, 4), "tension": 0.1},
        {"published": D(2022, 1, 12), "tension": -0.2},
    )
    # Article 1 again under am-ru, read otherwise: its am-ru score must not leak into kz-ru's series.
    am = articles({"published": D(2022, 1, 3), "tension": 0.6, "sentiment": -0.5})
    return stacked(kz_ru=kz, am_ru=am)


def test_each_pair_gets_its_own_series_in_the_order_asked():
    series = compare.pair_series(two_pairs(), views.Filters(freq="week"), Settings(), ["kz-ru", "am-ru"])
    assert series.columns[:3] == ["period_start", "pair", "articles"]
    rows = series.select("pair", "period_start", "articles", "mean_tension").rows()
    assert rows == [
        ("kz-ru", D(2022, 1, 3), 2, 0.3),
        ("kz-ru", D(2022, 1, 10), 1, -0.2),
        ("am-ru", D(2022, 1, 3), 1, 0.6),
    ]


def test_a_pair_series_follows_the_sidebar_filters():
    frame = two_pairs()
    filters = views.Filters(freq="week", start=D(2022, 1, 10))
    series = compare.pair_series(frame, filters, Settings(), ["kz-ru", "am-ru"])
    assert series.filter(pl.col("articles") > 0).select("pair", "period_start").rows() == [("kz-ru", D(2022, 1, 10))]


def test_the_comparison_csv_has_pair_second_and_rows_by_pair_then_period():
    data = compare.pair_csv(two_pairs(), views.Filters(freq="week"), Settings(), ["kz-ru", "am-ru"])
    assert data.decode().splitlines() == [
        "period_start,pair,articles,mean_tension,ci_low,ci_high,mean_sentiment,share_tension",
        '"2022-01-03","am-ru","1","0.6000","","","-0.5000","1.0000"',
        '"2022-01-03","kz-ru","2","0.3000","-1.0000","1.0000","0.0000","0.5000"',
        '"2022-01-10","kz-ru","1","-0.2000","","","0.0000","0.0000"',
    ]


def test_the_csv_holds_only_the_pairs_compared():
    data = compare.pair_csv(two_pairs(), views.Filters(freq="week"), Settings(), ["am-ru"])
    assert [line.split(",")[1] for line in data.decode().splitlines()[1:]] == ['"am-ru"']


def test_the_chart_draws_a_line_and_band_per_pair_named_by_title():
    series = compare.pair_series(two_pairs(), views.Filters(freq="week"), Settings(), ["kz-ru", "am-ru"])
    fig = split_figure(series, "pair", labels=TITLES).to_plotly_json()
    lines = [t for t in fig["data"] if t.get("mode") == "lines+markers"]
    assert [(t["name"], t["meta"]) for t in lines] == [("Kazakhstan–Russia", "kz-ru"), ("Armenia–Russia", "am-ru")]
    bands = [t["name"] for t in fig["data"] if t.get("fill") == "toself"]
    assert bands == ["Kazakhstan–Russia · 95% interval", "Armenia–Russia · 95% interval"]
    assert {t["yaxis"] for t in lines} == {"y"}


def test_a_smoothed_comparison_draws_each_pairs_smoothed_line():
    # Weeks 1 and 2 of kz-ru: means 0.3 and -0.2; smoothed over 2 weeks: 0.3, then (0.6 - 0.2) / 3.
    series = compare.pair_series(two_pairs(), views.Filters(freq="week", smooth=2), Settings(), ["kz-ru", "am-ru"])
    fig = split_figure(series, "pair", labels=TITLES).to_plotly_json()
    smoothed = [t for t in fig["data"] if t["name"].endswith("· smoothed")]
    assert [(t["name"], t["meta"]) for t in smoothed] == [
        ("Kazakhstan–Russia · smoothed", "kz-ru"),
        ("Armenia–Russia · smoothed", "am-ru"),
    ]
    assert [round(y, 4) for y in smoothed[0]["y"]] == [0.3, 0.1333]
    plain = split_figure(compare.pair_series(two_pairs(), views.Filters(freq="week"), Settings()), "pair")
    assert not [t for t in plain.to_plotly_json()["data"] if t["name"].endswith("· smoothed")]


def test_more_than_four_pairs_get_small_multiples_named_by_title():
    ids = ["a-ru", "b-ru", "c-ru", "d-ru", "e-ru"]
    frame = pl.concat(
        [articles({"published": D(2022, 1, 3), "tension": 0.1}).select(pl.lit(p).alias("pair"), pl.all()) for p in ids]
    )
    series = compare.pair_series(frame, views.Filters(freq="week"), Settings(), ids)
    fig = split_figure(series, "pair", labels={p: p.upper() for p in ids}).to_plotly_json()
    lines = [t for t in fig["data"] if t.get("mode") == "lines+markers"]
    assert [t["yaxis"] for t in lines] == ["y", "y2", "y3", "y4", "y5"]
    layout = fig["layout"]
    assert [layout[f"yaxis{i or ''}"]["title"]["text"] for i in ("", 2, 3, 4, 5)] == [p.upper() for p in ids]


def test_a_clicked_point_names_its_pair_and_a_box_every_pair_it_holds():
    series = compare.pair_series(two_pairs(), views.Filters(freq="week"), Settings(), ["kz-ru", "am-ru"])
    figure = split_figure(series, "pair", labels=TITLES)
    number = {(t.meta, getattr(t, "mode", "bar")): i for i, t in enumerate(figure.data) if t.meta}
    am_line = number[("am-ru", "lines+markers")]
    click = {"points": [{"curve_number": am_line, "point_index": 0, "x": "2022-01-03", "y": 0.6}], "box": []}
    assert picked_groups(click, figure) == ["am-ru"]
    kz_line = number[("kz-ru", "lines+markers")]
    points = [{"curve_number": am_line}, {"curve_number": kz_line}]
    box = {"points": points, "box": [{"x": ["2022-01-01", "2022-01-09"]}]}
    assert picked_groups(box, figure) == ["kz-ru", "am-ru"]
    assert picked_groups({"points": [], "box": [{"x": ["2021-01-01", "2021-02-01"]}]}, figure) == []
    assert picked_groups(None, figure) == []


def test_a_pairs_articles_are_that_pairs_rows_only():
    frame = two_pairs()
    assert compare.of_pair(frame, "am-ru").select("id", "tension").rows() == [(1, 0.6)]


def test_one_stacking_step_serves_the_chart_in_the_chosen_order_and_the_csv_sorted():
    # The chart (pair_series) keeps the sidebar's order; the CSV and `export --pair all` sort by id.
    chart = compare.pair_series(two_pairs(), views.Filters(freq="week"), Settings(), ["kz-ru", "am-ru"])

    def count(frame: pl.DataFrame) -> pl.DataFrame:  # a pair's table: its number of rows, twice
        return pl.DataFrame({"id": [frame.height], "articles": [frame.height]})

    assert stack_pairs(two_pairs(), count, ["kz-ru", "am-ru"]).rows() == [(1, "am-ru", 1), (3, "kz-ru", 3)]
    assert stack_pairs(two_pairs(), count, ["kz-ru", "am-ru"], keep_order=True).rows() == [
        (3, "kz-ru", 3),
        (1, "am-ru", 1),
    ]
    assert chart.get_column("pair").unique(maintain_order=True).to_list() == ["kz-ru", "am-ru"]
    # No pair at all: the table's empty result, with its `pair` column second (never a concat error).
    empty = stack_pairs(two_pairs().clear(), count)
    assert (empty.columns, empty.rows()) == (["id", "pair", "articles"], [(0, None, 0)])


def test_close_events_of_two_pairs_share_one_plain_label_and_keep_their_pairs_lines():
    series = compare.pair_series(two_pairs(), views.Filters(freq="week"), Settings(), ["kz-ru", "am-ru"])
    colors = {"am-ru": "#0072B2", "kz-ru": "#E69F00"}
    same_day = {"kz-ru": [Event(D(2022, 1, 5), "Talks")], "am-ru": [Event(D(2022, 1, 5), "Protest")]}
    fig = split_figure(series, "pair", labels=TITLES, colors=colors, group_events=same_day).to_plotly_json()
    [label] = fig["layout"]["annotations"]
    assert (label["text"], label.get("bgcolor")) == ("2 events", None)
    assert label["hovertext"] == "Kazakhstan–Russia · 2022-01-05: Talks<br>Armenia–Russia · 2022-01-05: Protest"
    assert [s["line"]["color"] for s in fig["layout"]["shapes"]] == [
        "rgba(230, 159, 0, 0.85)",
        "rgba(0, 114, 178, 0.85)",
    ]
    [diamond] = [t for t in fig["data"] if t["name"] == "key events"]
    assert diamond["marker"]["color"] == "rgba(60, 60, 60, 0.65)"
    lines = {t["meta"]: t["line"]["color"] for t in fig["data"] if t.get("mode") == "lines+markers"}
    assert lines == colors  # given colours win over the order drawn


def test_compared_pairs_never_share_a_colour_past_eight_followed_pairs():
    # Nine followed pairs: keyed colours cycle the eight of the palette, so i-ru's is a-ru's (blue).
    followed = [f"{letter}-ru" for letter in "abcdefghi"]
    colors = keyed_colors(followed)
    assert colors["i-ru"] == colors["a-ru"] == BLUE

    def line_colors(ids: list[str]) -> list[str]:
        one = articles({"published": D(2022, 1, 3), "tension": 0.1})
        frame = pl.concat([one.select(pl.lit(p).alias("pair"), pl.all()) for p in ids])
        series = compare.pair_series(frame, views.Filters(freq="week"), Settings(), ids)
        fig = split_figure(series, "pair", colors=colors).to_plotly_json()
        return [t["line"]["color"] for t in fig["data"] if t.get("mode") == "lines+markers"]

    # Compared together, the later one takes the first colour the chart does not use yet.
    assert line_colors(["a-ru", "i-ru"]) == [BLUE, ORANGE]
    assert line_colors(["i-ru", "b-ru", "a-ru"]) == [BLUE, ORANGE, GREEN]
    # Without a clash every pair keeps its own colour.
    assert line_colors(followed[1:]) == [*GROUP_COLORS[1:], BLUE]
