"""Trend page: mean tension per period with its band, counts, spikes and key events; a split by
language or source; a click or a box on the chart lists that period's articles, a row opens one."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from pipeline import article_list, compare, periods, views
from pipeline.aggregate import Freq, GroupBy
from pipeline.charts import split_figure, trend_figure
from pipeline.settings import Settings
from pipeline.watch.manage import freshness_of
from ui.shared import Version, keep, kept, load_articles, load_key_events, load_series, shared

SPLITS = ("none", "language", "source")
TABLE_ROWS = 2000


@st.cache_data(show_spinner=False, max_entries=16)
def load_split(
    db: str, version: Version, filters: views.Filters, settings: Settings, by: GroupBy, top: int
) -> pl.DataFrame:
    return compare.split_series(load_articles(db, version), filters, settings, by, top)


@st.cache_data(show_spinner=False, max_entries=16)
def load_period(
    db: str, version: Version, filters: views.Filters, settings: Settings, start: dt.date, end: dt.date
) -> article_list.Page:
    return periods.period_articles(load_articles(db, version), filters, settings, start, end, TABLE_ROWS)


def pick_from_chart() -> None:
    """The chart's selection changed: keep the picked period (or range), or none when it was cleared."""
    state = st.session_state.get("trend_chart")
    picked = periods.picked_range(state.selection if state else None, shared().filters.freq)
    st.session_state["period"] = picked[0].isoformat() if picked else ""
    st.session_state["period_end"] = picked[1].isoformat() if picked else ""


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


run = shared()
freq = run.filters.freq
left, middle, right = st.columns([2, 1, 1])
split = left.radio("Compare", SPLITS, index=SPLITS.index(kept("split", "none")), horizontal=True, key="split")
top = middle.number_input(
    "Top sources", min_value=1, max_value=12, value=kept("split_top", 5), step=1, key="split_top",
    disabled=split != "source", help="the other sources are grouped as 'other'",
)  # fmt: skip
show_events = right.toggle("Key events", value=kept("show_events", True), key="show_events")
keep("split", split)
keep("split_top", int(top))
keep("show_events", show_events)

series = load_series(run.db, run.version, run.filters, run.settings)
counted = views.counted_in(series)
spikes = int(series.get_column("spike").sum())
st.caption(
    f"Mean tension per {freq} (▲ towards tension, ▼ towards cooperation) with its 95% interval (band and "
    f"whiskers); articles per {freq} as bars below; spikes as filled red triangles ({spikes} under these "
    "filters; open triangles: high, but on too few articles); key events as dotted lines. "
    f"{counted} articles count here: relevant, dated, each story once. Click a period or drag a box "
    "to list its articles. " + views.escape_markdown(freshness_of(run.db))
)
if not counted:
    st.info("No article counts under these filters. Widen the date range, languages or sources.")
    st.stop()

if split == "none":
    figure = trend_figure(series, load_key_events(), freq=freq, show_events=show_events)
else:
    by: GroupBy = "language" if split == "language" else "source"
    split_data = load_split(run.db, run.version, run.filters, run.settings, by, int(top))
    figure = split_figure(split_data, by, load_key_events(), freq=freq, show_events=show_events)
    frame = load_articles(run.db, run.version)
    st.download_button(
        f"Series by {by} (CSV, {freq})",
        lambda: compare.split_csv(frame, run.filters, run.settings, by),
        file_name=f"barometer-{freq}-by-{by}.csv",
        mime=views.CSV_MIME,
        key="download-split",
        on_click="ignore",
        help=f"one series per {by} (every one), the columns of `python -m pipeline export --by {by}`",
    )
st.plotly_chart(figure, key="trend_chart", on_select=pick_from_chart, selection_mode=("points", "box"), width="stretch")

picked = picked_dates(freq)
if picked is not None:
    start, end = periods.within(picked, run.filters.start, run.filters.end)
    listing = load_period(run.db, run.version, run.filters, run.settings, start, end)
    in_chart = periods.counted_between(series, start, end)
    more = f" (the first {listing.rows.height:,} shown)" if listing.total > listing.rows.height else ""
    st.caption(
        f"Articles of {periods.period_name(start, end, freq)}: {listing.total:,} listed{more}, "
        f"{in_chart} count in the chart. Select a row to open the article."
    )
    st.button("Clear the picked period", key="clear_period", on_click=clear_period)
    event = st.dataframe(
        listing.rows,
        hide_index=True,
        key="period_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "published": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "tension": st.column_config.NumberColumn(format="%.2f"),
            "sentiment": st.column_config.NumberColumn(format="%.2f"),
            "relevance": st.column_config.NumberColumn(format="%.2f"),
            "url": st.column_config.LinkColumn("url"),
        },
    )
    if event.selection.rows:
        st.session_state["article_id"] = int(listing.rows.get_column("id")[event.selection.rows[0]])
        st.switch_page("ui/articles.py")
