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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from .aggregate import (
    ARTICLE_COLUMNS,
    COUNTED,
    OVERRIDE_TENSION,
    REASON_DUPLICATE,
    REASON_EXCLUDED,
    REASON_NOT_RELEVANT,
    REASON_UNDATED,
    REASON_UNSCORED,
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


def address_expr(frame: pl.DataFrame, search: str) -> pl.Expr:
    """Rows whose source holds the text, or whose URL does when the text looks like part of an address
    (one piece with a ".", "/" or ":"; case-insensitive, literal): what the full-text index of titles
    and texts does not cover (a host name). Sources are matched among their distinct names, URLs (a
    scan of every one) only for such a text: a search for words costs no URL scan."""
    needle = search.strip().lower()
    if not needle:
        return pl.lit(False)
    sources = frame.get_column("source").drop_nulls().unique()
    named = sources.filter(sources.str.to_lowercase().str.contains(needle, literal=True))
    hit = pl.col("source").is_in(named.implode())
    if len(needle.split()) == 1 and any(mark in needle for mark in "./:"):
        hit |= pl.col("url").str.to_lowercase().str.contains(needle, literal=True).fill_null(False)
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


def page(
    frame: pl.DataFrame,
    selection: Selection,
    offset: int = 0,
    length: int = 2000,
    *,
    ranked: Sequence[int] | None = None,
) -> Page:
    """Rows ``offset`` … ``offset + length`` of the matching articles, with ``counted`` and the story's
    correction, and the number of matching articles. Only these rows are built.

    Without ``ranked`` the search is a substring of the title, source or URL and the rows come newest
    first; with ``ranked`` (the full-text matches, best first: ``Store.search``) the rows are those
    matches in rank order, then the articles whose source or URL holds the search, newest first.
    """
    if ranked is None:
        matching = _matching(frame, selection)
        # Only the sort keys of the matching rows are sorted; the page's rows are gathered by id after.
        wanted = _newest_first(matching.select("published", "id")).slice(offset, length)
    else:
        matching, wanted = _ranked(frame, selection, ranked, offset, length)
    total, keys = pl.collect_all([matching.select(pl.len()), wanted])
    counted = _counted_rows(frame, selection, keys.get_column("id"))
    if ranked is None:
        return Page(_newest_first(counted).collect(), int(total.item()), offset)
    in_order = keys.lazy().with_row_index("_place").join(counted, on="id").sort("_place").drop("_place")
    return Page(in_order.collect(), int(total.item()), offset)


def _counted_rows(frame: pl.DataFrame, selection: Selection, ids: pl.Series) -> pl.LazyFrame:
    """The articles ``ids`` (annotated, see ``_annotated``) with ``counted`` and ``_first`` among the
    articles that pass the selection's filters; only the copies of their stories are compared."""
    corrections, threshold = _story_corrections(frame), selection.relevance_threshold
    shown = _annotated(frame.lazy().filter(pl.col("id").is_in(ids.implode())), corrections, threshold).collect()
    stories = shown.get_column("_story").unique().implode()
    of_stories = _matching(frame, selection, search=False).filter(_story().is_in(stories))
    return _with_counted(shown.lazy(), _annotated(of_stories, corrections, threshold))


@dataclass(frozen=True)
class Counting:
    """Whether one article counts in the series under the filters, and why not, in words."""

    counted: bool
    reason: str  # the ``counted`` column's value, or FILTERED_OUT
    explanation: str
    first_copy: int | None = None  # for a later copy of a story: the id of the copy that counts


FILTERED_OUT = "outside the filters"


def counting(frame: pl.DataFrame, selection: Selection, article_id: int) -> Counting | None:
    """Whether the article counts in the series of the selection's filters (the search plays no part),
    and why not: ``aggregate.counted_reason``'s verdict, explained; None when the article is not stored."""
    row = frame.filter(pl.col("id") == article_id)
    if row.is_empty():
        return None
    s = selection
    if not row.filter(filter_expr(s.languages, s.sources, s.start, s.end, keep_undated=True)).height:
        text = "It does not count here: its language, source or date is outside the sidebar's filters."
        return Counting(False, FILTERED_OUT, text)
    verdict = _counted_rows(frame, s, row.get_column("id")).collect().row(0, named=True)
    reason = verdict["counted"]
    # _first is the counted copy's order key (``_order_key``): its low 40 bits are the copy's id.
    first = verdict["_first"] % (1 << 40) if reason == REASON_DUPLICATE and verdict["_first"] is not None else None
    return Counting(reason == COUNTED, reason, _explained(reason, verdict, s.relevance_threshold, first), first)


def _explained(reason: str, row: dict[str, Any], threshold: float, first: int | None) -> str:
    relevance = row["relevance"]
    if reason == COUNTED:
        why = (
            f"relevance {relevance:.2f} at or above {threshold:.2f}"
            if row["_stance"] is None
            else "a stance correction"
        )
        return f"It counts in the series: dated, {why}, the first copy of its story under these filters."
    return "It does not count in the series: " + {
        REASON_EXCLUDED: "the analyst corrected it (or another copy of its story) as not relevant.",
        REASON_UNDATED: "it has no date, so it belongs to no period.",
        REASON_UNSCORED: "it has no score yet (run `python -m pipeline rescore`).",
        REASON_NOT_RELEVANT: f"its relevance {relevance or 0:.2f} is below the threshold {threshold:.2f}"
        " (BAROMETER_RELEVANCE_THRESHOLD), so it is not about the relationship enough.",
        REASON_DUPLICATE: f"it is a later copy of a story; the story counts once, as article {first}.",
    }.get(reason, reason + ".")


def _ranked(
    frame: pl.DataFrame, selection: Selection, ranked: Sequence[int], offset: int, length: int
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """The articles that pass the filters and are full-text matches or hold the search in their source
    or URL, and the ids of rows ``offset`` … ``offset + length`` of them: matches by rank, then the rest."""
    s = selection
    ranks = pl.DataFrame({"id": ranked}, schema={"id": pl.Int64}).with_row_index("_rank")
    found = pl.col("id").is_in(ranks.get_column("id").implode())
    keep = filter_expr(s.languages, s.sources, s.start, s.end, keep_undated=True)
    hits = frame.lazy().filter(keep & found).select("id")
    others = frame.lazy().filter(keep & ~found & address_expr(frame, s.search)).select("published", "id")
    matching = pl.concat([hits, others.select("id")])
    first = hits.join(ranks.lazy(), on="id").sort("_rank").select("id")
    wanted = pl.concat([first, _newest_first(others).select("id")]).slice(offset, length)
    return matching, wanted


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
