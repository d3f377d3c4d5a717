"""bilateral-barometer dashboard: `streamlit run dashboard.py`.

A thin UI that reads top to bottom: widgets, and calls into ``pipeline`` (``views`` for reading,
filtering and shaping, ``charts`` for the figure, ``ingest``/``demo`` for writing). Every database
read is cached with ``st.cache_data`` under the database's change token, so moving a filter does not
re-read it and a write anywhere (here, or a CLI ingest) shows up on the next rerun.
"""

from __future__ import annotations

import importlib.machinery

import streamlit as st

from pipeline import jobs, views
from pipeline.actors import check_pair
from pipeline.charts import trend_figure
from pipeline.demo import DEMO_LABEL, load_demo, load_events, remove_demo
from pipeline.ingest import ingest_html, ingest_urls, read_uploads
from pipeline.inputs import InputError, read_url_text
from pipeline.settings import load_settings

# Streamlit runs this file as a module "__main__" without a spec. The ingest's worker processes
# (multiprocessing, spawn or fork server) would then run the whole file again as "__mp_main__":
# warnings by the hundred ("missing ScriptRunContext"), and a demo load into whatever database their
# environment names (once, the user's default database). A spec named "__main__" tells
# multiprocessing that there is no main file to re-run; the workers need nothing from it.
__spec__ = importlib.machinery.ModuleSpec("__main__", None)

PAGES = ("Trend", "Articles", "Add articles", "Export")
EVIDENCE_COLORS = {"tension": "red", "cooperation": "green", "neutral": "gray"}
TABLE_ROWS_SHOWN = 2000  # the newest rows on screen; search or filter to reach the others

st.set_page_config(page_title="Kazakhstan–Russia barometer", layout="wide")
try:
    settings = load_settings()
except ValueError as err:
    st.error(f"A setting is not valid: {err}")
    st.stop()
if problem := check_pair():
    st.error(f"The pair of countries cannot be loaded: {problem}")
    st.stop()
DB = settings.db


# ---------------------------------------------------------------- cached reads (keyed on the data version)


@st.cache_data(show_spinner=False, max_entries=4)
def load_articles(db: str, version: tuple):
    return views.read_articles(db)


@st.cache_data(show_spinner=False, max_entries=64)
def load_series(db: str, version: tuple, filters: views.Filters, settings):
    return views.trend_series(load_articles(db, version), filters, settings)


@st.cache_data(show_spinner=False, max_entries=64)
def load_table(db: str, version: tuple, filters: views.Filters, settings, search: str):
    return views.articles_table(load_articles(db, version), filters, settings, search)


@st.cache_data(show_spinner=False, max_entries=16)
def load_downloads(db: str, version: tuple, filters: views.Filters, settings):
    frame = load_articles(db, version)
    series = load_series(db, version, filters, settings)
    return views.downloads(series, views.export_table(frame, filters, settings), filters.freq)


@st.cache_data(show_spinner=False)
def load_key_events():
    return load_events()


def kept(key: str, default=None):
    """A page widget's last value: widgets of a page that is not shown lose their state, this copy stays."""
    return st.session_state.get(f"kept-{key}", default)


def keep(key: str, value) -> None:
    st.session_state[f"kept-{key}"] = value


def run_ingest(label: str, work) -> None:
    """Start an ingest in the background (see ``pipeline.jobs``); one at a time per browser session."""
    running = st.session_state.get("ingest_job")
    if running is not None and not running.finished:
        st.warning(views.escape_markdown(f"{running.label} is still running; start the next one when it is done."))
        return
    st.session_state.pop("ingest_done", None)
    st.session_state["ingest_job"] = jobs.start(label, work)
    st.rerun()


def collect_finished_ingest() -> None:
    """Hand a finished job to the "Add articles" page, without a rerun: a click that started this
    run (a correction, another batch) must not be dropped."""
    job = st.session_state.get("ingest_job")
    if job is not None and job.finished:
        st.session_state["ingest_done"] = st.session_state.pop("ingest_job")


@st.fragment(run_every=1.0)
def ingest_progress() -> None:
    """The running ingest's progress bar, redrawn every second on whatever page is open. When a
    timed redraw finds the job finished, the whole page reruns, collects it and shows the new data.
    (A full run collects a finished job before drawing this, so its clicks are never dropped.)"""
    job = st.session_state.get("ingest_job")
    if job is None:
        return
    if job.finished:
        st.rerun()
    st.progress(job.fraction, text=views.escape_markdown(job.status()))


# ---------------------------------------------------------------- first run: the demo corpus

