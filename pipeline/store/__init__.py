"""Storage: the ``Store`` object, its errors and the records it returns.

All SQL lives in this package (see DESIGN.md): other modules get frozen records or Polars frames,
and catch StoreError, never a driver's exceptions. ``Store.open(db)`` takes a path or a URL.
"""

from __future__ import annotations

from . import records
from .base import Backend, SchemaTooNew, SearchError, SearchScope, StoreError
from .database import Store, sqlite_path
from .records import (
    STANCES,
    ArticleDetail,
    Override,
    StoredArticle,
    UnscoredArticle,
)
from .sqlite_schema import SCHEMA_VERSION
from .watch_records import LINK_STATES, SOURCE_STATUSES, ListedLink, PollState, WatchedSource

__all__ = [
    "ARTICLE_FRAME_SCHEMA",
    "FAILURE_FRAME_SCHEMA",
    "LINK_STATES",
    "SCHEMA_VERSION",
    "SOURCE_STATUSES",
    "STANCES",
    "ArticleDetail",
    "Backend",
    "ListedLink",
    "Override",
    "PollState",
    "SchemaTooNew",
    "SearchError",
    "SearchScope",
    "Store",
    "StoreError",
    "StoredArticle",
    "UnscoredArticle",
    "WatchedSource",
    "sqlite_path",
]


def __getattr__(name: str) -> object:
    """The frame schemas, on first use: they import Polars, which storing articles does not need."""
    if name in ("ARTICLE_FRAME_SCHEMA", "FAILURE_FRAME_SCHEMA"):
        return getattr(records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
