"""The article list at any size: filter, search, page and export the articles frame lazily.

The articles page shows one page of rows and the export writes one file, so neither builds the
whole table in memory: the filters and the search run as Polars expressions over the cached frame,
only the rows on screen are collected, and the export streams to a file. The ``counted`` column is
``aggregate.article_table``'s (tests compare the two on the same database); its per-story step,
which needs every copy of a story, runs only on the stories it is asked about.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from typing import Any

import polars as pl

from .aggregate import (
    ARTICLE_COLUMNS,
    OVERRIDE_TENSION,
    counted_reason,
)
from .export import sink_csv


@dataclass(frozen=True)
class Selection:
    """Which articles: the sidebar's languages, sources and inclusive date range (undated ones
    always listed), the search text and the relevance threshold that decides ``counted``."""

    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    search: str = ""
    relevance_threshold: float = 0.3


@dataclass(frozen=True)
class Page:
    """One page of the article list: its rows, newest first, and how many articles match in all."""

    rows: pl.DataFrame
    total: int
    offset: int


def filter_expr(
    languages: tuple[str, ...],
    sources: tuple[str, ...],
    start: dt.date | None,
    end: dt.date | None,
    *,
    keep_undated: bool,
) -> pl.Expr:
    """The rows that match the languages, sources and date range (undated ones only with ``keep_undated``)."""
    keep = pl.lit(True)
    if languages:
        keep &= pl.col("language").is_in(list(languages))
    if sources:
        keep &= pl.col("source").is_in(list(sources))
    dated = pl.lit(True)
    if start is not None:
        dated &= pl.col("published") >= start
    if end is not None:
        dated &= pl.col("published") <= end
    if start is not None or end is not None:
        dated = dated.fill_null(keep_undated)
    return keep & dated


def search_expr(search: str) -> pl.Expr:
    """Rows whose title, source or URL holds the text (case-insensitive, literal; empty: every row)."""
    needle = search.strip().lower()
    hit = pl.lit(not needle)
    if needle:
        for name in ("title", "source", "url"):
            hit |= pl.col(name).str.to_lowercase().str.contains(needle, literal=True).fill_null(False)
    return hit


def _story() -> pl.Expr:
    return pl.coalesce("story_id", "id")


def _order_key() -> pl.Expr:
    # The representative copy of a story: the smallest (published, id) among its qualifying copies.
    return pl.col("published").cast(pl.Int64) * (1 << 40) + pl.col("id")


def _story_corrections(frame: pl.DataFrame) -> pl.DataFrame:
    """Per story that has a correction: ``_story``, ``_excluded`` and ``_stance`` (of its lowest-id
    corrected copy). Few rows: only corrected stories.

    Taken from the whole frame, before any filter, so that a copy filtered out (another source,
    another date) still gives its story's correction to the copies shown.
    """
    corrected = pl.col("override_stance").is_not_null() | pl.col("override_not_relevant").fill_null(False)
    return (
        frame.lazy()
        .filter(corrected)
        .group_by(_story().alias("_story"))
        .agg(
            pl.col("override_not_relevant").fill_null(False).any().alias("_excluded"),
            pl.col("override_stance").sort_by("id").drop_nulls().first().alias("_stance"),
        )
        .collect()
    )


def _looked_up(key: str, table: pl.DataFrame, column: str, default: Any, dtype: pl.DataType) -> pl.Expr:
    # A lookup in a small table by a mapping, not a join: a join gathers every column of every row
    # (seconds at a million articles), a mapping builds one column.
    old, new = table.get_column(key), table.get_column(column)
    return pl.col(key).replace_strict(old, new, default=default, return_dtype=dtype)


def _annotated(rows: pl.LazyFrame, corrections: pl.DataFrame, relevance_threshold: float) -> pl.LazyFrame:
    """``rows`` with their story's correction (``override_*``, as ``aggregate.propagate_story_overrides``
    gives it; ``corrections`` from ``_story_corrections``), ``_story``, ``_excluded`` and
    ``_qualifies`` (dated, scored, relevant, not excluded)."""
    stance_tension = (
        pl.col("_stance")
        .replace_strict(OVERRIDE_TENSION, default=None, return_dtype=pl.Float64)
        .alias("_stance_tension")
    )
    relevant = pl.col("_stance_tension").is_not_null() | (pl.col("relevance") >= relevance_threshold).fill_null(False)
    return (
        rows.with_columns(
            _story().alias("_story"), *(pl.col(c).fill_nan(None) for c in ("tension", "sentiment", "relevance"))
        )
        .with_columns(
            _looked_up("_story", corrections, "_excluded", False, pl.Boolean()).alias("_excluded"),
            _looked_up("_story", corrections, "_stance", None, pl.String()).alias("_stance"),
        )
        .with_columns(
            pl.col("_stance").alias("override_stance"),
            pl.when(pl.col("_excluded"))
            .then(True)
            .otherwise(pl.col("override_not_relevant"))
            .alias("override_not_relevant"),
            stance_tension,
        )
        .with_columns(
            (
                ~pl.col("_excluded") & pl.col("published").is_not_null() & pl.col("tension").is_not_null() & relevant
            ).alias("_qualifies")
        )
    )


def _matching(frame: pl.DataFrame, selection: Selection, *, search: bool = True) -> pl.LazyFrame:
    s = selection
    keep = filter_expr(s.languages, s.sources, s.start, s.end, keep_undated=True)
    return frame.lazy().filter(keep & search_expr(s.search) if search else keep)


def listed(frame: pl.DataFrame, selection: Selection) -> pl.LazyFrame:
    """The articles that pass the filters and the search (lazy, in the frame's order), with their
    story's correction and ``_story``, ``_excluded``, ``_qualifies`` (see ``_annotated``)."""
    return _annotated(_matching(frame, selection), _story_corrections(frame), selection.relevance_threshold)


def _with_counted(rows: pl.LazyFrame, among: pl.LazyFrame) -> pl.LazyFrame:
    """``rows`` with ``counted``: "yes" or why not. A qualifying row is a duplicate when another
    qualifying copy of its story in ``among`` (the filtered articles, or those of the stories
    ``rows`` holds) comes first."""
    firsts = among.filter(pl.col("_qualifies")).group_by("_story").agg(_order_key().min().alias("_first")).collect()
    counted = counted_reason(pl.col("_first").is_null() | (_order_key() == pl.col("_first")))
    first = _looked_up("_story", firsts, "_first", None, pl.Int64()).alias("_first")
    return rows.with_columns(first).with_columns(counted.alias("counted"))


def _newest_first(rows: pl.LazyFrame) -> pl.LazyFrame:
    return rows.sort(["published", "id"], descending=True, nulls_last=True)


def page(frame: pl.DataFrame, selection: Selection, offset: int = 0, length: int = 2000) -> Page:
    """Rows ``offset`` … ``offset + length`` of the matching articles, newest first, with ``counted``
    and the story's correction, and the number of matching articles. Only these rows are built."""
    matching = _matching(frame, selection)
    # Only the sort keys of the matching rows are sorted; the page's rows are gathered by id after.
    wanted = _newest_first(matching.select("published", "id")).slice(offset, length)
    total, keys = pl.collect_all([matching.select(pl.len()), wanted])
    corrections, threshold = _story_corrections(frame), selection.relevance_threshold
    shown = _annotated(
        frame.lazy().filter(pl.col("id").is_in(keys.get_column("id").implode())), corrections, threshold
    ).collect()
    # Only the stories on this page need their copies compared (among all the filtered articles).
    stories = shown.get_column("_story").unique().implode()
    of_stories = _matching(frame, selection, search=False).filter(_story().is_in(stories))
    counted = _with_counted(shown.lazy(), _annotated(of_stories, corrections, threshold))
    return Page(_newest_first(counted).collect(), int(total.item()), offset)


def export_rows(frame: pl.DataFrame, selection: Selection) -> pl.LazyFrame:
    """Every matching article in ``aggregate.ARTICLE_COLUMNS``, by id (lazy: nothing is built yet)."""
    selected = listed(frame, selection)
    # A story with several copies has a copy whose id is not the story's; only those are compared.
    several = pl.col("_story").is_in(pl.col("_story").filter(pl.col("_story") != pl.col("id")).unique().implode())
    rows = _with_counted(selected, selected.filter(several)).select(ARTICLE_COLUMNS)
    # The store's frame is in id order and the steps above keep it: sorting would gather every row.
    return rows if frame.get_column("id").is_sorted() else rows.sort("id")


def count(frame: pl.DataFrame, selection: Selection) -> int:
    """How many articles match (what the export would write), without building them."""
    s = selection
    keep = filter_expr(s.languages, s.sources, s.start, s.end, keep_undated=True) & search_expr(s.search)
    return int(frame.lazy().filter(keep).select(pl.len()).collect().item())


def export_csv(frame: pl.DataFrame, selection: Selection) -> bytes:
    """The matching articles as formula-safe CSV bytes (``pipeline.export.csv_bytes``'s format),
    streamed batch by batch through a temporary file instead of a frame of every row."""
    with tempfile.TemporaryFile() as stream:
        sink_csv(export_rows(frame, selection), stream)
        stream.seek(0)
        return stream.read()


def export_parquet(frame: pl.DataFrame, selection: Selection) -> bytes:
    """The matching articles as Parquet bytes (typed), streamed through a temporary file."""
    with tempfile.TemporaryFile() as stream:
        export_rows(frame, selection).sink_parquet(stream)
        stream.seek(0)
        return stream.read()
