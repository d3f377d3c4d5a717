"""The articles page's search: full-text matches from the store's index, filtered, paged and shown
with the passage that matched.

The database does the work the page needs and no more (``Store.search_page``): it ranks the matches,
keeps those the sidebar's filters allow and cuts out the page, so only the page's ids leave it; the
passages are read for those rows only. Articles whose source or URL holds the search text (a host
name) follow the ranked matches, newest first, as the old substring search found them. The rows'
columns and ``counted`` are the article list's (``pipeline.article_list``), built for the page only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import article_list, views
from .settings import Settings
from .store import SearchError, SearchScope, Store

#: The column of the matching passage, after the title, when a search is typed.
PASSAGE = "passage"
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


def address_terms(frame: pl.DataFrame, search: str) -> tuple[list[str], str | None]:
    """What finds articles by address: the source names that hold the text (case-insensitive), and the
    text itself when it looks like part of a URL (one piece with a ".", "/" or ":"), else None."""
    needle = search.strip().lower()
    names = frame.get_column("source").drop_nulls().unique().sort()
    named = names.filter(names.str.to_lowercase().str.contains(needle, literal=True)).to_list()
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
    with Store.open(db, read_only=Store.is_read_only(db)) as store:
        try:
            matches = store.search_count(text)
            # One more than the page under filters: whether the ranked matches go on past it.
            ranked = store.search_page(text, where, offset, length + int(filtered)) if offset < matches else []
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
        passages = store.search_snippets(text, ranked) if ranked else {}
    page = page_rows(frame, filters, settings, [*ranked, *others])
    passage = pl.Series(PASSAGE, [passages.get(i, "") for i in page.rows.get_column("id").to_list()], pl.String)
    rows = page.rows.insert_column(page.rows.get_column_index("title") + 1, passage)
    if ranked_total is None:
        return Found(article_list.Page(rows, matches + more, offset), problem, False, matches)
    return Found(article_list.Page(rows, ranked_total + more, offset), problem, True, matches)


def page_rows(frame: pl.DataFrame, filters: views.Filters, settings: Settings, ids: list[int]) -> article_list.Page:
    """The table's rows of the articles ``ids``, in that order, with ``counted`` and the correction."""
    # Only the copies of the page's stories decide its ``counted`` and corrections: the article list
    # is given those (two passes over the frame) instead of the whole frame (five).
    story = pl.coalesce("story_id", "id")
    column = frame.get_column("id")
    if column.is_sorted():  # the store's frame, in id order: the page's rows are found by bisection
        places = column.search_sorted(pl.Series(ids, dtype=column.dtype))
        rows = frame[places.clip(0, max(frame.height - 1, 0)).to_list()] if frame.height else frame
    else:
        rows = frame.filter(pl.col("id").is_in(ids))
    stories = rows.filter(pl.col("id").is_in(ids)).select(story).to_series()
    copies = frame.filter(story.is_in(stories.implode()))
    return views.articles_page(copies, filters, settings, "", 0, len(ids), ranked=ids)
