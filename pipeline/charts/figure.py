"""The trend chart: mean tension per period with its 95% band and whiskers, spikes and key events on
top; article counts as bars in a panel below, on an axis of their own.

``trend_figure`` draws one series, ``split_figure`` one line per group of an ``aggregate(by=...)``
series. Every label that comes from data (evidence sentences, event names) is escaped: Plotly reads
a few HTML tags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from ..models import Event
from ..views import escape_html, hover_text, interval_text
from . import parts
from .palette import (
    BAR_COLOR,
    COOPERATION_MARK,
    GROUP_COLORS,
    MEAN_COLOR,
    TENSION_COLOR,
    TENSION_MARK,
    group_color,
    rgba,
)

HEIGHT = 560
#: Above this many groups a split chart draws one small panel per group instead of one crowded plot.
MAX_OVERLAID_GROUPS = 4
PANEL_HEIGHT = 150

MEAN_HOVER = "%{x|%Y-%m-%d}<br>mean tension %{y:.2f} %{customdata[0]}<br>%{customdata[1]}<br>%{text}<extra></extra>"


def _frame(rows: int, heights: list[float]) -> go.Figure:
    return make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.03, row_heights=heights)


def _mean_traces(series: pl.DataFrame, name: str, color: str) -> list[go.Scatter]:
    """The band, and the line with whiskers and sign markers, of one series (``name``: escaped)."""
    x = series.get_column("period_start").to_list()
    mean = series.get_column("mean_tension").to_list()
    low = series.get_column("ci_low").to_list()
    high = series.get_column("ci_high").to_list()
    band_x, band_y = parts.band_polygons(x, low, high)
    symbols, words = parts.sign_words(mean)
    plus = [None if h is None or m is None else h - m for h, m in zip(high, mean, strict=True)]
    minus = [None if lo is None or m is None else m - lo for lo, m in zip(low, mean, strict=True)]
    group = None if name == "mean tension" else name
    band = go.Scatter(
        x=band_x,
        y=band_y,
        name="95% interval" if group is None else f"{name} · 95% interval",
        legendgroup=group,
        showlegend=group is None,
        mode="lines",
        fill="toself",
        fillcolor=rgba(color, 0.28),
        line={"width": 0},
        hoverinfo="skip",
    )
    line = go.Scatter(
        x=x,
        y=mean,
        name=name,
        legendgroup=group,
        mode="lines+markers",
        line={"color": color, "width": 2.5},
        marker={"size": 8, "symbol": symbols, "color": color, "line": {"width": 1, "color": "white"}},
        error_y={
            "type": "data",
            "array": plus,
            "arrayminus": minus,
            "thickness": 1.6,
            "width": 4,
            "color": rgba(color, 0.75),
        },
        # The sign as a word beside the number (not colour only); the interval as text (Plotly prints a
        # missing number as 0.00, and one-article periods have none); the spike rule's verdict.
        customdata=[
            (f"{word} · {interval}" if word else interval, rule)
            for word, interval, rule in zip(words, interval_text(series), parts.rule_text(series), strict=True)
        ],
        text=hover_text(series),
        hovertemplate=(f"{group} · " if group else "") + MEAN_HOVER,
        connectgaps=False,
    )
    return [band, line]


def _spike_traces(series: pl.DataFrame, group: str | None = None) -> list[go.Scatter]:
    """Spikes as filled triangles; periods the rule flags but with too few articles as open ones."""
    label = "" if group is None else f"{group} · "  # escaped by the caller
    spikes = series.filter(pl.col("spike"))
    few = series.filter(~pl.col("spike") & (pl.col("tension_z") >= parts.SPIKE_Z))
    return [
        go.Scatter(
            x=spikes.get_column("period_start").to_list(),
            y=spikes.get_column("mean_tension").to_list(),
            customdata=spikes.get_column("tension_z").to_list(),
            name="spike" if group is None else f"{group} · spike",
            legendgroup=group,
            showlegend=group is None,
            mode="markers",
            marker={
                "symbol": "triangle-up",
                "size": 16,
                "color": TENSION_COLOR,
                "line": {"width": 1.5, "color": "black"},
            },
            hovertemplate=f"{label}SPIKE: %{{customdata:.1f}} standard deviations above the trailing mean<br>"
            f"{parts.SPIKE_RULE}<extra></extra>",
        ),
        go.Scatter(
            x=few.get_column("period_start").to_list(),
            y=few.get_column("mean_tension").to_list(),
            customdata=list(
                zip(few.get_column("tension_z").to_list(), few.get_column("articles").to_list(), strict=True)
            ),
            name="high, too few articles" if group is None else f"{group} · high, too few articles",
            legendgroup=group,
            showlegend=group is None and few.height > 0,
            mode="markers",
            marker={"symbol": "triangle-up-open", "size": 16, "color": TENSION_COLOR, "line": {"width": 2}},
            hovertemplate=f"{label}not a spike: %{{customdata[0]:.1f}} standard deviations up, "
            f"but %{{customdata[1]}} article(s)<br>{parts.SPIKE_RULE}<extra></extra>",
        ),
    ]


def _sign_legend() -> list[go.Scatter]:
    """Legend entries that say what the marker shapes mean."""
    return [
        go.Scatter(
            x=[None],
            y=[None],
            name=word,
            mode="markers",
            marker={"symbol": symbol, "size": 9, "color": "#555"},
            hoverinfo="skip",
        )
        for symbol, word in (TENSION_MARK, COOPERATION_MARK)
    ]


def _finish(
    fig: go.Figure,
    x: list,
    tension_columns: list,
    counts: list[int],
    events: Sequence[Event],
    freq: str,
    show_events: bool,
    rows: int,
    height: int,
) -> go.Figure:
    """Axes, events and layout shared by both charts."""
    y_range = parts.tension_range(*tension_columns)
    span = parts.x_range(x, freq)
    placed = []
    if span is not None and show_events:
        placed = parts.draw_events(fig, events, span[0], span[1], y_range[1])
    title = "mean tension (▲ +1 tension … ▼ −1 cooperation)"
    for row in range(1, rows + 1):
        fig.update_yaxes(range=y_range, zeroline=True, zerolinecolor="#888", row=row, col=1)
    fig.update_yaxes(title_text=title if rows <= 2 else "tension", row=1, col=1)
    if counts:
        fig.update_yaxes(
            title_text="articles", range=parts.count_range(counts), rangemode="nonnegative", row=rows, col=1
        )
    if span is not None:
        fig.update_xaxes(range=list(span))
    fig.update_xaxes(title_text=f"period ({freq})", row=rows, col=1)
    fig.update_layout(
        hovermode="closest",
        bargap=0.15,
        barmode="stack",
        margin={"l": 10, "r": 10, "t": parts.top_margin(placed, show_events), "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        height=height,
    )
    return fig


def trend_figure(
    series: pl.DataFrame, events: Sequence[Event] = (), *, freq: str = "week", show_events: bool = True
) -> go.Figure:
    """The trend chart of an ``aggregate`` series (with ``top_evidence``; ``smoothed_tension`` when smoothed)."""
    fig = _frame(2, [0.74, 0.26])
    x = series.get_column("period_start").to_list()
    articles = series.get_column("articles").to_list()
    fig.add_trace(
        go.Bar(
            x=x,
            y=articles,
            name="articles",
            marker_color=BAR_COLOR,
            text=hover_text(series),
            hovertemplate="%{x|%Y-%m-%d}: %{text}<extra>articles</extra>",
            textposition="none",
        ),
        row=2,
        col=1,
    )
    for trace in _mean_traces(series, "mean tension", MEAN_COLOR):
        fig.add_trace(trace, row=1, col=1)
    columns = [series.get_column(c).to_list() for c in ("mean_tension", "ci_low", "ci_high")]
    if "smoothed_tension" in series.columns:
        smoothed = series.get_column("smoothed_tension").to_list()
        columns.append(smoothed)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=smoothed,
                name="smoothed",
                mode="lines",
                line={"color": MEAN_COLOR, "width": 1.5, "dash": "dot"},
                hovertemplate="smoothed %{y:.2f}<extra></extra>",
                connectgaps=True,
            ),
            row=1,
            col=1,
        )
    for trace in [*_spike_traces(series), *_sign_legend()]:
        fig.add_trace(trace, row=1, col=1)
    return _finish(fig, x, columns, articles, events, freq, show_events, 2, HEIGHT)


def _smoothed_trace(series: pl.DataFrame, group: str, color: str) -> list[go.Scatter]:
    """A group's smoothed line (none when the series is not smoothed): solid and wide, so that several
    groups' trends read through their period-by-period lines."""
    if "smoothed_tension" not in series.columns:
        return []
    return [
        go.Scatter(
            x=series.get_column("period_start").to_list(),
            y=series.get_column("smoothed_tension").to_list(),
            name=f"{group} · smoothed",
            legendgroup=group,
            showlegend=False,
            mode="lines",
            line={"color": color, "width": 4},
            hovertemplate=f"{group} · smoothed %{{y:.2f}}<extra></extra>",
            connectgaps=True,
        )
    ]


