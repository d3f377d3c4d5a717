"""Aggregate scored articles into a tension time series with Polars.

Input: a frame with the columns of ``pipeline.store.ARTICLE_FRAME_SCHEMA`` (eager or lazy; never a
database connection). Output: one row per period (and group), oldest first. The rules (what
counts, how a story is deduplicated, what an override means) are in docs/series.md under "The tension
series and its exports"; the short version sits next to each constant below.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from statistics import NormalDist
from typing import Literal

import polars as pl

Freq = Literal["day", "week", "month"]
GroupBy = Literal["source", "language"]

#: Polars truncation intervals: weeks start on Monday (ISO), months on the 1st.
PERIODS: dict[str, str] = {"day": "1d", "week": "1w", "month": "1mo"}
GROUPS: tuple[GroupBy, ...] = ("source", "language")

#: The tension an analyst's stance override stands for, replacing the scorer's value. ±0.6 is a
#: clear but not extreme reading on the [-1, 1] scale: above the default tension threshold (0.2),
#: well short of the ±1 reserved for open conflict or formal alliance language.
OVERRIDE_TENSION: dict[str, float] = {"tension": 0.6, "neutral": 0.0, "cooperation": -0.6}

#: Why an article does not count in the series (the ``counted`` column of the article table).
COUNTED = "yes"
REASON_EXCLUDED = "not relevant (analyst)"
REASON_UNDATED = "undated"
REASON_UNSCORED = "unscored"
REASON_NOT_RELEVANT = "not relevant"
REASON_DUPLICATE = "duplicate story"

#: Group label for articles without a source or language, so every article lands in a group.
UNKNOWN_GROUP = "(unknown)"

#: Spike flag: the trailing window needs this many non-empty periods to say anything, and its
#: standard deviation is floored so that a near-flat history does not turn noise into a spike.
SPIKE_MIN_HISTORY = 3
SPIKE_MIN_STD = 0.05

#: The aggregated CSV columns of DESIGN.md, in order; the group column goes second with ``by``.
CONTRACT_COLUMNS: tuple[str, ...] = (
    "period_start",
    "articles",
    "mean_tension",
    "ci_low",
    "ci_high",
    "mean_sentiment",
    "share_tension",
)

#: Columns of the article-level export, in order.
ARTICLE_COLUMNS: tuple[str, ...] = (
    "id",
    "published",
    "title",
    "source",
    "language",
    "url",
    "tension",
    "sentiment",
    "relevance",
    "goldstein",
    "override_stance",
    "override_not_relevant",
    "story_id",
    "is_demo",
    "counted",
)

_CONFIDENCE = 0.95
_EXACT_T_MAX_DF = 30  # above it the Cornish–Fisher expansion is accurate to better than 1e-6


# ---------------------------------------------------------------- Student's t quantile


def _t_two_sided_mass(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with an integer ``df`` (closed form, Abramowitz & Stegun 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(df))
    c2, s = math.cos(theta) ** 2, math.sin(theta)
    if df % 2:  # odd: (2/π)(θ + sinθ cosθ Σ ...)
        term, total = 1.0, 1.0 if df > 1 else 0.0
        for k in range(1, (df - 1) // 2):
            term *= c2 * (2 * k) / (2 * k + 1)
            total += term
        return 2 / math.pi * (theta + s * math.cos(theta) * total)
    term, total = 1.0, 1.0  # even: sinθ Σ ...
    for k in range(1, df // 2):
        term *= c2 * (2 * k - 1) / (2 * k)
        total += term
    return s * total


@lru_cache(maxsize=1024)
def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t distribution with ``df`` degrees of freedom (``df`` ≥ 1, 0 < p < 1).

    Exact inversion of the closed-form distribution function for ``df`` ≤ 30, the Cornish–Fisher
    expansion around the normal quantile above (error < 1e-6); scipy is not needed.
    """
    if not 0.0 < p < 1.0 or df < 1:
        raise ValueError(f"t_quantile needs 0 < p < 1 and df >= 1 (got p={p}, df={df})")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if df > _EXACT_T_MAX_DF:
        z, v = NormalDist().inv_cdf(p), float(df)
        return (
            z
            + (z**3 + z) / (4 * v)
            + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
        )
    target, low, high = 2.0 * p - 1.0, 0.0, 1.0
    while _t_two_sided_mass(high, df) < target:
        high *= 2.0
    for _ in range(200):  # bisection: the mass is increasing in t
        mid = (low + high) / 2.0
        if mid in (low, high):
            break
        low, high = (mid, high) if _t_two_sided_mass(mid, df) < target else (low, mid)
    return (low + high) / 2.0


