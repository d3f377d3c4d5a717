"""Export page: the aggregated CSV and the article table (CSV, Parquet) for the current filters, with
a preview of the first rows of each file and, as an option, the series' extra columns.

The article files are built when their button is clicked (a callable for ``data``), streamed from
the cached frame, so opening the page or moving a filter writes nothing; their preview is built from
the first matching articles only.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import streamlit as st

from pipeline import article_list, views
from pipeline.export import EXTRA_COLUMNS, PREVIEW_ROWS, csv_bytes, extended_frame, preview
from pipeline.settings import Settings
from ui.shared import Version, load_articles, load_series, shared


@st.cache_data(show_spinner=False, max_entries=32)
def load_count(db: str, version: Version, filters: views.Filters, settings: Settings, pair: str) -> int:
    return views.export_count(load_articles(db, version, pair, settings.data_dir), filters, settings)


@st.cache_data(show_spinner=False, max_entries=32)
def load_article_preview(
    db: str, version: Version, filters: views.Filters, settings: Settings, pair: str
) -> pl.DataFrame:
    """The first rows of the article table's CSV, built from those rows alone."""
    frame = load_articles(db, version, pair, settings.data_dir)
    rows = article_list.export_rows(frame, views.selection(filters, settings))
    return preview(csv_bytes(rows.head(PREVIEW_ROWS).collect()))


run = shared()
listed = load_count(run.db, run.version, run.filters, run.settings, run.pair)
if len(run.titles) > 1:
    st.caption(
        views.escape_markdown(
            f"The series and scores of {run.title()}; the Trend page downloads a comparison of pairs."
        )
    )
st.caption(
    f"For the current filters and period ({run.filters.freq}). The aggregated CSV has the contract columns "
    "period_start, articles, mean_tension, ci_low, ci_high, mean_sentiment, share_tension; the article "
    f"table has every matching article ({listed:,}) with its scores, correction and whether it counts, "
    "built when you click its button."
)
extra = st.checkbox(
    "Add the spike, smoothed and top-evidence columns to the aggregated CSV",
    key="export_extra",
    help=f"After the contract columns, which stay first and unchanged: {', '.join(EXTRA_COLUMNS)} "
    "(smoothed_tension when Smoothing is on).",
)
series = load_series(run.db, run.version, run.filters, run.settings, run.pair)
db, version, pair = run.db, run.version, run.pair  # the click loads the frame from the cache: no copy held
downloads = views.downloads(
    series, lambda: load_articles(db, version, pair, run.settings.data_dir), run.filters, run.settings
)
aggregated = f"barometer-{run.filters.freq}.csv"
if extra:  # the same button and file name, with the columns added
    wider = csv_bytes(extended_frame(series))
    downloads = [replace(d, data=wider) if d.file_name == aggregated else d for d in downloads]
for download in downloads:
    st.download_button(
        download.label,
        download.data,
        file_name=download.file_name,
        mime=download.mime,
        key=f"download-{download.file_name}",
        on_click="ignore",
    )

st.subheader("Preview")
summary = next((d for d in downloads if d.file_name == aggregated), None)
if summary is not None and isinstance(summary.data, bytes):
    rows = preview(summary.data)
    total = summary.data.count(b"\n") - 1
    st.caption(f"{summary.file_name}: the first {rows.height} of {total:,} rows, as the file holds them.")
    st.dataframe(rows, hide_index=True, key="preview_series")
articles = load_article_preview(run.db, run.version, run.filters, run.settings, run.pair)
st.caption(f"barometer-articles.csv: the first {articles.height} of {listed:,} rows, as the file holds them.")
st.dataframe(articles, hide_index=True, key="preview_articles")