st.title("Kazakhstan–Russia barometer")
try:
    empty = views.is_empty(DB)
except views.StoreError as err:
    st.error(views.escape_markdown(f"The database cannot be opened: {err}"))
    st.stop()
if empty and "demo_removed" not in st.session_state:
    # A spinner, not a progress bar: no Streamlit call during the load, so a rerun cannot cut it short.
    with st.spinner("Empty database: loading and scoring the bundled demo corpus (15–20 seconds)…"):
        load_demo(settings)
    st.session_state["demo_loaded"] = True

collect_finished_ingest()  # before the data version is read, so the page shows what it stored
version = views.data_version(DB)
frame = load_articles(DB, version)
demo_articles = int(frame.get_column("is_demo").sum())
if "demo_loaded" in st.session_state:
    st.info(
        f"The database was empty, so the bundled demo was loaded ({demo_articles} articles): "
        f"{DEMO_LABEL}. Remove it with **Remove demo articles** in the sidebar."
    )
st.caption(
    f"{views.plural(frame.height, 'article')} in the database ({demo_articles} demo) · {views.escape_markdown(DB)}"
    + (f" · {DEMO_LABEL}" if demo_articles else "")
)
if "ingest_job" in st.session_state:
    ingest_progress()

# ---------------------------------------------------------------- sidebar: filters and the demo

options = views.filter_options(frame)
with st.sidebar:
    st.header("Filters")
    freq = st.radio("Period", ("day", "week", "month"), index=1, horizontal=True, key="freq")
    smooth = st.slider("Smoothing (trailing periods, 0 = off)", 0, 12, 0, key="smooth")
    # The widget's value lives in the session (no value= here): reset to the data's span when it changes.
    if (reset := views.date_range_reset(st.session_state.get("dates"), kept("span"), options)) is not None:
        st.session_state["dates"] = reset
    keep("span", (options.first, options.last))
    picked = st.date_input("Date range", key="dates") if options.first else ()
    start, end = views.date_range(picked, options)
    languages = st.multiselect("Languages", options.languages, placeholder="all languages", key="languages")
    sources = st.multiselect("Sources", options.sources, placeholder="all sources", key="sources")
    filters = views.Filters(freq, smooth, start, end, tuple(languages), tuple(sources))
    if demo_articles:
        st.divider()
        st.caption(f"{demo_articles} articles are {DEMO_LABEL}.")
        if st.button("Remove demo articles", key="remove_demo"):
            st.session_state["demo_removed"] = remove_demo(settings)
            st.session_state.pop("demo_loaded", None)
            st.rerun()
    if "demo_removed" in st.session_state:
        st.success(f"Removed {st.session_state['demo_removed']} demo articles; your own articles were kept.")

trend, articles, add, export = st.tabs(PAGES, key="page", on_change="rerun")

# ---------------------------------------------------------------- Trend

if trend.open:
    with trend:
        series = load_series(DB, version, filters, settings)
        counted = views.counted_in(series)
        st.caption(
            f"Mean tension per {freq} with its 95% interval (band and whiskers), articles per {freq} as bars "
            f"(right axis), spikes as red triangles, key events as dotted lines. {counted} articles count here: "
            "relevant, dated, each story once. Hover a period for its strongest evidence sentence."
        )
        if counted:
            st.plotly_chart(trend_figure(series, load_key_events(), freq=freq), key="trend_chart")
        else:
            st.info("No article counts under these filters. Widen the date range, languages or sources.")

# ---------------------------------------------------------------- Articles