# ---------------------------------------------------------------- which articles count


def _lazy(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    lf = frame.lazy()
    published = lf.collect_schema()["published"]
    if isinstance(published, pl.Datetime):  # a timestamp: its calendar day in UTC
        tz = pl.col("published").dt.replace_time_zone("UTC") if published.time_zone is None else pl.col("published")
        lf = lf.with_columns(tz.dt.convert_time_zone("UTC").dt.date().alias("published"))
    return lf


def _with_overrides(frame: pl.DataFrame | pl.LazyFrame, relevance_threshold: float) -> pl.LazyFrame:
    """Every article with ``_story``, ``_excluded``, ``_tension`` (after overrides) and ``_qualifies``.

    Overrides are per story: an analyst's correction of any copy applies to all copies of that
    story (they carry the same text). "Not relevant" on any copy excludes the story; the stance of
    the lowest-id copy that has one replaces the scorer's tension, and makes the story relevant
    whatever its relevance score. An article qualifies when it is dated, scored, relevant and not
    excluded; the representative of a story is chosen among its qualifying copies.
    """
    lf = _lazy(frame).with_columns(
        pl.coalesce("story_id", "id").alias("_story"),
        *(pl.col(c).fill_nan(None) for c in ("tension", "sentiment", "relevance")),
    )
    has_override = pl.col("override_stance").is_not_null() | pl.col("override_not_relevant").fill_null(False)
    story_overrides = (  # small: only stories with an override
        lf.filter(has_override)
        .group_by("_story")
        .agg(
            pl.col("override_not_relevant").fill_null(False).any().alias("_excluded"),
            pl.col("override_stance").sort_by("id").drop_nulls().first().alias("_stance"),
        )
        .select(
            "_story",
            "_excluded",
            pl.col("_stance")
            .replace_strict(OVERRIDE_TENSION, default=None, return_dtype=pl.Float64)
            .alias("_stance_tension"),
        )
    )
    relevant = pl.col("_stance_tension").is_not_null() | (pl.col("relevance") >= relevance_threshold).fill_null(False)
    return (
        lf.join(story_overrides, on="_story", how="left")
        .with_columns(
            pl.col("_excluded").fill_null(False),
            pl.coalesce("_stance_tension", "tension").alias("_tension"),
        )
        .with_columns(
            (
                ~pl.col("_excluded") & pl.col("published").is_not_null() & pl.col("tension").is_not_null() & relevant
            ).alias("_qualifies")
        )
    )


def propagate_story_overrides(frame: pl.DataFrame) -> pl.DataFrame:
    """Give every copy of a story the story's correction (see ``_with_overrides``), so that filtering
    the articles afterwards (by source, language or date) cannot drop a correction with its copy."""
    story = pl.coalesce("story_id", "id")
    # The corrections of the few corrected stories, mapped onto every row by its story: a window
    # over every story, or a join that gathers every column, cost seconds at a million articles.
    corrected = pl.col("override_stance").is_not_null() | pl.col("override_not_relevant").fill_null(False)
    per_story = (
        frame.filter(corrected)
        .group_by(story.alias("_story"))
        .agg(
            pl.col("override_stance").sort_by("id").drop_nulls().first().alias("_stance"),
            pl.col("override_not_relevant").fill_null(False).any().alias("_not_relevant"),
        )
    )
    keys = per_story.get_column("_story")
    return frame.with_columns(
        # Uncorrected stories keep null: no copy of theirs has a stance of its own.
        story.replace_strict(keys, per_story.get_column("_stance"), default=None, return_dtype=pl.String).alias(
            "override_stance"
        ),
        pl.when(story.replace_strict(keys, per_story.get_column("_not_relevant"), default=False))
        .then(True)
        .otherwise(pl.col("override_not_relevant"))
        .alias("override_not_relevant"),
    )


# The representative copy of a story: the smallest (published, id) among its qualifying copies.
def _order_key() -> pl.Expr:
    return pl.col("published").cast(pl.Int64) * (1 << 40) + pl.col("id")


def counted_articles(frame: pl.DataFrame | pl.LazyFrame, *, relevance_threshold: float = 0.3) -> pl.LazyFrame:
    """The articles that count in the series, one per story, with ``tension`` after overrides (lazy)."""
    qualifying = _with_overrides(frame, relevance_threshold).filter(pl.col("_qualifies"))
    # Most stories have one copy, and a per-story window over millions of rows is the costliest
    # step, so it runs only on stories with several copies. Ids are unique, so a story with two or
    # more copies has a copy whose id differs from the story's; a story none of whose copies has
    # such an id has exactly one copy, which is its representative.
    shared = pl.col("_story").filter(pl.col("_story") != pl.col("id")).unique().implode()
    qualifying = qualifying.with_columns(pl.col("_story").is_in(shared).alias("_shared"))
    single = qualifying.filter(~pl.col("_shared"))
    several = qualifying.filter(pl.col("_shared")).filter(_order_key() == _order_key().min().over("_story"))
    return pl.concat([single, several]).with_columns(pl.col("_tension").alias("tension")).drop("_shared")


def counted_reason(is_first: pl.Expr) -> pl.Expr:
    """``counted``: "yes", or why the article does not count; ``is_first`` says whether a qualifying
    row is the first copy of its story (the caller decides among which copies)."""
    return (
        pl.when(pl.col("_excluded"))
        .then(pl.lit(REASON_EXCLUDED))
        .when(pl.col("published").is_null())
        .then(pl.lit(REASON_UNDATED))
        .when(pl.col("tension").is_null())
        .then(pl.lit(REASON_UNSCORED))
        .when(~pl.col("_qualifies"))
        .then(pl.lit(REASON_NOT_RELEVANT))
        .when(is_first)
        .then(pl.lit(COUNTED))
        .otherwise(pl.lit(REASON_DUPLICATE))
    )


def article_table(frame: pl.DataFrame | pl.LazyFrame, *, relevance_threshold: float = 0.3) -> pl.DataFrame:
    """Every article with ``counted``: "yes", or why it does not count (columns: ``ARTICLE_COLUMNS``)."""
    qualifying_key = pl.when(pl.col("_qualifies")).then(_order_key())
    counted = counted_reason(qualifying_key == qualifying_key.min().over("_story"))
    lf = _with_overrides(frame, relevance_threshold).with_columns(counted.alias("counted"))
    return lf.select(ARTICLE_COLUMNS).sort("id").collect()


# ---------------------------------------------------------------- the series


def _period_stats(counted: pl.LazyFrame, every: str, keys: list[str], tension_threshold: float) -> pl.LazyFrame:
    tension = pl.col("tension")
    # The strongest evidence sentence of the period: largest |weight|, ties to the highest id.
    # Found in two passes (the largest strength per period, then the rows that reach it): with
    # tens of thousands of small groups this is faster than sorting inside every group.
    strength = pl.when(pl.col("top_evidence").is_not_null()).then(
        pl.col("top_evidence_weight").fill_nan(None).abs().fill_null(0.0)
    )
    rows = counted.with_columns(
        pl.col("published").dt.truncate(every).alias("period_start"), strength.fill_null(-1.0).alias("_strength")
    )
    stats = rows.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("articles"),
        tension.mean().alias("mean_tension"),
        tension.std().alias("_sd"),
        pl.col("sentiment").mean().alias("mean_sentiment"),
        (tension > tension_threshold).mean().alias("share_tension"),
        tension.sum().alias("_tension_sum"),
        pl.col("_strength").max().alias("_strongest"),
    )
    evidence = (
        rows.filter(pl.col("top_evidence").is_not_null())
        .join(stats.select(*keys, "_strongest"), left_on=[*keys, "_strength"], right_on=[*keys, "_strongest"])
        .group_by(keys)
        .agg(pl.col("top_evidence", "id").sort_by("id").last())
        .rename({"id": "top_evidence_id"})
    )
    return stats.join(evidence, on=keys, how="left")


