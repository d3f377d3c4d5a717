"""The trend chart: mean tension per period with its 95% band, article counts, spikes and key events.

One function, ``trend_figure``, from an ``aggregate`` series to a Plotly figure. Every label that
comes from data (evidence sentences, event names) is escaped: Plotly reads a few HTML tags.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from .models import Event
from .views import escape_html, hover_text, interval_text

TENSION_COLOR = "#c0392b"
MEAN_COLOR = "#1f4e79"
BAND_COLOR = "rgba(31, 78, 121, 0.18)"
BAR_COLOR = "rgba(127, 127, 127, 0.35)"
EVENT_COLOR = "rgba(90, 90, 90, 0.55)"
WHISKER_COLOR = "rgba(31, 78, 121, 0.35)"

#: Above this many events in view, labels show on hover only (written along the lines they overlap).
MAX_EVENT_LABELS = 12

#: The article bars use at most this share of the chart's height, so they stay under the line.
BAR_HEIGHT_SHARE = 0.35


def _band_polygons(
    x: list[dt.date], low: list[float | None], high: list[float | None]
) -> tuple[list[dt.date | None], list[float | None]]:
    """Closed outlines of each run of periods that has an interval, separated by None (one trace)."""
    xs: list[dt.date | None] = []
    ys: list[float | None] = []
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 2:  # a single period shows as an error bar instead
            xs.extend([x[i] for i in run] + [x[i] for i in reversed(run)] + [None])
            ys.extend([high[i] for i in run] + [low[i] for i in reversed(run)] + [None])
        run.clear()

    for i in range(len(x)):
        if low[i] is None or high[i] is None:
            flush()
        else:
            run.append(i)
    flush()
    return xs, ys


def _visible_events(events: Sequence[Event], first: dt.date | None, last: dt.date | None) -> list[Event]:
    if first is None or last is None:
        return []
    return [e for e in events if first <= e.date <= last]


def trend_figure(series: pl.DataFrame, events: Sequence[Event] = (), *, freq: str = "week") -> go.Figure:
    """The trend chart of an ``aggregate`` series (with ``top_evidence``; ``smoothed_tension`` when smoothed)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = series.get_column("period_start").to_list()
    articles = series.get_column("articles").to_list()
    mean = series.get_column("mean_tension").to_list()
    low = series.get_column("ci_low").to_list()
    high = series.get_column("ci_high").to_list()
    labels = hover_text(series)

    fig.add_trace(
        go.Bar(
            x=x,
            y=articles,
            name="articles",
            marker_color=BAR_COLOR,
            text=labels,
            hovertemplate="%{x|%Y-%m-%d}: %{text}<extra>articles</extra>",
            textposition="none",
        ),
        secondary_y=True,
    )
    band_x, band_y = _band_polygons(x, low, high)
    fig.add_trace(
        go.Scatter(
            x=band_x,
            y=band_y,
            name="95% interval",
            mode="lines",
            fill="toself",
            fillcolor=BAND_COLOR,
            line={"width": 0},
            hoverinfo="skip",
        ),
        secondary_y=False,
    )
    plus = [None if h is None or m is None else h - m for h, m in zip(high, mean, strict=True)]
    minus = [None if lo is None or m is None else m - lo for lo, m in zip(low, mean, strict=True)]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=mean,
            name="mean tension",
            mode="lines+markers",
            line={"color": MEAN_COLOR, "width": 2},
            marker={"size": 5},
            error_y={
                "type": "data",
                "array": plus,
                "arrayminus": minus,
                "thickness": 1,
                "width": 0,
                "color": WHISKER_COLOR,
            },
            # The interval as text: Plotly prints a missing number as 0.00 (one-article periods have none).
            customdata=interval_text(series),
            text=labels,
            hovertemplate="%{x|%Y-%m-%d}<br>mean tension %{y:.2f}<br>%{customdata}<br>%{text}<extra></extra>",
            connectgaps=False,
        ),
        secondary_y=False,
    )
    if "smoothed_tension" in series.columns:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series.get_column("smoothed_tension").to_list(),
                name="smoothed",
                mode="lines",
                line={"color": MEAN_COLOR, "width": 1.5, "dash": "dot"},
                hovertemplate="smoothed %{y:.2f}<extra></extra>",
                connectgaps=True,
            ),
            secondary_y=False,
        )
    spikes = series.filter(pl.col("spike"))
    fig.add_trace(
        go.Scatter(
            x=spikes.get_column("period_start").to_list(),
            y=spikes.get_column("mean_tension").to_list(),
            customdata=spikes.get_column("tension_z").to_list(),
            name="spike",
            mode="markers",
            marker={
                "symbol": "triangle-up",
                "size": 13,
                "color": TENSION_COLOR,
                "line": {"width": 1, "color": "white"},
            },
            hovertemplate="spike: %{customdata:.1f} standard deviations above the trailing mean<extra></extra>",
        ),
        secondary_y=False,
    )

    first = x[0] if x else None
    last = x[-1] if x else None
    visible = _visible_events(events, first, last)
    if visible:
        # Hovering the diamond at the top of an event line shows its label and note; the label is also
        # written along the line when there are few enough events for the labels not to overlap.
        fig.add_trace(
            go.Scatter(
                x=[e.date for e in visible],
                y=[1.0] * len(visible),
                text=[
                    escape_html(f"{e.date.isoformat()}: {e.label}" + (f" ({e.note})" if e.note else ""))
                    for e in visible
                ],
                name="key events",
                mode="markers",
                marker={"symbol": "diamond", "size": 8, "color": EVENT_COLOR},
                hovertemplate="%{text}<extra>key event</extra>",
            ),
            secondary_y=False,
        )
    for event in visible:
        fig.add_shape(
            type="line",
            x0=event.date,
            x1=event.date,
            yref="paper",
            y0=0,
            y1=1,
            line={"color": EVENT_COLOR, "width": 1, "dash": "dot"},
        )
        if len(visible) <= MAX_EVENT_LABELS:
            fig.add_annotation(
                x=event.date,
                y=0.97,
                yref="paper",
                text=escape_html(event.label),
                showarrow=False,
                textangle=-90,
                xanchor="right",
                yanchor="top",
                font={"size": 10, "color": "#444"},
            )

    peak = max((a for a in articles if a), default=1)
    fig.update_yaxes(
        title_text="mean tension (−1 cooperation … +1 tension)",
        range=[-1.05, 1.05],
        zeroline=True,
        zerolinecolor="#999",
        secondary_y=False,
    )
    top = peak / BAR_HEIGHT_SHARE
    fig.update_yaxes(
        title_text="articles",
        range=[0, top],
        tickmode="linear",
        tick0=0,
        dtick=max(1, math.ceil(peak / 4)),
        showgrid=False,
        secondary_y=True,
    )
    fig.update_xaxes(title_text=f"period ({freq})")
    fig.update_layout(
        hovermode="closest",
        bargap=0.1,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        height=520,
    )
    return fig
