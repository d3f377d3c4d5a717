"""The articles page's search: full-text matches from the store's index, filtered, paged and shown
with the passage that matched.

The index (``Store.search``) ranks the articles whose title or text holds every word; the filters,
the page and ``counted`` are the article list's (``pipeline.article_list``), over the cached frame;
the passages are read for the rows of the page only. Articles whose source or URL holds the search
text (a host name) follow the ranked matches, as the old substring search found them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import article_list, views
from .settings import Settings
from .store import SearchError, Store

#: The column of the matching passage, after the title, when a search is typed.
PASSAGE = "passage"


@dataclass(frozen=True)
class Found:
    """One page of the articles table for a search: its rows (``views.TABLE_COLUMNS``, plus
    ``passage`` after ``title`` when searching), and why the search could not run as typed."""

    page: article_list.Page
    problem: str | None = None


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
    problem = None
    with Store.open(db, read_only=Store.is_read_only(db)) as store:
        try:
            ranked = store.search(text)
        except SearchError as err:
            ranked, problem = [], str(err)
        page = views.articles_page(frame, filters, settings, text, offset, length, ranked=ranked)
        passages = store.search_snippets(text, page.rows.get_column("id").to_list()) if ranked else {}
    ids = page.rows.get_column("id")
    passage = pl.Series(PASSAGE, [passages.get(i, "") for i in ids.to_list()], dtype=pl.String)
    rows = page.rows.insert_column(page.rows.get_column_index("title") + 1, passage)
    return Found(article_list.Page(rows, page.total, page.offset), problem)
