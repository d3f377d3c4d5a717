"""Trend page: mean tension per period with its band, counts, spikes and key events."""

from __future__ import annotations

import streamlit as st

from pipeline import views
from pipeline.charts import trend_figure
from pipeline.watch.manage import freshness_of
from ui.shared import load_key_events, load_series, shared

run = shared()
freq = run.filters.freq
series = load_series(run.db, run.version, run.filters, run.settings)
counted = views.counted_in(series)
st.caption(
    f"Mean tension per {freq} with its 95% interval (band and whiskers), articles per {freq} as bars "
    f"(right axis), spikes as red triangles, key events as dotted lines. {counted} articles count here: "
    "relevant, dated, each story once. Hover a period for its strongest evidence sentence. "
    + views.escape_markdown(freshness_of(run.db))  # how current the data is: when a watcher last polled
)
if counted:
    st.plotly_chart(trend_figure(series, load_key_events(), freq=freq), key="trend_chart")
else:
    st.info("No article counts under these filters. Widen the date range, languages or sources.")
