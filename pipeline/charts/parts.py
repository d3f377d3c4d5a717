"""Pieces both charts draw: the interval band, the axes' ranges, the spike rule in words and the
key events (lines, markers and non-overlapping labels)."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from ..aggregate import SPIKE_MIN_HISTORY, aggregate
from ..models import Event
from ..views import escape_html
from .events import FONT_SIZE, MAX_ROWS, PLOT_WIDTH, ROW_HEIGHT, PlacedLabel, place_labels
from .palette import EVENT_COLOR, rgba, sign_mark

_RULE = inspect.signature(aggregate).parameters
SPIKE_Z: float = _RULE["spike_z"].default
SPIKE_WINDOW: int = _RULE["spike_window"].default
SPIKE_MIN_ARTICLES: int = _RULE["spike_min_articles"].default
SPIKE_RULE = (
    f"spike rule: mean ≥ {SPIKE_Z:g} standard deviations above the trailing {SPIKE_WINDOW} periods, "
    f"on ≥ {SPIKE_MIN_ARTICLES} articles"
)

#: Days the x axis runs past the first and last period, so their bars are whole.
X_PADDING_DAYS = {"day": 1, "week": 4, "month": 16}
#: Pixels between the plot's top edge and the first row of event labels.
LABEL_BASE = 8.0


def band_polygons(
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


def tension_range(*columns: Sequence[float | None]) -> list[float]:
    """The tension axis: the data and its intervals with a margin, zero always in view, within ±1.05."""
    values = [v for column in columns for v in column if v is not None]
    lo, hi = min([*values, 0.0]), max([*values, 0.0])
    pad = max((hi - lo) * 0.08, 0.05)
    return [round(max(lo - pad, -1.05), 4), round(min(hi + pad, 1.05), 4)]


def count_range(counts: Sequence[int]) -> list[float]:
    """The article axis: from 0 to a little above the tallest bar."""
    peak = max([c for c in counts if c] or [1])
    return [0.0, round(peak * 1.1 + 0.2, 4)]


def x_range(x: Sequence[dt.date], freq: str) -> tuple[dt.date, dt.date] | None:
    """The x axis: the first and last period, padded so their bars show whole."""
    if not x:
        return None
    pad = dt.timedelta(days=X_PADDING_DAYS.get(freq, 1))
    return min(x) - pad, max(x) + pad


def rule_text(series: pl.DataFrame) -> list[str]:
    """The spike rule's verdict on each period, in words, for the hover."""
    texts = []
    for articles, z, spike in series.select("articles", "tension_z", "spike").iter_rows():
        if spike:
            texts.append(f"SPIKE: {z:.1f} standard deviations above the trailing {SPIKE_WINDOW} periods")
        elif z is None:
            history = f"needs {SPIKE_MIN_HISTORY} periods with articles among the trailing {SPIKE_WINDOW}"
            texts.append(f"no spike: too little history ({history})")
        elif z >= SPIKE_Z:
            texts.append(f"no spike: {z:.1f} standard deviations up, but {articles} < {SPIKE_MIN_ARTICLES} articles")
        else:
            texts.append(f"no spike: {z:.1f} standard deviations from the trailing {SPIKE_WINDOW} periods")
    return texts


def sign_words(mean: Sequence[float | None]) -> tuple[list[str], list[str]]:
    """(marker symbols, words) of each period's mean: the sign shown by shape and word, not colour only."""
    marks = [sign_mark(m) for m in mean]
    return [s for s, _ in marks], [w if m is not None else "" for (_, w), m in zip(marks, mean, strict=True)]


@dataclass(frozen=True)
class GroupEvent(Event):
    """A key event of one group of a split chart (a compared pair's): drawn in the group's colour, the
    group named in its hover."""

    group: str = ""  # the group's name as the legend shows it
    color: str = EVENT_COLOR


def group_events(
    events: Mapping[str, Sequence[Event]], colors: Mapping[str, str], labels: Mapping[str, str]
) -> list[GroupEvent]:
    """Each group's events (of the groups drawn, ``colors``' keys) marked with its name and colour."""
    return [
        GroupEvent(e.date, e.label, e.note, e.link, e.id, e.is_demo, labels.get(group, group), colors[group])
        for group, own in events.items()
        if group in colors
        for e in own
    ]


def _event_hover(events: Sequence[Event]) -> str:
    lines = [
        (f"{e.group} · " if isinstance(e, GroupEvent) else "")
        + f"{e.date.isoformat()}: {e.label}"
        + (f" ({e.note})" if e.note else "")
        for e in events
    ]
    return "<br>".join(escape_html(line) for line in lines)


def _event_color(events: Sequence[Event]) -> str | None:
    """The colour of a group's events when they are all one group's (a pair's), else None."""
    colors = {e.color if isinstance(e, GroupEvent) else None for e in events}
    return colors.pop() if len(colors) == 1 else None


def draw_events(
    fig: go.Figure, events: Sequence[Event], lo: dt.date, hi: dt.date, marker_y: float, *, labels: bool = True
) -> list[PlacedLabel]:
    """Dotted lines for the events in view, one marker and one label per group of close events (all
    of a group's events in its hover); returns the placed labels."""
    placed = place_labels(events, lo, hi, PLOT_WIDTH)
    if not placed:
        return placed
    for label in placed:
        for event in label.events:
            fig.add_shape(
                type="line",
                x0=event.date,
                x1=event.date,
                yref="paper",
                y0=0,
                y1=1,
                line={"color": _line_color(event), "width": 1, "dash": "dot"},
            )
    colors = [_event_color(label.events) or EVENT_COLOR for label in placed]  # a pair's own in its colour
    fig.add_trace(
        go.Scatter(
            x=[label.anchor for label in placed],
            y=[marker_y] * len(placed),
            text=[_event_hover(label.events) for label in placed],
            name="key events",
            mode="markers",
            marker={"symbol": "diamond", "size": 9, "color": colors if len(set(colors)) > 1 else colors[0]},
            hovertemplate="%{text}<extra>key events</extra>",
            cliponaxis=False,
        ),
        row=1,
        col=1,
    )
    if labels:
        for label in placed:
            # Above the plot, in its row, centred over its events' marker (moved inwards at the edges).
            fig.add_annotation(
                x=label.anchor,
                y=1,
                xref="x",
                yref="paper",
                text=escape_html(label.text),
                hovertext=_event_hover(label.events),
                showarrow=False,
                xanchor="center",
                yanchor="bottom",
                xshift=round(label.center_px - label.anchor_px, 1),
                yshift=LABEL_BASE + ROW_HEIGHT * label.row,
                font={"size": FONT_SIZE, "color": "#333"},
                borderpad=1,
                # A pair's label on a tinted ground of its colour (the text stays dark enough to read).
                bgcolor=rgba(color, 0.22) if (color := _event_color(label.events)) else None,
            )
    return placed


def _line_color(event: Event) -> str:
    return rgba(event.color, 0.85) if isinstance(event, GroupEvent) else EVENT_COLOR


def top_margin(placed: Sequence[PlacedLabel], labels: bool) -> int:
    """Room above the plot for the rows of labels used."""
    rows = 1 + max((p.row for p in placed), default=-1) if labels else 0
    return int(20 + (LABEL_BASE + ROW_HEIGHT * min(rows, MAX_ROWS) if rows else 0))
