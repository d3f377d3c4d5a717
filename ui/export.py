"""Export page: the aggregated CSV and the article table (CSV, Parquet) for the current filters."""

from __future__ import annotations

import streamlit as st

from ui.shared import load_downloads, shared

run = shared()
st.caption(
    f"For the current filters and period ({run.filters.freq}). The aggregated CSV has the contract columns "
    "period_start, articles, mean_tension, ci_low, ci_high, mean_sentiment, share_tension; the article "
    "table has every matching article with its scores, correction and whether it counts."
)
for download in load_downloads(run.db, run.version, run.filters, run.settings):
    st.download_button(
        download.label,
        download.data,
        file_name=download.file_name,
        mime=download.mime,
        key=f"download-{download.file_name}",
        on_click="ignore",
    )
