"""Export page: the aggregated CSV and the article table (CSV, Parquet) for the current filters.

The article files are built when their button is clicked (a callable for ``data``), streamed from
the cached frame, so opening the page or moving a filter writes nothing.
"""

from __future__ import annotations

import streamlit as st

from pipeline import views
from ui.shared import load_articles, load_series, shared

run = shared()
frame = load_articles(run.db, run.version)
listed = views.export_count(frame, run.filters, run.settings)
del frame  # the click loads the frame again from the cache: a button must not hold a copy between reruns
st.caption(
    f"For the current filters and period ({run.filters.freq}). The aggregated CSV has the contract columns "
    "period_start, articles, mean_tension, ci_low, ci_high, mean_sentiment, share_tension; the article "
    f"table has every matching article ({listed:,}) with its scores, correction and whether it counts, "
    "built when you click its button."
)
series = load_series(run.db, run.version, run.filters, run.settings)
db, version = run.db, run.version
for download in views.downloads(series, lambda: load_articles(db, version), run.filters, run.settings):
    st.download_button(
        download.label,
        download.data,
        file_name=download.file_name,
        mime=download.mime,
        key=f"download-{download.file_name}",
        on_click="ignore",
    )