def _distinct_colors(groups: Sequence[str], colors: Mapping[str, str]) -> dict[str, str]:
    """Each group's colour (given, else by its place); a group that would repeat an earlier group's
    colour in this chart (keyed colours cycle past eight pairs) takes the first palette colour still free."""
    color_of: dict[str, str] = {}
    for i, group in enumerate(groups):
        color = colors.get(group) or group_color(i, group)
        if group != "other" and color in color_of.values():
            color = next((c for c in GROUP_COLORS if c not in color_of.values()), color)
        color_of[group] = color
    return color_of


def split_figure(
    series: pl.DataFrame,
    by: str,
    events: Sequence[Event] = (),
    *,
    freq: str = "week",
    show_events: bool = True,
    labels: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    group_events: Mapping[str, Sequence[Event]] | None = None,
) -> go.Figure:
    """One line (with its band) per group of an ``aggregate(by=...)`` series, in the groups' order of
    first appearance; more than ``MAX_OVERLAID_GROUPS`` groups get one panel each, sharing both axes.
    ``labels`` names groups in the legend (a pair's title for its id); ``colors`` gives a group its
    colour (default: by its place in the chart); ``group_events`` are each group's own key events (a
    pair's), drawn in its colour beside ``events``. Every trace of a group carries the group itself as
    its ``meta`` (``picked_groups``)."""
    labels = labels or {}
    groups = list(dict.fromkeys(series.get_column(by).to_list()))
    color_of = _distinct_colors(groups, colors or {})
    if group_events:
        events = [*events, *parts.group_events(group_events, color_of, labels)]
    overlaid = len(groups) <= MAX_OVERLAID_GROUPS
    rows = 2 if overlaid else len(groups)
    fig = _frame(2, [0.74, 0.26]) if overlaid else _frame(rows, [1 / rows] * rows)
    x = sorted(set(series.get_column("period_start").to_list()))
    columns: list = []
    counts: list[int] = []
    for i, group in enumerate(groups):
        part = series.filter(pl.col(by) == group)
        key = group
        color, group = color_of[group], escape_html(labels.get(group, group))  # names are Plotly text
        row = 1 if overlaid else i + 1
        for trace in [
            *_mean_traces(part, group, color),
            *_smoothed_trace(part, group, color),
            *_spike_traces(part, group),
        ]:
            trace.meta = key  # a click on any of them names its group
            fig.add_trace(trace, row=row, col=1)
        columns += [part.get_column(c).to_list() for c in ("mean_tension", "ci_low", "ci_high")]
        if "smoothed_tension" in part.columns:
            columns.append(part.get_column("smoothed_tension").to_list())
        if overlaid:
            fig.add_trace(
                go.Bar(
                    x=part.get_column("period_start").to_list(),
                    y=part.get_column("articles").to_list(),
                    name=f"{group} · articles",
                    legendgroup=group,
                    showlegend=False,
                    marker_color=rgba(color, 0.7),
                    hovertemplate=f"{group} · %{{x|%Y-%m-%d}}: %{{y}} articles<extra></extra>",
                    meta=key,
                ),
                row=2,
                col=1,
            )
    if overlaid:
        totals = series.group_by("period_start").agg(pl.col("articles").sum()).get_column("articles").to_list()
        counts = [int(t) for t in totals]
    for trace in _sign_legend():
        fig.add_trace(trace, row=1, col=1)
    height = HEIGHT if overlaid else 120 + PANEL_HEIGHT * rows
    fig = _finish(fig, x, columns, counts, events, freq, show_events, rows, height)
    if not overlaid:  # each panel named on its axis (a title above the first would meet the event labels)
        for row, group in enumerate(groups, start=1):
            fig.update_yaxes(title_text=escape_html(labels.get(group, group)), row=row, col=1)
    return fig


def picked_groups(selection: Mapping[str, Any] | None, figure: go.Figure) -> list[str]:
    """The groups of a ``split_figure`` whose points a chart selection holds (a click or a box), in
    the figure's order; empty when no point of a group was picked (a box on empty space)."""
    points: Sequence[Mapping[str, Any]] = (selection or {}).get("points") or []
    curves = {p.get("curve_number") for p in points}
    picked = [
        trace.meta for number, trace in enumerate(figure.data) if number in curves and isinstance(trace.meta, str)
    ]
    return list(dict.fromkeys(picked))
