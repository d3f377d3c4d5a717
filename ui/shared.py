"""What every page of the dashboard shares: the run's database, settings and filters, the cached
reads, the copies of page widgets' values, the view kept in the page address, and the background ingest.

Every database read is cached under the database's change token, so moving a filter does not re-read
it and a write anywhere (here, or a CLI ingest) shows up on the next rerun. The articles frame is one
object shared by every session (``st.cache_resource``: not copied on each use), refreshed after a
write with only the changed articles (``pipeline.store.frames``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import streamlit as st

from pipeline import address, jobs, views
from pipeline.aggregate import Freq
from pipeline.events import read_events
from pipeline.models import Event
from pipeline.periods import default_freq
from pipeline.report import IngestReport, Progress
from pipeline.settings import Settings
from ui.access import permitted

_SHARED = "shared"
Version = tuple[int, ...]  # the database's change token (views.data_version)


@dataclass(frozen=True)
class Shared:
    """What ``dashboard.py`` hands the page it runs: set on every run, before the page draws."""

    db: str
    settings: Settings
    version: Version  # the cache key of every read
    filters: views.Filters
    pair: str = ""  # the pair whose articles, corrections and events the pages show ("": the watched one)
    compared: tuple[str, ...] = ()  # the pairs the Trend page compares (none: one pair's trend)
    titles: Mapping[str, str] = field(default_factory=dict)  # pair id -> title, for every followed pair

    def title(self, pair: str | None = None) -> str:
        """The title of a pair (default: the pair the pages show)."""
        pair = pair or self.pair
        return self.titles.get(pair, pair)


def publish(shared: Shared) -> None:
    """Hand this run's database, settings and filters to the page (in the session: pages are files)."""
    st.session_state[_SHARED] = shared


def shared() -> Shared:
    """This run's database, settings and filters, as ``dashboard.py`` set them."""
    published: Shared = st.session_state[_SHARED]  # the session is untyped: publish() put a Shared here
    return published


# ---------------------------------------------------------------- cached reads (keyed on the data version)


# A resource, not data: st.cache_data would pickle the frame into the cache and unpickle a copy on
# every use (a million rows: seconds and a second copy in memory). Polars frames are not changed in
# place, so one shared object is safe; one entry, as the store holds the frame it refreshes.
# One entry per pair (the pair shown, and a few more while the sidebar switches): a pair's frame is
# its own scores and corrections, never another's.
@st.cache_resource(show_spinner=False, max_entries=4)
def load_articles(db: str, version: Version, pair: str = "", data_dir: str = "") -> pl.DataFrame:
    return views.read_articles(db, views.pair_of(pair, data_dir) if pair else None)


@st.cache_resource(show_spinner=False, max_entries=2)
def load_pairs_frame(
    db: str, version: Version, pairs: tuple[str, ...], data_dir: str = "", watched: str = ""
) -> pl.DataFrame:
    """The frames of the compared pairs stacked, a ``pair`` column first (``Store.pairs_frame``)."""
    return views.read_pairs(db, [views.pair_of(p, data_dir) for p in pairs], backfill=watched)


@st.cache_data(show_spinner=False, max_entries=4, ttl=30)
def load_pair_choices(db: str, version: Version, settings: Settings) -> list[views.PairChoice]:
    """The pairs the database follows with their titles; re-read after 30 s too (a pair followed by the
    CLI writes no article until its next ingest)."""
    return views.pair_choices(db, settings.watched_pair(), settings.data_dir)


@st.cache_data(show_spinner=False, max_entries=4)
def load_options(db: str, version: Version, pair: str = "", data_dir: str = "") -> views.FilterOptions:
    """The sidebar's choices, once per data version: a scan of every article, not one per rerun."""
    return views.filter_options(load_articles(db, version, pair, data_dir))


@st.cache_data(show_spinner=False, max_entries=4)
def load_default_freq(db: str, version: Version, pair: str = "", data_dir: str = "") -> Freq:
    """The period the sidebar opens on, from the data's density: a scan of every date, once per version."""
    return default_freq(load_articles(db, version, pair, data_dir).get_column("published"))


@st.cache_data(show_spinner=False, max_entries=64)
def load_series(db: str, version: Version, filters: views.Filters, settings: Settings, pair: str = "") -> pl.DataFrame:
    return views.trend_series(load_articles(db, version, pair, settings.data_dir), filters, settings)


def load_key_events() -> list[Event]:
    """The stored key events of the pair shown (the analyst's and the demo's), oldest first; the chart
    keeps those in view.

    Read on every run, not cached under the data version: a few dozen rows cost less than opening the
    database already does, and an event written here or by another session shows on the next run
    without the articles frame or the series being read again."""
    run = shared()
    return read_events(run.db, run.pair or None)


# ---------------------------------------------------------------- page widgets across page switches


def kept(key: str, default: object = None) -> Any:  # a widget's value: any type
    """A page widget's last value: widgets of a page that is not shown lose their state, this copy stays."""
    return st.session_state.get(f"kept-{key}", default)


def keep(key: str, value: object) -> None:
    st.session_state[f"kept-{key}"] = value


# ---------------------------------------------------------------- the view in the page address

_ADDRESS_READ = "address_read"


def read_address(options: views.FilterOptions, pairs: Sequence[str] = ()) -> list[str]:
    """On a session's first run, set the widgets (and the kept copies of page widgets) to the view the
    page address asks for (``pairs``: those the database follows); the notes say which parameters were
    ignored and why (shown once)."""
    if _ADDRESS_READ in st.session_state:
        return []
    st.session_state[_ADDRESS_READ] = True
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    decoded = address.decode(params, options, pairs)
    for key, value in decoded.values.items():
        st.session_state[key] = value
        keep(key, value)  # a page's widgets start from the kept copy when the page opens later
    return decoded.notes


def write_address(page: str, options: views.FilterOptions) -> None:
    """Put the view of page ``page`` (its URL path) in the address, when it differs from what is there."""
    state = {key: st.session_state[key] for key in address.keys_of(page) if key in st.session_state}
    wanted = {
        key: value if isinstance(value, list) else [value]
        for key, value in address.encode(state, page, options).items()
    }
    present = {key: st.query_params.get_all(key) for key in st.query_params}
    if wanted != present:
        st.query_params.from_dict(wanted)


# ---------------------------------------------------------------- the background ingest


def run_ingest(label: str, work: Callable[[Progress], IngestReport], action: str = "add_articles") -> None:
    """Start an ingest in the background (see ``pipeline.jobs``); one at a time per browser session.
    ``action`` is what the visitor's role must allow (``pipeline.access``), checked here, at the write."""
    if not permitted(action, label):
        return
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
