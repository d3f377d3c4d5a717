"""Export page: the aggregated CSV and the article table (CSV, Parquet) for the current filters.

The article files are built when their button is clicked (a callable for ``data``), streamed from
the cached frame, so opening the page or moving a filter writes nothing.
"""

from __future__ import annotations

import streamlit as st

from pipeline import views
from pipeline.settings import Settings
from ui.shared import Version, load_articles, load_series, shared


@st.cache_data(show_spinner=False, max_entries=32)
def load_count(db: str, version: Version, filters: views.Filters, settings: Settings) -> int:
    return views.export_count(load_articles(db, version), filters, settings)


run = shared()
listed = load_count(run.db, run.version, run.filters, run.settings)
st.caption(
    f"For the current filters and period ({run.filters.freq}). The aggregated CSV has the contract columns "
    "period_start, articles, mean_tension, ci_low, ci_high, mean_sentiment, share_tension; the article "
    f"table has every matching article ({listed:,}) with its scores, correction and whether it counts, "
    "built when you click its button."
)
series = load_series(run.db, run.version, run.filters, run.settings)
db, version = run.db, run.version  # the click loads the frame from the cache: no copy held between reruns
for download in views.downloads(series, lambda: load_articles(db, version), run.filters, run.settings):
    st.download_button(
        download.label,
        download.data,
        file_name=download.file_name,
        mime=download.mime,
        key=f"download-{download.file_name}",
        on_click="ignore",
    )