def _with_interval(stats: pl.DataFrame) -> pl.DataFrame:
    """Add the t-interval of the mean tension: mean ± t(0.975, n−1)·s/√n, clipped to [−1, 1]."""
    counts = stats.filter(pl.col("articles") >= 2).get_column("articles").unique().to_list()
    quantiles = {n: t_quantile((1 + _CONFIDENCE) / 2, n - 1) for n in counts}
    half = (
        pl.col("articles").replace_strict(quantiles, default=None, return_dtype=pl.Float64)
        * pl.col("_sd")
        / pl.col("articles").cast(pl.Float64).sqrt()
    )
    return stats.with_columns(
        (pl.col("mean_tension") - half).clip(-1.0, 1.0).alias("ci_low"),
        (pl.col("mean_tension") + half).clip(-1.0, 1.0).alias("ci_high"),
    )


def _periods(lo: dt.date, hi: dt.date, every: str) -> pl.Series:
    return pl.date_range(lo, hi, every, eager=True).alias("period_start")


def _with_smoothing_and_spikes(
    series: pl.DataFrame, group: str | None, smooth: int, spike_z: float, spike_window: int, spike_min_articles: int
) -> pl.DataFrame:
    def per_group(expr: pl.Expr) -> pl.Expr:
        return expr.over(group) if group else expr

    columns = []
    if smooth > 0:
        # Article-weighted trailing mean: a one-article week weighs less than a fifty-article week.
        total = per_group(pl.col("_tension_sum").fill_null(0.0).rolling_sum(smooth, min_samples=1))
        count = per_group(pl.col("articles").rolling_sum(smooth, min_samples=1))
        columns.append(pl.when(count > 0).then(total / count).alias("smoothed_tension"))
    history = pl.col("mean_tension").shift(1)
    trailing_mean = per_group(history.rolling_mean(spike_window, min_samples=SPIKE_MIN_HISTORY))
    trailing_sd = per_group(history.rolling_std(spike_window, min_samples=SPIKE_MIN_HISTORY))
    z = (pl.col("mean_tension") - trailing_mean) / pl.max_horizontal(trailing_sd, pl.lit(SPIKE_MIN_STD))
    columns.append(z.alias("tension_z"))
    series = series.with_columns(columns)
    return series.with_columns(
        ((pl.col("tension_z") >= spike_z) & (pl.col("articles") >= spike_min_articles)).fill_null(False).alias("spike")
    )


