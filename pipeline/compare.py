"""The split series of the Trend page's "Compare": one series per language, or per source with the
top N sources by counted articles and the rest as "other", or one per pair of countries; and the CSV
of each split (``--by``, ``--pair all``)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from .aggregate import CONTRACT_COLUMNS, GroupBy, aggregate, contract_frame, counted_articles
from .export import PAIR, csv_bytes, stack_pairs
from .settings import Settings
from .views import Filters, apply_filters

#: The group of every source outside the top N.
OTHER = "other"


def _aggregate(frame: pl.DataFrame, filters: Filters, settings: Settings, by: GroupBy | None) -> pl.DataFrame:
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


# ---------------------------------------------------------------- pairs of countries


def of_pair(frame: pl.DataFrame, pair: str) -> pl.DataFrame:
    """The rows of one pair in a frame of several pairs."""
    return frame.filter(pl.col(PAIR) == pair)


def pair_series(frame: pl.DataFrame, filters: Filters, settings: Settings, pairs: Sequence[str] = ()) -> pl.DataFrame:
    """The series of each pair of a frame of several pairs (a ``pair`` column), stacked with ``pair``
    second, in the order of ``pairs`` (default: every pair of the frame, sorted).

    Each pair is aggregated on its own, as its own chart would be: its stories, corrections and
    spikes are that pair's, never pooled with another's."""

    def series(one: pl.DataFrame) -> pl.DataFrame:
        return _aggregate(apply_filters(one, filters), filters, settings, None)

    return stack_pairs(frame, series, pairs, keep_order=True)


def pair_columns() -> list[str]:
    """The columns of the comparison CSV: the contract's, with ``pair`` second (as ``export --pair all``)."""
    return [CONTRACT_COLUMNS[0], PAIR, *CONTRACT_COLUMNS[1:]]


def pair_csv(frame: pl.DataFrame, filters: Filters, settings: Settings, pairs: Sequence[str] = ()) -> bytes:
    """The comparison as the contract CSV with ``pair`` second, rows by pair (sorted) then period, as
    ``python -m pipeline export --pair all`` writes them for the pairs compared."""
    chosen = sorted(set(pairs)) or sorted(frame.get_column(PAIR).unique().to_list())
    return csv_bytes(pair_series(frame, filters, settings, chosen).select(pair_columns()))
