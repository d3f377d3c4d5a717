"""The articles page's search: full-text matches from the store's index, filtered, paged and shown
with the passage that matched.

The database does the work the page needs and no more (``Store.search_page``): it ranks the matches,
keeps those the sidebar's filters allow and cuts out the page, so only the page's ids leave it; the
passages are made for those rows only, in the same query. Articles whose source or URL holds the search text (a host
name) follow the ranked matches, newest first, as the old substring search found them. The rows'
columns and ``counted`` are the article list's (``pipeline.article_list``), built for the page only
from the copies of its stories, found through an index of the frame made once per frame (``frame_index``).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from . import article_list, views
from .settings import Settings
from .store import SearchError, SearchScope, Store

#: The column of the matching passage, after the title, when a search is typed.
PASSAGE = "passage"
#: The frame's columns the table's rows are made of: ``views.TABLE_COLUMNS`` and what ``counted`` reads.
ROW_COLUMNS = (
    *("id", "story_id", "published", "title", "source", "language", "url"),
    *("tension", "sentiment", "relevance", "override_stance", "override_not_relevant"),
)
#: Rows on one page of search results: each has its passage made (the index re-reads the article's text).
PAGE_ROWS = 200


@dataclass(frozen=True)
class Found:
    """One page of the articles table for a search: its rows (``views.TABLE_COLUMNS``, plus
    ``passage`` after ``title`` when searching), and why the search could not run as typed.

    ``page.total`` is how many articles the search lists when ``exact``; under filters, once the ranked
    matches fill the page, it is an upper bound (the matches before the filters), which the page says.
    ``matches`` is the index's count of articles holding every word, before the filters."""

    page: article_list.Page
    problem: str | None = None
    exact: bool = True
    matches: int = 0


def scope(filters: views.Filters) -> SearchScope:
    """The sidebar's filters as the store's search takes them."""
    return SearchScope(filters.languages, filters.sources, filters.start, filters.end)


@dataclass(frozen=True)
class FrameIndex:
    """What a search looks up in an articles frame, worked out once per frame: its distinct source names
    (sorted) and the same in lower case; each row's id and story (``story_id``, else the id); the row
    numbers ordered by story, with those stories; and whether the ids ascend (the store's frame's do).
    NumPy arrays: a page's look-ups are a few bisections, each far cheaper as one NumPy call than as a
    Polars query (the page's fixed cost, measured at 1M articles on a loaded machine)."""

    sources: list[str]
    lowered: list[str]
    ids: np.ndarray
    row_stories: np.ndarray
    stories: np.ndarray
    rows: np.ndarray
    in_id_order: bool


# The index of the frames searched last (the dashboard holds one shared frame per database; the store
# makes a new frame object whenever the data change). Keyed by the frame object itself, held weakly:
# a frame that is gone frees its index, and a new frame is never served an old frame's index.
_INDEXES_HELD = 2
_indexes: list[tuple[weakref.ref[pl.DataFrame], int, FrameIndex]] = []
_indexes_lock = threading.Lock()


def frame_index(frame: pl.DataFrame) -> FrameIndex:
    """The frame's ``FrameIndex``, made on the first search of this frame (a scan of its sources and a
    sort of its stories: about 0.1 s at a million articles) and reused while the frame is."""
    with _indexes_lock:
        for ref, height, index in _indexes:
            if ref() is frame and height == frame.height:
                return index
    names = frame.get_column("source").drop_nulls().unique().sort()
    row_stories = frame.select(pl.coalesce("story_id", "id")).to_series().to_numpy()
    order = np.argsort(row_stories, kind="stable")
    ids = frame.get_column("id")
    index = FrameIndex(
        names.to_list(),
        names.str.to_lowercase().to_list(),
        ids.to_numpy(),
        row_stories,
        row_stories[order],
        order,
        ids.is_sorted(),
    )
    with _indexes_lock:
        alive = [entry for entry in _indexes if entry[0]() is not None]
        _indexes[:] = [*alive[len(alive) - _INDEXES_HELD + 1 :], (weakref.ref(frame), frame.height, index)]
    return index


