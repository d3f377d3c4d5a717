"""What the store hands back: small frozen records, and the schema of the frames read for the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..models import Score

if TYPE_CHECKING:
    import polars as pl

STANCES = ("tension", "neutral", "cooperation")


@dataclass(frozen=True)
class StoredArticle:
    """Outcome of storing one article."""

    id: int
    status: str  # "stored", "present" (same canonical URL already stored), "duplicate" (same story)
    story_of: str | None = None  # URL of the first stored copy when status == "duplicate"


@dataclass(frozen=True)
class Override:
    """The analyst's correction of one article: a stance, or "not relevant"."""

    stance: str | None = None  # one of STANCES, None when only relevance was corrected
    not_relevant: bool = False
    note: str = ""
    author: str = ""  # who made it: a signed-in e-mail, the CLI's user or --author; '' before schema 8
    created_at: str = ""  # ISO time, UTC, when it was made (set by the store)


#: The correction's columns of an article read with its override (``o`` joined as ``overrides``).
OVERRIDE_COLUMNS = (
    "o.article_id AS corrected, o.stance AS override_stance, o.not_relevant AS override_not_relevant,"
    " o.note AS override_note, o.author AS override_author, o.created_at AS override_created_at"
)


def override_of(row: Any) -> Override | None:  # a sqlite3.Row or a psycopg dict row
    """The correction in a row read with ``OVERRIDE_COLUMNS``; None when the article has none."""
    if row["corrected"] is None:
        return None
    return Override(
        row["override_stance"],
        bool(row["override_not_relevant"]),
        row["override_note"],
        row["override_author"],
        row["override_created_at"],
    )


@dataclass(frozen=True)
class ArticleDetail:
    """One stored article as the article page shows it: its columns, current score and correction."""

    id: int
    url: str
    canonical_url: str
    final_url: str
    title: str
    text: str
    published: date | None  # None = undated
    date_origin: str | None
    source: str
    language: str
    fingerprint: str
    story_id: int | None
    is_demo: bool
    fetched_at: str  # ISO time, UTC
    decode_note: str
    score: Score | None  # None until scored
    override: Override | None  # None when the analyst has not corrected it


@dataclass(frozen=True)
class UnscoredArticle:
    """What the scorer needs of a stored article that lacks a score of some version."""

    id: int
    title: str
    text: str
    language: str


#: Columns of ``Store.articles_frame`` (one row per article with its current score and correction) and
#: of ``Store.failures_frame``. Built on first use (``__getattr__`` below): writing articles, as an
#: ingest does, then never imports Polars (0.2 s of CPU per process).
ARTICLE_FRAME_SCHEMA: dict[str, pl.DataType]
FAILURE_FRAME_SCHEMA: dict[str, pl.DataType]


def __getattr__(name: str) -> dict[str, pl.DataType]:
    if name not in ("ARTICLE_FRAME_SCHEMA", "FAILURE_FRAME_SCHEMA"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import polars as pl

    schemas: dict[str, dict[str, pl.DataType]] = {
        "ARTICLE_FRAME_SCHEMA": {
            "id": pl.Int64(),
            "url": pl.String(),
            "canonical_url": pl.String(),
            "title": pl.String(),
            "source": pl.String(),
            "language": pl.String(),
            "published": pl.Date(),
            "story_id": pl.Int64(),
            "is_demo": pl.Boolean(),
            "fetched_at": pl.String(),
            "scorer_version": pl.String(),
            "tension": pl.Float64(),
            "sentiment": pl.Float64(),
            "relevance": pl.Float64(),
            "goldstein": pl.Float64(),
            "certain": pl.Boolean(),
            "top_evidence": pl.String(),
            "top_evidence_weight": pl.Float64(),
            "override_stance": pl.String(),
            "override_not_relevant": pl.Boolean(),
        },
        "FAILURE_FRAME_SCHEMA": {
            "url": pl.String(),
            "time": pl.String(),
            "reason": pl.String(),
            "stage": pl.String(),
        },
    }
    globals().update(schemas)  # found directly next time
    return schemas[name]
