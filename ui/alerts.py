"""Alerts page: what the watcher raised (tense new articles, spikes of the current period), newest
first, each with its strongest evidence sentence and links to its articles."""

from __future__ import annotations

import streamlit as st

from pipeline import views, watch
from ui.shared import shared

run = shared()
settings = run.settings
rules = (
    f"An alert is raised when a polled article scores a tension of {settings.alert_tension:+.2f} or more "
    f"(relevance at least {settings.alert_relevance:.2f})"
    + (
        f", or when the current {settings.alert_freq} becomes a spike on the trend chart"
        if settings.alert_spikes
        else ""
    )
    + ". "
    + ("Each is also sent to the webhook." if settings.watch_webhook else "No webhook is set.")
)
st.caption(views.escape_markdown(rules))

alerts = watch.recent_alerts(run.db, pair=run.settings.watched_pair())  # the watcher raises them for its pair
if not alerts:
    st.info("No alerts yet. The watcher raises them as it polls (`python -m pipeline watch run`).")
    st.stop()
for alert in alerts:
    with st.expander(views.escape_markdown(f"{alert.raised_at} · {alert.summary}"), expanded=alert is alerts[0]):
        if alert.evidence:
            st.markdown("> " + views.escape_markdown(alert.evidence))
        if views.is_web_link(alert.evidence_url):
            st.link_button("Open the evidence's article", alert.evidence_url)
        rows = [
            {"published": a.published, "title": a.title, "tension": a.tension, "url": a.url} for a in alert.articles
        ]
        st.dataframe(
            rows,
            hide_index=True,
            key=f"alert_articles_{alert.id}",
            column_config={
                "url": st.column_config.LinkColumn("url"),
                "tension": st.column_config.NumberColumn(format="%+.2f"),
            },
        )
        if note := watch.delivery_note(alert):
            st.caption(views.escape_markdown(note))