if articles.open:
    with articles:
        search = st.text_input("Search titles, sources and URLs", value=kept("search", ""), key="search")
        keep("search", search)
        table = load_table(DB, version, filters, settings, search)
        shown = table.head(TABLE_ROWS_SHOWN)
        more = f"; the first {TABLE_ROWS_SHOWN} shown" if table.height > TABLE_ROWS_SHOWN else ""
        st.caption(
            f"{views.plural(table.height, 'article')} (newest first{more}). Click a column to sort."
            " ✎ marks the analyst's corrections; 'counted' says why an article is left out."
        )
        st.dataframe(
            shown,
            hide_index=True,
            key="articles_table",
            column_config={
                "published": st.column_config.DateColumn(format="YYYY-MM-DD"),
                "url": st.column_config.LinkColumn("url"),
                "tension": st.column_config.NumberColumn(format="%.2f"),
                "sentiment": st.column_config.NumberColumn(format="%.2f"),
                "relevance": st.column_config.NumberColumn(format="%.2f"),
            },
        )
        choices = views.article_choices(shown)
        if choices:
            ids = list(choices)
            index = ids.index(kept("article_id")) if kept("article_id") in ids else 0
            chosen = st.selectbox("Show an article", ids, index=index, format_func=choices.get, key="article_id")
            keep("article_id", chosen)
            article = views.read_article(DB, chosen) if chosen is not None else None
            if article:
                st.subheader(views.escape_markdown(article.title or "(no title)"))
                st.text(f"{article.published or 'undated'} · {article.source} · {article.language}")
                if views.is_web_link(article.url):
                    st.link_button("Open the original", article.url)
                else:
                    st.text(f"Original: {article.url}")
                score = article.score
                if score is None:
                    st.warning("This article has no score yet.")
                else:
                    cols = st.columns(4)
                    cols[0].metric("Tension", f"{score.tension:+.2f}")
                    cols[1].metric("Sentiment", f"{score.sentiment:+.2f}")
                    cols[2].metric("Relevance", f"{score.relevance:.2f}")
                    cols[3].metric("Goldstein", f"{score.goldstein:+.1f}")
                    st.markdown("**Evidence**: the sentences that moved the score, strongest first")
                    for direction, sentence, weight in views.evidence_rows(score.evidence):
                        left, right = st.columns([1, 6])
                        left.badge(f"{direction} {weight:+.2f}", color=EVIDENCE_COLORS[direction])
                        right.text(sentence)
                    if not score.evidence:
                        st.caption("No sentence moved the score.")

                st.markdown("**Correction**: stored apart from the score; the series uses it, and it can be undone")
                current = views.current_correction(article)
                choice = st.radio(
                    "The analyst's reading",
                    views.CORRECTIONS,
                    index=views.CORRECTIONS.index(current),
                    horizontal=True,
                    key=f"correction-{chosen}-{current}",
                )
                save, undo = st.columns(2)
                if save.button("Save correction", key="save_correction", disabled=choice == current):
                    views.save_correction(DB, chosen, choice)
                    st.rerun()
                if current != views.NO_CORRECTION and undo.button("Undo correction", key="undo_correction"):
                    views.undo_correction(DB, chosen)
                    st.rerun()

# ---------------------------------------------------------------- Add articles

if add.open:
    with add:
        done = st.session_state.get("ingest_done")
        if done is not None and done.error:
            st.error(views.escape_markdown(f"{done.label} stopped: {done.error}. What was stored before stays stored."))
        elif done is not None:
            line = views.escape_markdown(f"{done.label} finished: {done.report.summary()}.")
            if done.report.count("failed") == len(done.report.outcomes):  # nothing stored: not a success
                st.warning(line + " Nothing was stored; the table says why for each input.")
            else:
                st.success(line)
            st.dataframe(views.outcomes_frame(done.report), hide_index=True, key="ingest_outcomes")

        st.subheader("Paste URLs")
        with st.form("paste_form"):
            pasted = st.text_area("Article URLs, one a line", key="pasted_urls")
            submitted = st.form_submit_button("Fetch and store")
        if submitted and (problem := views.paste_problem(views.pasted_urls(pasted), settings)):
            st.error(views.escape_markdown(problem))
        elif submitted:
            requests, bad_rows, too_big = [], [], None
            try:
                requests, bad_rows = read_url_text(
                    views.pasted_urls(pasted), "pasted.txt", max_urls=settings.max_paste_urls
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
            problem = views.url_list_problem(url_file.name, url_file.size, None, settings)
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
            problem = problem or views.url_list_problem(
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
            if problem := views.saved_pages_problem([page.size for page in pages], settings):
                st.error(views.escape_markdown(problem))
            else:
                # Keyed by content digest whatever name the browser sends; a page over the fetch path's
                # size cap becomes a failed row that names it.
                items, too_large = read_uploads(((page.name, page.getvalue()) for page in pages), settings.max_bytes)
                run_ingest("Saved pages", lambda p: ingest_html(items, settings, failed=too_large, progress=p))

# ---------------------------------------------------------------- Export

if export.open:
    with export:
        st.caption(
            f"For the current filters and period ({freq}). The aggregated CSV has the contract columns "
            "period_start, articles, mean_tension, ci_low, ci_high, mean_sentiment, share_tension; the article "
            "table has every matching article with its scores, correction and whether it counts."
        )
        for download in load_downloads(DB, version, filters, settings):
            st.download_button(
                download.label,
                download.data,
                file_name=download.file_name,
                mime=download.mime,
                key=f"download-{download.file_name}",
                on_click="ignore",
            )
