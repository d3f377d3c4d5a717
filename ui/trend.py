"""Trend page: mean tension per period with its band, counts, spikes and key events; a split by
language or source, or the pairs compared; a click or a box on the chart lists that period's articles
(of the clicked pair when comparing), a row opens one."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from pipeline import article_list, compare, periods, views
from pipeline.aggregate import Freq, GroupBy
from pipeline.charts import keyed_colors, picked_groups, split_figure, trend_figure
from pipeline.events import read_events
from pipeline.settings import Settings
from pipeline.watch.manage import freshness_of
from ui.pairs import ARTICLE_PAIR
from ui.shared import (
    Shared,
    Version,
    keep,
    kept,
    load_articles,
    load_key_events,
    load_pairs_frame,
    load_series,
    shared,
)

SPLITS = ("none", "language", "source")
TABLE_ROWS = 2000


@st.cache_data(show_spinner=False, max_entries=16)
def load_split(
    db: str, version: Version, filters: views.Filters, settings: Settings, by: GroupBy, top: int, pair: str
) -> pl.DataFrame:
    return compare.split_series(load_articles(db, version, pair, settings.data_dir), filters, settings, by, top)


@st.cache_data(show_spinner=False, max_entries=16)
def load_compared(
    db: str, version: Version, filters: views.Filters, settings: Settings, pairs: tuple[str, ...]
) -> pl.DataFrame:
    """The series of each compared pair, stacked with ``pair`` second (``compare.pair_series``)."""
    frame = load_pairs_frame(db, version, pairs, settings.data_dir, settings.watched_pair().id)
    return compare.pair_series(frame, filters, settings, pairs)


@st.cache_data(show_spinner=False, max_entries=16)
def load_period(
    db: str, version: Version, filters: views.Filters, settings: Settings, start: dt.date, end: dt.date, pair: str
) -> article_list.Page:
    frame = load_articles(db, version, pair, settings.data_dir)
    return periods.period_articles(frame, filters, settings, start, end, TABLE_ROWS)


def pick_from_chart() -> None:
    """The chart's selection changed: keep the picked period (or range), or none when it was cleared;
    when pairs are compared, the pairs whose points were picked too (all of them for a box on empty space)."""
    state = st.session_state.get("trend_chart")
    selection = state.selection if state else None
    picked = periods.picked_range(selection, shared().filters.freq)
    st.session_state["period"] = picked[0].isoformat() if picked else ""
    st.session_state["period_end"] = picked[1].isoformat() if picked else ""
    figure = st.session_state.get("trend_figure")
    st.session_state["period_pairs"] = picked_groups(selection, figure) if figure is not None else []


def clear_period() -> None:
    st.session_state["period"] = st.session_state["period_end"] = ""


def picked_dates(freq: Freq) -> tuple[dt.date, dt.date] | None:
    """The period (or range) kept in the session, as whole periods of the current length."""
    try:
        start = dt.date.fromisoformat(st.session_state.get("period") or "")
    except ValueError:
        return None
    start = periods.period_start(start, freq)
    try:
        end = dt.date.fromisoformat(st.session_state.get("period_end") or "")
    except ValueError:
        end = start
    return start, periods.period_end(max(end, start), freq)


def period_listing(run: Shared, series: pl.DataFrame, picked: tuple[dt.date, dt.date], pairs: tuple[str, ...]) -> None:
    """The picked period's articles (of each of ``pairs`` when comparing, a ``pair`` column first) under
    the chart; a row click opens the article, under its pair."""
    start, end = periods.within(picked, run.filters.start, run.filters.end)
    listings = [(pair, load_period(run.db, run.version, run.filters, run.settings, start, end, pair)) for pair in pairs]
    rows = pl.concat(
        [listing.rows.select(pl.lit(pair).alias("pair"), pl.all()) for pair, listing in listings], how="vertical"
    )
    total = sum(listing.total for _, listing in listings)
    if run.compared:
        in_chart = sum(periods.counted_between(series.filter(pl.col("pair") == p), start, end) for p in pairs)
        whose = " of " + views.escape_markdown(", ".join(run.title(p) for p in pairs))
    else:
        in_chart, whose = periods.counted_between(series, start, end), ""
    more = f" (the first {rows.height:,} shown)" if total > rows.height else ""
    st.caption(
        f"Articles{whose} of {periods.period_name(start, end, run.filters.freq)}: "
        f"{total:,} listed{more}, {in_chart} count in the chart. Select a row to open the article."
    )
    st.button("Clear the picked period", key="clear_period", on_click=clear_period)
    event = st.dataframe(
        rows if run.compared else rows.drop("pair"),
        hide_index=True,
        key="period_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "pair": st.column_config.TextColumn("pair"),
            "published": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "tension": st.column_config.NumberColumn(format="%.2f"),
            "sentiment": st.column_config.NumberColumn(format="%.2f"),
            "relevance": st.column_config.NumberColumn(format="%.2f"),
            "url": st.column_config.LinkColumn("url"),
        },
    )
    if event.selection.rows:
        row = rows.row(event.selection.rows[0], named=True)
        st.session_state["article_id"] = int(row["id"])
        st.session_state[ARTICLE_PAIR] = row["pair"]  # the Articles page shows the article under this pair
        st.switch_page("ui/articles.py")


run = shared()
freq = run.filters.freq
left, middle, right = st.columns([2, 1, 1])
top = 5
if run.compared:
    split = "pair"
    left.caption("Comparing the pairs chosen in the sidebar: one line and band each, each with its key events.")
else:
    split = left.radio("Compare", SPLITS, index=SPLITS.index(kept("split", "none")), horizontal=True, key="split")
    top = middle.number_input(
        "Top sources", min_value=1, max_value=12, value=kept("split_top", 5), step=1, key="split_top",
        disabled=split != "source", help="the other sources are grouped as 'other'",
    )  # fmt: skip
    keep("split", split)
    keep("split_top", int(top))
show_events = right.toggle("Key events", value=kept("show_events", True), key="show_events")
keep("show_events", show_events)

if run.compared:
    series = load_compared(run.db, run.version, run.filters, run.settings, run.compared)
else:
    series = load_series(run.db, run.version, run.filters, run.settings, run.pair)
counted = views.counted_in(series)
spikes = int(series.get_column("spike").sum())
events = (
    "each pair's key events as dotted lines in its colour (the pair named in their hover)"
    if run.compared
    else "key events as dotted lines"
)
st.caption(
    f"Mean tension per {freq} (▲ towards tension, ▼ towards cooperation) with its 95% interval (band and "
    f"whiskers); articles per {freq} as bars below; spikes as filled red triangles ({spikes} under these "
    f"filters; open triangles: high, but on too few articles); {events}. "
    f"{counted} articles count here: relevant, dated, each story once. Click a period or drag a box "
    "to list its articles. " + views.escape_markdown(freshness_of(run.db, run.settings.watched_pair().id))
)
if not counted:
    st.info("No article counts under these filters. Widen the date range, languages or sources.")
    st.stop()

if run.compared:
    figure = split_figure(
        series, "pair", freq=freq, show_events=show_events, labels=run.titles,
        colors=keyed_colors(run.titles),  # a pair keeps its colour whichever others are compared
        group_events={p: read_events(run.db, p) for p in run.compared} if show_events else None,
    )  # fmt: skip
    compared, db, version, filters, settings = run.compared, run.db, run.version, run.filters, run.settings
    st.download_button(
        f"Series by pair (CSV, {freq})",
        lambda: compare.pair_csv(
            load_pairs_frame(db, version, compared, settings.data_dir, settings.watched_pair().id), filters, settings
        ),
        file_name=f"barometer-{freq}-by-pair.csv",
        mime=views.CSV_MIME,
        key="download-pairs",
        on_click="ignore",
        help="one series per pair compared, the columns of `python -m pipeline export --pair all`",
    )
elif split == "none":
    figure = trend_figure(series, load_key_events(), freq=freq, show_events=show_events)
else:
    by: GroupBy = "language" if split == "language" else "source"
    split_data = load_split(run.db, run.version, run.filters, run.settings, by, int(top), run.pair)
    figure = split_figure(split_data, by, load_key_events(), freq=freq, show_events=show_events)
    frame = load_articles(run.db, run.version, run.pair, run.settings.data_dir)
    st.download_button(
        f"Series by {by} (CSV, {freq})",
        lambda: compare.split_csv(frame, run.filters, run.settings, by),
        file_name=f"barometer-{freq}-by-{by}.csv",
        mime=views.CSV_MIME,
        key="download-split",
        on_click="ignore",
        help=f"one series per {by} (every one), the columns of `python -m pipeline export --by {by}`",
    )
st.session_state["trend_figure"] = figure  # a click names its pair by the trace it fell on (pick_from_chart)
st.plotly_chart(figure, key="trend_chart", on_select=pick_from_chart, selection_mode=("points", "box"), width="stretch")

picked = picked_dates(freq)
if picked is not None:
    clicked = [p for p in st.session_state.get("period_pairs", []) if p in run.compared]
    period_listing(run, series, picked, tuple(clicked or run.compared) if run.compared else (run.pair,))
