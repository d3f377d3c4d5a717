"""bilateral-barometer dashboard: `streamlit run dashboard.py`.

The entry point of a multipage app (``st.navigation``). On every run it reads the settings, loads
the demo into an empty database, draws the header and the sidebar's filters, hands them to the
pages (``ui.shared``), then runs the open page: one thin file each under ``ui/``, calling into
``pipeline`` (``views`` for reading and shaping, ``charts`` for the figure, ``ingest``/``demo``/
``jobs`` for writing). Only the open page runs; the sidebar's choices stay across page switches.
"""

from __future__ import annotations

import importlib.machinery

import streamlit as st

from pipeline import address, views
from pipeline.demo import DEMO_LABEL, demo_dir, load_demo, no_demo_message, remove_demo
from pipeline.resources import DataFileError
from pipeline.scoring.pair_data import watched_pair_title
from pipeline.settings import load_settings
from ui.access import gate, permitted, sidebar_line
from ui.pairs import pair_view
from ui.shared import (
    Shared,
    collect_finished_ingest,
    ingest_progress,
    keep,
    kept,
    load_articles,
    load_default_freq,
    load_options,
    load_pair_choices,
    publish,
    read_address,
    write_address,
)

# Streamlit runs this file as a module "__main__" without a spec. The ingest's worker processes
# (multiprocessing, spawn or fork server) would then run the whole file again as "__mp_main__":
# warnings by the hundred ("missing ScriptRunContext"), and a demo load into whatever database their
# environment names (once, the user's default database). A spec named "__main__" tells
# multiprocessing that there is no main file to re-run; the workers need nothing from it.
__spec__ = importlib.machinery.ModuleSpec("__main__", None)

#: The pages in the order of the navigation bar: (file under ui/, title, URL path, the action that
#: shows the page: pipeline.access). A page the visitor's role lacks is not in the app at all.
PAGES = (
    ("ui/trend.py", "Trend", "trend", "view"),
    ("ui/articles.py", "Articles", "articles", "view"),
    ("ui/add_articles.py", "Add articles", "add", "add_articles"),
    ("ui/export.py", "Export", "export", "download"),
    ("ui/events.py", "Key events", "events", "manage_events"),
    ("ui/sources.py", "Sources", "sources", "manage_sources"),
    ("ui/alerts.py", "Alerts", "alerts", "view"),
)

# The title is the watched pair's (BAROMETER_PAIR), read before the settings are checked: a page must have one.
st.set_page_config(page_title=f"{watched_pair_title()} barometer", layout="wide")
try:
    settings = load_settings()
except DataFileError as err:
    st.error(f"The pair of countries cannot be loaded: {err}")
    st.stop()
except ValueError as err:
    st.error(f"A setting is not valid: {err}")
    st.stop()
DB = settings.db
# Sign-in first (when the operator configured it): an anonymous visitor gets the sign-in page only.
visitor = gate(settings.roles)

# ---------------------------------------------------------------- first run: the demo corpus

pair = settings.watched_pair()
heading = st.empty()  # the title of the pair (or pairs) shown, known once the sidebar has chosen
try:
    empty = views.is_empty(DB, backfill=pair.id)  # an old database is filed under the settings' pair
except views.StoreError as err:
    st.error(views.escape_markdown(f"The database cannot be opened: {err}"))
    st.stop()
first_run = empty and "demo_removed" not in st.session_state and visitor.may("add_articles")
if first_run and demo_dir(pair.id, settings.data_dir) is None:
    if "no_demo" not in st.session_state:
        load_demo(settings)  # the pair's key events only: the demo of another pair is not this pair's
    st.session_state["no_demo"] = True
    st.info(no_demo_message(pair.title))
elif first_run:
    # A spinner, not a progress bar: no Streamlit call during the load, so a rerun cannot cut it short.
    with st.spinner("Empty database: loading and scoring the bundled demo corpus (15–20 seconds)…"):
        load_demo(settings)
    st.session_state["demo_loaded"] = True

