"""Periods of the trend chart: the default length for the data's density, and the period or range
picked by a click or a box on the chart (Streamlit's selection event), as dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import polars as pl

from . import article_list, views
from .aggregate import PERIODS, Freq
from .settings import Settings
from .views import Filters

#: The lengths offered, shortest first.
FREQS: tuple[Freq, ...] = ("day", "week", "month")

#: A period with this many articles has a spread, hence a 95% interval (one article has none).
DENSE_ARTICLES = 2

#: A period length reads well when at least this share of its non-empty periods is dense.
DENSE_SHARE = 0.5


def dense_share(dates: pl.Series, freq: Freq) -> float:
    """The share of non-empty periods of this length that hold at least ``DENSE_ARTICLES`` articles."""
    counts = dates.drop_nulls().dt.truncate(PERIODS[freq]).value_counts().get_column("count")
    return int((counts >= DENSE_ARTICLES).sum()) / counts.len() if counts.len() else 0.0


def default_freq(dates: pl.Series) -> Freq:
    """The shortest period in which most non-empty periods hold at least two articles (so most points
    have an interval and a line joins them); month when none does. ``dates``: articles' ``published``."""
    for freq in FREQS:
        if dense_share(dates, freq) >= DENSE_SHARE:
            return freq
    return FREQS[-1]


def period_start(day: dt.date, freq: Freq) -> dt.date:
    """The first day of the period that holds ``day`` (weeks start on Monday)."""
    if freq == "week":
        return day - dt.timedelta(days=day.weekday())
    if freq == "month":
        return day.replace(day=1)
    return day


def period_end(start: dt.date, freq: Freq) -> dt.date:
    """The last day of the period that starts on (or holds) ``start``."""
    first = period_start(start, freq)
    if freq == "week":
        return first + dt.timedelta(days=6)
    if freq == "month":
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    return first


def period_name(start: dt.date, end: dt.date, freq: Freq) -> str:
    """How the caption names a period or range: "March 2022", "the week of 2022-02-28", "2022-02-24"."""
    if period_start(start, freq) == start and period_end(start, freq) == end:
        if freq == "month":
            return start.strftime("%B %Y")
        if freq == "week":
            return f"the week of {start.isoformat()} to {end.isoformat()}"
        return start.isoformat()
    return f"{start.isoformat()} to {end.isoformat()}"


def _day(value: object) -> dt.date | None:
    """A date from a Plotly x value ("2022-03-01", "2022-03-01 12:30:00.5", epoch ms), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):  # a date axis can send milliseconds since the epoch
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC).date()
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def picked_range(selection: Mapping[str, Any] | None, freq: Freq) -> tuple[dt.date, dt.date] | None:
    """The dates a chart selection picks: a box's whole periods, else the periods of the clicked
    points (first to last); None when nothing is selected."""
    if not selection:
        return None
    boxes: Sequence[Mapping[str, Any]] = selection.get("box") or []
    for box in boxes:
        ends = [d for d in (_day(x) for x in box.get("x", [])) if d is not None]
        if ends:
            return period_start(min(ends), freq), period_end(max(ends), freq)
    points: Sequence[Mapping[str, Any]] = selection.get("points") or []
    days = [d for d in (_day(p.get("x")) for p in points) if d is not None]
    if not days:
        return None
    return period_start(min(days), freq), period_end(max(days), freq)


def within(picked: tuple[dt.date, dt.date], start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The picked dates cut to the sidebar's date range (open ends: no cut)."""
    lo, hi = picked
    return (max(lo, start) if start else lo), (min(hi, end) if end else hi)


def counted_between(series: pl.DataFrame, start: dt.date, end: dt.date) -> int:
    """How many articles the series counts in the periods that start between ``start`` and ``end``
    (or in the period that holds ``start``)."""
    first = series.get_column("period_start").filter(series.get_column("period_start") <= start).max()
    lo = first if isinstance(first, dt.date) else start
    inside = series.filter(pl.col("period_start").is_between(lo, end))
    return int(inside.get_column("articles").sum())


def period_articles(
    frame: pl.DataFrame, filters: Filters, settings: Settings, start: dt.date, end: dt.date, length: int = 2000
) -> article_list.Page:
    """The dated articles from ``start`` to ``end`` under the other filters, newest first (the first
    ``length``), and how many there are; columns as the articles table."""
    narrowed = replace(filters, start=start, end=end)
    page = views.articles_page(frame, narrowed, settings, length=length)
    # The article list keeps undated articles whatever the dates; a period has none.
    undated = frame.filter(
        article_list.filter_expr(filters.languages, filters.sources, None, None, keep_undated=True)
        & pl.col("published").is_null()
    ).height
    return article_list.Page(page.rows.filter(pl.col("published").is_not_null()), page.total - undated, 0)
