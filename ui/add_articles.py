"""Add articles page: paste URLs, upload a URL list or saved pages; each batch runs in the background."""

from __future__ import annotations

import streamlit as st

from pipeline import add_views, views
from pipeline.ingest import ingest_html, ingest_urls, read_uploads
from pipeline.inputs import BadRow, InputError, read_url_text
from pipeline.models import UrlRequest
from ui.shared import run_ingest, shared

settings = shared().settings

done = st.session_state.get("ingest_done")
if done is not None and done.error:
    st.error(views.escape_markdown(f"{done.label} stopped: {done.error}. What was stored before stays stored."))
elif done is not None:
    line = views.escape_markdown(f"{done.label} finished: {done.report.summary()}.")
    if done.report.count("failed") == len(done.report.outcomes):  # nothing stored: not a success
        st.warning(line + " Nothing was stored; the table says why for each input.")
    else:
        st.success(line)
    st.dataframe(add_views.outcomes_frame(done.report), hide_index=True, key="ingest_outcomes")

st.subheader("Paste URLs")
with st.form("paste_form"):
    pasted = st.text_area("Article URLs, one a line", key="pasted_urls")
    submitted = st.form_submit_button("Fetch and store")
if submitted and (problem := add_views.paste_problem(add_views.pasted_urls(pasted), settings)):
    st.error(views.escape_markdown(problem))
elif submitted:
    requests: list[UrlRequest] = []
    bad_rows: list[BadRow] = []
    too_big: str | None = None
    try:
        requests, bad_rows = read_url_text(
            add_views.pasted_urls(pasted), "pasted.txt", max_urls=settings.max_paste_urls
        )
    except InputError as err:  # a paste over the byte cap: say so, store nothing
        too_big = f"Nothing was stored. {err}"
    if too_big:
        st.error(views.escape_markdown(too_big))
    elif requests:
        run_ingest("Pasted URLs", lambda p: ingest_urls(requests, settings, bad_rows=bad_rows, progress=p))
    else:
        st.warning("Paste at least one URL.")

st.subheader("Upload a URL list")
url_file = st.file_uploader(
    ".txt (one URL a line) or .csv (a url column; optional date and source columns)",
    type=["txt", "csv"],
    key="url_file",
)
if url_file is not None and st.button("Fetch the listed URLs", key="fetch_list"):
    requests, bad_rows = [], []
    problem = add_views.url_list_problem(url_file.name, url_file.size, None, settings)
    try:
        if not problem:
            requests, bad_rows = read_url_text(
                url_file.getvalue(),
                url_file.name,
                max_urls=settings.max_list_urls,
                limit_setting="BAROMETER_MAX_LIST_URLS",
            )
    except InputError as err:
        problem = f"Nothing was stored. {err}"
    problem = problem or add_views.url_list_problem(
        url_file.name, url_file.size, len(requests) + len(bad_rows), settings
    )
    if problem:
        st.error(views.escape_markdown(problem))
    elif requests or bad_rows:
        label = f"URL list {url_file.name}"
        run_ingest(label, lambda p: ingest_urls(requests, settings, bad_rows=bad_rows, progress=p))
    else:
        st.error(views.escape_markdown(f"Nothing was stored. {url_file.name}: no URL found in the file."))

st.subheader("Upload saved pages")
pages = st.file_uploader(
    "Saved article pages (.html); the URL is the page's canonical link when it has one",
    type=["html", "htm"],
    accept_multiple_files=True,
    key="html_files",
)
if pages and st.button("Store the saved pages", key="store_pages"):
    if problem := add_views.saved_pages_problem([page.size for page in pages], settings):
        st.error(views.escape_markdown(problem))
    else:
        # Keyed by content digest whatever name the browser sends; a page over the fetch path's
        # size cap becomes a failed row that names it.
        items, too_large = read_uploads(((page.name, page.getvalue()) for page in pages), settings.max_bytes)
        run_ingest("Saved pages", lambda p: ingest_html(items, settings, failed=too_large, progress=p))