def aggregate(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    freq: Freq = "week",
    by: GroupBy | None = None,
    relevance_threshold: float = 0.3,
    tension_threshold: float = 0.2,
    smooth: int = 0,
    start: dt.date | None = None,
    end: dt.date | None = None,
    spike_z: float = 2.0,
    spike_window: int = 8,
    spike_min_articles: int = 3,
) -> pl.DataFrame:
    """The tension series: one row per period (and per ``by`` group), oldest first.

    Columns: ``period_start``, [``source`` | ``language``], ``articles``, ``mean_tension``, ``ci_low``,
    ``ci_high``, ``mean_sentiment``, ``share_tension``, then for the dashboard ``smoothed_tension``
    (when ``smooth`` > 0), ``tension_z``, ``spike``, ``top_evidence`` and ``top_evidence_id``.
    Periods without articles between the first and last one (or ``start`` and ``end``) are rows
    with ``articles`` 0 and null means. ``start``/``end`` are inclusive dates.
    """
    if freq not in PERIODS:
        raise ValueError(f"freq must be one of {', '.join(PERIODS)} (got {freq!r})")
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)} or None (got {by!r})")
    if start is not None and end is not None and start > end:
        raise ValueError(f"start {start} is after end {end}")
    if smooth < 0 or spike_window < 2:
        raise ValueError(f"smooth must be >= 0 and spike_window >= 2 (got {smooth}, {spike_window})")
    every = PERIODS[freq]
    keys = ["period_start", by] if by else ["period_start"]

    counted = counted_articles(frame, relevance_threshold=relevance_threshold)
    if start is not None:
        counted = counted.filter(pl.col("published") >= start)
    if end is not None:
        counted = counted.filter(pl.col("published") <= end)
    if by:  # a missing group is labelled after grouping, on the small frame
        counted = counted.with_columns(pl.col(by).fill_null(""))
    # Materialise the counted articles once (only the columns needed): the statistics and the
    # evidence both read them, and the story dedupe is the costliest step. The in-memory engine
    # runs this filter-and-window plan faster than the streaming one (0.32 s against 0.45 s at
    # 10M rows); the grouping below is the other way round (benchmarks/README.md).
    needed = ["id", "published", "tension", "sentiment", "top_evidence", "top_evidence_weight", *keys[1:]]
    counted = counted.select(needed).collect(engine="in-memory").lazy()
    stats = _with_interval(_period_stats(counted, every, keys, tension_threshold).collect())
    if by:
        stats = stats.with_columns(pl.col(by).replace("", UNKNOWN_GROUP))

    # The skeleton of every period (per group) so that empty periods show as gaps, not as lines.
    truncate = pl.Series([start, end], dtype=pl.Date).dt.truncate(every)
    lo = truncate[0] if start is not None else stats.get_column("period_start").min()
    hi = truncate[1] if end is not None else stats.get_column("period_start").max()
    # a Date column's ends are dates, or None when it is empty
    if isinstance(lo, dt.date) and isinstance(hi, dt.date):
        skeleton = pl.DataFrame({"period_start": _periods(lo, hi, every)})
    else:
        skeleton = pl.DataFrame()
    skeleton = skeleton if skeleton.width else pl.DataFrame(schema={"period_start": pl.Date})
    if by:
        skeleton = skeleton.join(stats.select(by).unique(), how="cross")
    series = skeleton.join(stats, on=keys, how="left").with_columns(pl.col("articles").fill_null(0)).sort(keys)
    series = _with_smoothing_and_spikes(series, by, smooth, spike_z, spike_window, spike_min_articles)
    extra = ["smoothed_tension"] if smooth > 0 else []
    ordered = [*contract_columns(by), *extra, "tension_z", "spike", "top_evidence", "top_evidence_id"]
    return series.select(ordered)


def contract_columns(by: GroupBy | None = None) -> list[str]:
    """The aggregated CSV columns of DESIGN.md in order, with the group column second when ``by`` is given."""
    columns = list(CONTRACT_COLUMNS)
    if by:
        columns.insert(1, by)
    return columns


def contract_frame(series: pl.DataFrame) -> pl.DataFrame:
    """The columns of an ``aggregate`` result that make the contract CSV, in order (group column detected)."""
    by = next((g for g in GROUPS if g in series.columns), None)
    return series.select(contract_columns(by))
