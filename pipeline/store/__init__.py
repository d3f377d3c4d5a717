"""Storage: the ``Store`` object, its errors and the records it returns.

All SQL lives in this package (see DESIGN.md): other modules get frozen records or Polars frames,
and catch StoreError, never a driver's exceptions. ``Store.open(db)`` takes a path or a URL.
"""

from __future__ import annotations

from .base import Backend, SchemaTooNew, StoreError
from .database import Store, sqlite_path
from .records import (
    ARTICLE_FRAME_SCHEMA,
    FAILURE_FRAME_SCHEMA,
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
    "Store",
    "StoreError",
    "StoredArticle",
    "UnscoredArticle",
    "WatchedSource",
    "sqlite_path",
]
