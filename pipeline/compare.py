"""The split series of the Trend page's "Compare": one series per language, or per source with the
top N sources by counted articles and the rest as "other"; and the ``--by`` CSV of the same split."""

from __future__ import annotations

import polars as pl

from .aggregate import GroupBy, aggregate, contract_frame, counted_articles
from .export import csv_bytes
from .settings import Settings
from .views import Filters, apply_filters

#: The group of every source outside the top N.
OTHER = "other"


def _aggregate(frame: pl.DataFrame, filters: Filters, settings: Settings, by: GroupBy) -> pl.DataFrame:
    return aggregate(
        frame,
        freq=filters.freq,
        by=by,
        smooth=filters.smooth,
        start=filters.start,
        end=filters.end,
        relevance_threshold=settings.relevance_threshold,
        tension_threshold=settings.tension_threshold,
    )


def group_counts(frame: pl.DataFrame, filters: Filters, settings: Settings, by: GroupBy) -> pl.DataFrame:
    """Counted articles per group (``by``, ``articles``) under the filters, most first, ties by name."""
    counted = counted_articles(apply_filters(frame, filters), relevance_threshold=settings.relevance_threshold)
    return (
        counted.group_by(pl.col(by).fill_null(""))
        .agg(pl.len().alias("articles"))
        .sort(["articles", by], descending=[True, False])
        .collect()
    )


def top_sources(frame: pl.DataFrame, filters: Filters, settings: Settings, n: int) -> list[str]:
    """The ``n`` sources with the most counted articles under the filters."""
    return group_counts(frame, filters, settings, "source").get_column("source").head(max(n, 0)).to_list()


def split_series(frame: pl.DataFrame, filters: Filters, settings: Settings, by: GroupBy, top: int = 5) -> pl.DataFrame:
    """The ``aggregate(by=...)`` series of the filtered articles, groups in order of counted articles
    (most first); by source, only the ``top`` sources keep their name and the rest are "other" (last)."""
    filtered = apply_filters(frame, filters)
    if by == "source":
        keep = top_sources(frame, filters, settings, top)
        filtered = filtered.with_columns(
            pl.when(pl.col("source").is_in(keep)).then(pl.col("source")).otherwise(pl.lit(OTHER)).alias("source")
        )
        order = [*keep, OTHER]
    else:
        order = group_counts(frame, filters, settings, by).get_column(by).to_list()
    series = _aggregate(filtered, filters, settings, by)
    rank = {name: i for i, name in enumerate(order)}
    return series.sort(
        pl.col(by).replace_strict(rank, default=len(order), return_dtype=pl.Int64), pl.col(by), "period_start"
    )


def split_csv(frame: pl.DataFrame, filters: Filters, settings: Settings, by: GroupBy) -> bytes:
    """The contract CSV with the group column second, one series per group (every source, as
    ``python -m pipeline export --by``), for the filtered articles."""
    return csv_bytes(contract_frame(_aggregate(apply_filters(frame, filters), filters, settings, by)))