def address_terms(frame: pl.DataFrame, search: str) -> tuple[list[str], str | None]:
    """What finds articles by address: the source names that hold the text (case-insensitive), and the
    text itself when it looks like part of a URL (one piece with a ".", "/" or ":"), else None."""
    needle = search.strip().lower()
    index = frame_index(frame)
    named = [name for name, lowered in zip(index.sources, index.lowered, strict=True) if needle in lowered]
    looks_like_url = len(needle.split()) == 1 and any(mark in needle for mark in "./:")
    return named, needle if looks_like_url else None


def search_page(
    db: str | Path,
    frame: pl.DataFrame,
    filters: views.Filters,
    settings: Settings,
    search: str = "",
    offset: int = 0,
    length: int = 2000,
) -> Found:
    """Rows ``offset`` … ``offset + length`` of the articles that match the filters and the search:
    full-text matches best first, then source or URL matches newest first (every article, newest
    first, with no search). A search of punctuation alone lists the source or URL matches and says why."""
    text = search.strip()
    if not text:
        return Found(views.articles_page(frame, filters, settings, "", offset, length))
    where = scope(filters)
    filtered = where != SearchScope()
    sources, url_part = address_terms(frame, text)
    problem, ranked, matches = None, [], 0
    passages: dict[int, str] = {}
    with Store.open(db, read_only=Store.is_read_only(db), backfill=settings.watched_pair().id) as store:
        try:
            matches = store.search_count(text)
            # One more than the page under filters: whether the ranked matches go on past it.
            if offset < matches:
                passages = dict(store.search_page_passages(text, where, offset, length + int(filtered)))
            ranked = list(passages)
        except SearchError as err:
            problem = str(err)
        ranked_total: int | None = matches  # how many ranked matches are in scope, when known
        if filtered and problem is None:
            if len(ranked) > length:
                ranked, ranked_total = ranked[:length], None
            elif ranked or offset == 0:
                ranked_total = offset + len(ranked)
            else:  # a page past the ranked matches: where they end decides where the others start
                ranked_total = store.search_count(text, where)
        query = None if problem else text
        if ranked_total is None:  # the page is full of ranked matches: the others only counted
            others, more = store.address_page(query, where, sources, url_part, 0, 0)
        else:
            skip = max(0, offset - ranked_total)
            others, more = store.address_page(query, where, sources, url_part, skip, length - len(ranked))
    page = page_rows(frame, filters, settings, [*ranked, *others])
    passage = pl.Series(PASSAGE, [passages.get(i, "") for i in page.rows.get_column("id").to_list()], pl.String)
    rows = page.rows.insert_column(page.rows.get_column_index("title") + 1, passage)
    if ranked_total is None:
        return Found(article_list.Page(rows, matches + more, offset), problem, False, matches)
    return Found(article_list.Page(rows, ranked_total + more, offset), problem, True, matches)


def page_rows(frame: pl.DataFrame, filters: views.Filters, settings: Settings, ids: list[int]) -> article_list.Page:
    """The table's rows of the articles ``ids``, in that order, with ``counted`` and the correction."""
    # Only the copies of the page's stories decide its ``counted`` and corrections: the article list
    # is given those instead of the whole frame, found through the frame's index of stories (a scan
    # of every row's story cost more than the rest of the page for a rare word at 1M articles), with
    # only the columns it reads (gathering the others cost as much again).
    index = frame_index(frame)
    wanted = np.asarray(ids, dtype=np.int64)
    if not frame.height:
        places = wanted[:0]
    elif index.in_id_order:  # the store's frame: the page's rows are found by bisection
        places = np.searchsorted(index.ids, wanted).clip(0, frame.height - 1)
        places = places[index.ids[places] == wanted]
    else:
        places = np.flatnonzero(np.isin(index.ids, wanted))
    stories = np.unique(index.row_stories[places])
    starts = np.searchsorted(index.stories, stories, side="left")
    ends = np.searchsorted(index.stories, stories, side="right")
    # In the frame's order, as a filter of the whole frame gave them.
    spans = [index.rows[start:end] for start, end in zip(starts, ends, strict=True)]
    copies = np.sort(np.concatenate(spans)) if spans else places
    copied = frame.select(ROW_COLUMNS)[copies.tolist()]  # a list: gathered faster than an array
    return views.articles_page(copied, filters, settings, "", 0, len(ids), ranked=ids)
