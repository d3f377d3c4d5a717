"""Sources page: watched feeds and sitemaps; add (discovered feeds shown before saving), pause,
resume, remove, check now, and each source's health."""

from __future__ import annotations

import streamlit as st

from pipeline import views, watch
from ui.access import permitted, visitor
from ui.shared import run_ingest, shared

run = shared()
settings = run.settings

st.caption(views.escape_markdown(watch.freshness_of(run.db, run.settings.watched_pair().id)))

st.subheader("Add a source")
with st.form("watch_find"):
    address = st.text_input("A feed, a sitemap, or a homepage whose feeds are to be found", key="watch_address")
    name = st.text_input("Name (optional)", key="watch_name")
    looked = st.form_submit_button("Find feeds")
if looked:
    with st.spinner("Looking for feeds and sitemaps…"):
        st.session_state["watch_found"] = watch.discover(address, settings)
found = st.session_state.get("watch_found")
if found is not None and not found.found:
    st.error(views.escape_markdown(found.reason()))
elif found is not None:
    st.write(f"Found behind {views.escape_markdown(found.address)}: tick the ones to watch.")
    ticked = [
        item
        for i, item in enumerate(found.found)
        if st.checkbox(
            views.escape_markdown(f"{item.kind}: {item.url} — {item.title or 'untitled'}, {item.entries} entries"),
            value=True,
            key=f"watch_pick_{i}",
        )
    ]
    clicked = st.button(f"Watch {views.plural(len(ticked), 'source')}", key="watch_save", disabled=not ticked)
    if clicked and permitted("manage_sources", "Watching sources"):
        saved = watch.save(settings, ticked, name=name)
        added = sum(source_id is not None for _, source_id in saved)
        st.session_state.pop("watch_found", None)
        st.session_state["watch_said"] = f"Added {views.plural(added, 'source')}; {len(saved) - added} already watched."
        st.rerun()
if said := st.session_state.pop("watch_said", None):
    st.success(said)

st.subheader("Watched sources")
rows = watch.source_rows(run.db, run.settings.watched_pair().id)
if not rows:
    st.info("No sources are watched yet. Add a feed, a sitemap or a homepage above.")
    st.stop()
st.dataframe(rows, hide_index=True, key="watch_table", column_config={"url": st.column_config.LinkColumn("url")})
labels = {f"#{row['id']} {row['name']}": row for row in rows}
picked = labels[st.selectbox("Source", list(labels), key="watch_pick")]
left, middle, right = st.columns(3)
if left.button("Check now", key="watch_check"):
    source_id = int(str(picked["id"]))
    run_ingest(f"Checking {picked['name']}", lambda p: watch.check_now(settings, {source_id}, p), "manage_sources")
paused = picked["health"] in ("paused", "disabled")
verb = "resume" if paused else "pause"
if middle.button(verb.capitalize(), key="watch_toggle") and permitted("manage_sources", f"To {verb} a source"):
    st.session_state["watch_said"] = watch.change(settings, str(picked["id"]), verb)
    st.rerun()
removable = visitor().may("remove_data")  # removing a source is the admin's
if removable and right.button("Remove", key="watch_remove") and permitted("remove_data", "Removing a source"):
    st.session_state["watch_said"] = watch.change(settings, str(picked["id"]), "remove")
    st.rerun()