collect_finished_ingest()  # before the data version is read, so the page shows what it stored
version = views.data_version(DB, backfill=pair.id)
choices = {choice.id: choice for choice in load_pair_choices(DB, version, settings)}
# A shared link: its view set before the widgets are drawn (the session's first run only). The filters'
# choices come from the articles, which every pair shares (their scores differ).
notes = read_address(load_options(DB, version, pair.id, settings.data_dir), list(choices))
shown_pair, compared = pair_view(pair.id, choices)
frame = load_articles(DB, version, shown_pair, settings.data_dir)
demo_articles = int(frame.get_column("is_demo").sum())
if "demo_loaded" in st.session_state:
    st.info(
        f"The database was empty, so the bundled demo was loaded ({demo_articles} articles): "
        f"{DEMO_LABEL}. Remove it with **Remove demo articles** in the sidebar."
    )
titles = {pair_id: choice.label for pair_id, choice in choices.items()}
heading_text = (
    f"{' · '.join(titles[p] for p in compared)}: compared"
    if compared
    else f"{titles.get(shown_pair, pair.title)} barometer"
)
heading.title(views.escape_markdown(heading_text))
st.set_page_config(page_title=heading_text)  # the browser tab follows the pair chosen (calls add up)
if (broken := choices.get(shown_pair)) is not None and broken.problem:
    problem = f"The file of pair {shown_pair} does not load, so new articles are not scored for it: {broken.problem}"
    st.warning(views.escape_markdown(problem))
st.caption(
    f"{views.plural(frame.height, 'article')} in the database ({demo_articles} demo) · {views.escape_markdown(DB)}"
    + (f" · {DEMO_LABEL}" if demo_articles else "")
)
if "ingest_job" in st.session_state:
    ingest_progress()

# ---------------------------------------------------------------- sidebar: filters and the demo

options = load_options(DB, version, shown_pair, settings.data_dir)
for note in notes:
    st.warning(views.escape_markdown(note))
sidebar_line(visitor)
with st.sidebar:
    st.header("Filters")
    periods = address.FREQS
    default = load_default_freq(DB, version, shown_pair, settings.data_dir)
    freq = st.radio("Period", periods, index=periods.index(default), horizontal=True, key="freq")
    smooth = st.slider("Smoothing (trailing periods, 0 = off)", 0, address.SMOOTH_MAX, 0, key="smooth")
    # The widget's value lives in the session (no value= here): reset to the data's span when it changes.
    if (reset := views.date_range_reset(st.session_state.get("dates"), kept("span"), options)) is not None:
        st.session_state["dates"] = reset
    keep("span", (options.first, options.last))
    picked = st.date_input("Date range", key="dates") if options.first else ()
    start, end = views.date_range(picked, options)
    languages = st.multiselect("Languages", options.languages, placeholder="all languages", key="languages")
    sources = st.multiselect("Sources", options.sources, placeholder="all sources", key="sources")
    filters = views.Filters(freq, smooth, start, end, tuple(languages), tuple(sources))
    if demo_articles and visitor.may("remove_data"):
        st.divider()
        st.caption(f"{demo_articles} articles are {DEMO_LABEL}.")
        if st.button("Remove demo articles", key="remove_demo") and permitted("remove_data", "Removing the demo"):
            st.session_state["demo_removed"] = remove_demo(settings)
            st.session_state.pop("demo_loaded", None)
            st.rerun()
    if "demo_removed" in st.session_state:
        st.success(
            f"Removed {st.session_state['demo_removed']} demo articles; your own articles were kept. "
            "The demo's key events went too; yours stay."
        )

# ---------------------------------------------------------------- the open page

publish(Shared(DB, settings, version, filters, shown_pair, compared, titles))
shown = [(path, title, url) for path, title, url, action in PAGES if visitor.may(action)]
pages = [st.Page(path, title=title, url_path=url, default=i == 0) for i, (path, title, url) in enumerate(shown)]
page = st.navigation(pages, position="top")
# The view in the address, so a copied link reopens it: as the run starts (a page may stop early),
# then with what the page's own widgets chose.
write_address(page.url_path, options)
page.run()
write_address(page.url_path, options)
