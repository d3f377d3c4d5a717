"""The trend figure without a browser: key-event labels that never overlap (measured on the demo's
events at every period length), axes fitted to the data, the spike rule in words, colour-blind-safe
colours with the sign carried by a symbol, and the split chart's traces."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import polars as pl
import pytest

from pipeline.charts import split_figure, trend_figure
from pipeline.charts.events import (
    MAX_ROWS,
    MIN_EVENT_GAP,
    PLOT_WIDTH,
    group_events,
    label_text,
    overlapping_pairs,
    place_labels,
)
from pipeline.charts.palette import BLUE, VERMILLION, sign_mark
from pipeline.charts.parts import count_range, rule_text, tension_range, x_range
from pipeline.demo import load_events
from pipeline.models import Event
from pipeline.periods import period_start

#: The demo's first and last counted article (pipeline/data/pairs/kz-ru/demo), which set the chart's x axis.
DEMO_SPAN = (date(2019, 3, 20), date(2025, 6, 15))


def demo_axis(freq: str) -> tuple[date, date]:
    span = x_range([period_start(d, freq) for d in DEMO_SPAN], freq)
    assert span is not None
    return span


def series(**columns) -> pl.DataFrame:
    n = len(columns["articles"])
    base = {
        "period_start": [date(2022, 1, 3) + timedelta(weeks=i) for i in range(n)],
        "ci_low": [None] * n,
        "ci_high": [None] * n,
        "tension_z": [None] * n,
        "spike": [False] * n,
        "top_evidence": [None] * n,
        "top_evidence_id": [None] * n,
    }
    base.update(columns)
    schema = {"ci_low": pl.Float64, "ci_high": pl.Float64, "tension_z": pl.Float64, "top_evidence": pl.String}
    return pl.DataFrame(base, schema_overrides={**schema, "top_evidence_id": pl.Int64, "mean_tension": pl.Float64})


def trace(fig, name: str) -> dict:
    return next(t for t in fig.to_plotly_json()["data"] if t.get("name") == name)


# ---------------------------------------------------------------- key events


@pytest.mark.parametrize(
    ("freq", "in_view", "groups", "labels"),
    [("day", 29, 13, 12), ("week", 28, 12, 12), ("month", 29, 13, 12)],
)
def test_demo_event_labels_never_overlap_at_1440_px(freq, in_view, groups, labels):
    """Before: 28-29 diamonds along the top edge, labels only with 12 or fewer in view (none here)."""
    lo, hi = demo_axis(freq)
    events = load_events()
    placed = place_labels(events, lo, hi, PLOT_WIDTH)
    assert sum(lo <= e.date <= hi for e in events) == in_view
    assert len(group_events(events, lo, hi, PLOT_WIDTH)) == groups
    assert len(placed) == labels
    assert overlapping_pairs(placed) == []
    assert max(p.row for p in placed) < MAX_ROWS
    # every event in view is in exactly one label, in date order
    inside = sorted((e for e in events if lo <= e.date <= hi), key=lambda e: e.date)
    assert [e for p in placed for e in p.events] == inside
    # and every box lies within the plot's width
    assert all(p.box[0] >= 0 and p.box[1] <= PLOT_WIDTH for p in placed)


def test_the_demo_figure_has_one_marker_and_one_label_per_group_with_every_event_in_its_hover():
    lo, hi = demo_axis("month")
    x = [date(2019, 3, 1), date(2025, 6, 1)]
    s = series(period_start=x, articles=[2, 3], mean_tension=[0.1, -0.2])
    fig = trend_figure(s, load_events(), freq="month").to_plotly_json()
    annotations = fig["layout"]["annotations"]
    markers = trace_of(fig, "key events")
    assert len(annotations) == len(markers["x"]) == 12
    anchors = [a["x"] for a in annotations]
    assert anchors == list(markers["x"])
    px = [(d - lo).days / (hi - lo).days * PLOT_WIDTH for d in anchors]
    assert min(b - a for a, b in itertools.pairwise(px)) >= MIN_EVENT_GAP  # markers never touch
    six = next(a for a in annotations if a["text"] == "6 events")
    assert six["hovertext"].count("<br>") == 5
    assert len(fig["layout"]["shapes"]) == 29  # a dotted line per event


def trace_of(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


def test_close_events_share_a_label_and_the_hover_names_them_all():
    events = [Event(date(2022, 2, 24), "A <b>"), Event(date(2022, 2, 25), "B", "note"), Event(date(2022, 3, 1), "C")]
    lo, hi = date(2019, 1, 1), date(2025, 12, 31)
    placed = place_labels(events, lo, hi, PLOT_WIDTH)
    assert [p.text for p in placed] == ["3 events"]
    wide = series(articles=[1, 1], mean_tension=[0.2, 0.1], period_start=[date(2019, 1, 1), date(2025, 12, 1)])
    fig = trend_figure(wide, events, freq="month").to_plotly_json()
    (label,) = fig["layout"]["annotations"]
    assert label["hovertext"] == "2022-02-24: A &lt;b&gt;<br>2022-02-25: B (note)<br>2022-03-01: C"


def test_a_label_that_fits_in_no_row_joins_the_group_before_it():
    """Forty long labels 10 days apart over one year: three rows cannot hold them, so they merge."""
    events = [Event(date(2022, 1, 1) + timedelta(days=10 * i), f"Event number {i} with a long name") for i in range(40)]
    placed = place_labels(events, date(2022, 1, 1), date(2023, 2, 1), PLOT_WIDTH)
    assert overlapping_pairs(placed) == []
    assert sum(len(p.events) for p in placed) == 40
    assert len(placed) < 40 and any(p.text.endswith(" events") for p in placed)


def test_label_text_cuts_long_labels_and_counts_groups():
    assert label_text([Event(date(2022, 1, 1), "Tokayev wins presidential election")]) == "Tokayev wins presidential…"
    assert label_text([Event(date(2022, 1, 1), "a"), Event(date(2022, 1, 2), "b")]) == "2 events"


def test_events_toggle_off_draws_no_lines_labels_or_markers():
    s = series(articles=[2, 0, 3], mean_tension=[0.1, None, 0.5])
    fig = trend_figure(s, [Event(date(2022, 1, 6), "x")], show_events=False).to_plotly_json()
    assert not fig["layout"].get("annotations") and not fig["layout"].get("shapes")
    assert "key events" not in [t.get("name") for t in fig["data"]]


# ---------------------------------------------------------------- axes, band, spikes, colours


def test_axes_fit_the_data():
    """Before: the count axis ran to the tallest bar / 0.35 (22 for 8) and the tension axis was ±1.05."""
    assert count_range([2, 0, 8]) == [0.0, 9.0]
    assert tension_range([0.1, 0.3], [0.0, 0.2], [0.2, 0.5]) == [-0.05, 0.55]
    assert tension_range([-0.9], [-1.0], [1.0]) == [-1.05, 1.05]  # wide intervals: the whole scale
    s = series(articles=[2, 0, 3], mean_tension=[0.1, None, 0.3], ci_low=[0.0, None, 0.2], ci_high=[0.2, None, 0.5])
    fig = trend_figure(s).to_plotly_json()["layout"]
    assert fig["yaxis"]["range"] == [-0.05, 0.55]
    assert fig["yaxis2"]["range"] == [0.0, 3.5]
    assert fig["xaxis"]["range"] == [date(2021, 12, 30), date(2022, 1, 21)]


def test_band_and_whiskers_are_drawn_strongly():
    s = series(articles=[2, 3], mean_tension=[0.1, 0.3], ci_low=[0.0, 0.2], ci_high=[0.2, 0.5])
    fig = trend_figure(s)
    assert trace(fig, "95% interval")["fillcolor"] == "rgba(0, 114, 178, 0.28)"
    whiskers = trace(fig, "mean tension")["error_y"]
    assert whiskers["thickness"] >= 1.5 and whiskers["color"] == "rgba(0, 114, 178, 0.75)"


def test_spike_rule_is_in_words_on_every_period_and_near_misses_are_drawn_open():
    s = series(
        articles=[3, 1, 4, 2],
        mean_tension=[0.1, 0.9, 0.8, 0.0],
        tension_z=[None, 4.34, 2.5, 0.7],
        spike=[False, False, True, False],
    )
    assert rule_text(s) == [
        "no spike: too little history (needs 3 periods with articles among the trailing 8)",
        "no spike: 4.3 standard deviations up, but 1 < 3 articles",
        "SPIKE: 2.5 standard deviations above the trailing 8 periods",
        "no spike: 0.7 standard deviations from the trailing 8 periods",
    ]
    fig = trend_figure(s)
    assert list(trace(fig, "spike")["x"]) == [date(2022, 1, 17)]
    near = trace(fig, "high, too few articles")
    assert list(near["x"]) == [date(2022, 1, 10)] and near["marker"]["symbol"] == "triangle-up-open"
    assert (
        "spike rule: mean ≥ 2 standard deviations above the trailing 8 periods, on ≥ 3 articles"
        in (trace(fig, "spike")["hovertemplate"])
    )


def test_sign_is_carried_by_symbol_and_word_in_colour_blind_safe_colours():
    s = series(articles=[2, 2, 2], mean_tension=[0.4, -0.3, 0.0])
    mean = trace(trend_figure(s), "mean tension")
    assert list(mean["marker"]["symbol"]) == ["triangle-up", "triangle-down", "circle"]
    assert [c[0].split(" · ")[0] for c in mean["customdata"]] == ["▲ tension", "▼ cooperation", "● neutral"]
    assert mean["line"]["color"] == BLUE and trace(trend_figure(s), "spike")["marker"]["color"] == VERMILLION
    names = [t.get("name") for t in trend_figure(s).to_plotly_json()["data"]]
    assert {"▲ tension", "▼ cooperation"} <= set(names)
    assert sign_mark(0.004) == ("circle", "● neutral")


# ---------------------------------------------------------------- the split chart


def split(groups: list[str]) -> pl.DataFrame:
    parts = []
    for i, group in enumerate(groups):
        part = series(articles=[2, 1], mean_tension=[0.1 * i, -0.1], ci_low=[0.0, None], ci_high=[0.3, None])
        parts.append(part.with_columns(pl.lit(group).alias("language")))
    return pl.concat(parts)


def test_split_draws_one_line_with_its_band_per_group_on_one_chart():
    fig = split_figure(split(["ru", "kk", "en"]), "language").to_plotly_json()
    lines = [t for t in fig["data"] if t.get("name") in {"ru", "kk", "en"}]
    assert [t["name"] for t in lines] == ["ru", "kk", "en"]
    assert {t["yaxis"] for t in lines} == {"y"}
    bands = [t["name"] for t in fig["data"] if t.get("name", "").endswith("95% interval")]
    assert bands == ["ru · 95% interval", "kk · 95% interval", "en · 95% interval"]
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert [t["name"] for t in bars] == ["ru · articles", "kk · articles", "en · articles"]
    assert fig["layout"]["yaxis2"]["range"] == [0.0, 6.8]  # 3 groups × 2 articles, stacked


def test_split_of_more_than_four_groups_draws_small_multiples_with_shared_axes():
    groups = ["a", "b", "c", "d", "other"]
    fig = split_figure(split(groups), "language").to_plotly_json()
    lines = [t for t in fig["data"] if t.get("name") in groups]
    assert [t["yaxis"] for t in lines] == ["y", "y2", "y3", "y4", "y5"]
    assert lines[-1]["line"]["color"] == "#7f7f7f"  # "other" is grey
    layout = fig["layout"]
    assert layout["yaxis"]["range"] == layout["yaxis5"]["range"]
    assert [layout[f"yaxis{i or ''}"]["title"]["text"] for i in ("", 2, 3, 4, 5)] == groups  # each panel named


def test_group_names_are_shown_as_text_not_html():
    fig = split_figure(split(["<b>Wire</b> & co"]), "language").to_plotly_json()
    line = next(t for t in fig["data"] if t.get("mode") == "lines+markers")
    assert line["name"] == "&lt;b&gt;Wire&lt;/b&gt; &amp; co"
    assert line["hovertemplate"].startswith("&lt;b&gt;Wire&lt;/b&gt; &amp; co · ")
