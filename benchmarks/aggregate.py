"""Benchmark: the weekly series (overall and by source) over 1M and 10M synthetic articles, Polars vs pandas.

    python benchmarks/aggregate.py [--sizes 1000000 10000000] [--repeat 3]

Both sides do the whole job of ``pipeline.aggregate.aggregate``: story-level overrides, the
qualifying filter, one copy per story, ISO weeks, count / mean / sd / sentiment / share, the
t-interval, the strongest evidence sentence, empty periods per group, and the spike z-score. The
results are compared before the times are printed, so a fast wrong answer cannot win. Times are
the best of ``--repeat`` runs from data already in memory (Polars frame / pandas frame); the
slowest Polars run is printed too, because on a shared machine the spread matters.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.aggregate import OVERRIDE_TENSION, SPIKE_MIN_HISTORY, SPIKE_MIN_STD, aggregate, t_quantile
from pipeline.store import ARTICLE_FRAME_SCHEMA

SOURCES = 50
YEARS = 10
RELEVANCE, THRESHOLD, SPIKE_WINDOW = 0.3, 0.2, 8


def synthetic_articles(n: int, seed: int = 20240603) -> pl.DataFrame:
    """n articles over ten years from 50 sources: 10% syndicated copies, 5% undated, 2% unscored, 0.1% overridden."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n + 1, dtype=np.int64)
    story = ids.copy()
    copies = rng.random(n) < 0.10
    story[copies] = np.maximum(1, ids[copies] - rng.integers(1, 200, copies.sum()))
    first_day = (dt.date(2015, 1, 1) - dt.date(1970, 1, 1)).days
    days = rng.integers(first_day, first_day + 365 * YEARS, n).astype(np.int32)
    unscored = rng.random(n) < 0.02
    tension = np.where(unscored, np.nan, rng.normal(0.05, 0.35, n).clip(-1, 1))
    stances = pl.Series(["", "tension", "neutral", "cooperation"])  # "": no stance, "not relevant" only
    overridden = rng.random(n) < 0.001
    frame = pl.DataFrame(
        {
            "id": ids,
            "published": pl.Series(days).cast(pl.Date),
            "story_id": story,
            "source": pl.Series(rng.integers(0, SOURCES, n)).cast(pl.String).str.replace("^", "source "),
            "language": pl.Series(np.array(["ru", "kk", "en", "uz"])[rng.integers(0, 4, n)]),
            "tension": tension,
            "sentiment": rng.uniform(-1, 1, n),
            "relevance": rng.random(n),
            "top_evidence": pl.Series(rng.integers(0, 5000, n)).cast(pl.String).str.replace("^", "evidence sentence "),
            "top_evidence_weight": rng.uniform(-1, 1, n),
            "override_stance": stances.gather(rng.integers(0, 4, n)),
            "override_not_relevant": rng.random(n) < 0.3,
            "_overridden": overridden,
        },
    ).with_columns(
        pl.when(pl.col("_overridden") & (pl.col("override_stance") != ""))
        .then("override_stance")
        .alias("override_stance"),
        pl.when("_overridden").then(pl.col("override_not_relevant")).alias("override_not_relevant"),
        pl.when(pl.lit(rng.random(n) < 0.05)).then(None).otherwise(pl.col("published")).alias("published"),
        pl.col("tension").fill_nan(None),
    )
    missing = [
        pl.lit(None, dtype=dtype).alias(name) for name, dtype in ARTICLE_FRAME_SCHEMA.items() if name not in frame
    ]
    return frame.with_columns(missing).select(list(ARTICLE_FRAME_SCHEMA)).cast(pl.Schema(ARTICLE_FRAME_SCHEMA))


def pandas_aggregate(df: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """The same computation as ``aggregate(frame, freq="week", by=by)``, written in idiomatic pandas."""
    story = df["story_id"].fillna(df["id"]).astype("int64")
    has_override = df["override_stance"].notna() | df["override_not_relevant"].fillna(False).astype(bool)
    overrides = df.loc[has_override, ["id", "override_stance", "override_not_relevant"]].assign(
        story=story[has_override]
    )
    overrides = overrides.sort_values("id").groupby("story")
    excluded = story.map(overrides["override_not_relevant"].agg(lambda s: s.fillna(False).astype(bool).any()))
    stance_tension = story.map(overrides["override_stance"].first().map(OVERRIDE_TENSION))
    tension = stance_tension.fillna(df["tension"])
    relevant = stance_tension.notna() | (df["relevance"] >= RELEVANCE)
    qualifies = ~excluded.fillna(False).astype(bool) & df["published"].notna() & df["tension"].notna() & relevant
    q = df.loc[qualifies].assign(tension=tension[qualifies], story=story[qualifies])
    key = q["published"].to_numpy().astype("datetime64[D]").astype("int64") * (1 << 40) + q["id"]
    q = q.loc[key == key.groupby(q["story"]).transform("min")]

    week = q["published"] - pd.to_timedelta(q["published"].dt.day_of_week, unit="D")
    keys = [week.rename("period_start")] + ([q[by]] if by else [])
    q = q.assign(above=q["tension"] > THRESHOLD, strength=q["top_evidence_weight"].abs().fillna(0.0))
    grouped = q.groupby(keys, observed=True)
    stats = grouped.agg(
        articles=("tension", "size"),
        mean_tension=("tension", "mean"),
        sd=("tension", "std"),
        mean_sentiment=("sentiment", "mean"),
        share_tension=("above", "mean"),
    )
    stats["top_evidence"] = q.loc[grouped["strength"].idxmax().to_numpy(), "top_evidence"].to_numpy(dtype=object)
    quantiles = {n: t_quantile(0.975, n - 1) for n in stats["articles"].unique() if n >= 2}
    half = stats["articles"].map(quantiles) * stats["sd"] / np.sqrt(stats["articles"])
    stats["ci_low"] = (stats["mean_tension"] - half).clip(-1, 1)
    stats["ci_high"] = (stats["mean_tension"] + half).clip(-1, 1)

    periods = pd.date_range(stats.index.get_level_values(0).min(), stats.index.get_level_values(0).max(), freq="7D")
    if by:
        full = pd.MultiIndex.from_product([periods, sorted(stats.index.get_level_values(1).unique())])
        series = stats.reindex(full)
    else:
        series = stats.reindex(periods)
    series["articles"] = series["articles"].fillna(0).astype("int64")
    history = series.groupby(level=1)["mean_tension"].shift(1) if by else series["mean_tension"].shift(1)
    rolling = history.groupby(level=1) if by else history
    mean = rolling.rolling(SPIKE_WINDOW, min_periods=SPIKE_MIN_HISTORY).mean()
    sd = rolling.rolling(SPIKE_WINDOW, min_periods=SPIKE_MIN_HISTORY).std()
    if by:
        mean, sd = mean.droplevel(0), sd.droplevel(0)
    series["tension_z"] = (series["mean_tension"] - mean) / sd.clip(lower=SPIKE_MIN_STD)
    return series.reset_index().rename(columns={"index": "period_start", "level_0": "period_start"})


def timed(repeat: int, job) -> tuple[float, float, Any]:  # Any: whatever job returns
    """The best and the worst of ``repeat`` runs of ``job``, and its result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), max(times), result


def same_numbers(polars_result: pl.DataFrame, pandas_result: pd.DataFrame) -> None:
    for name in ("articles", "mean_tension", "ci_low", "ci_high", "mean_sentiment", "share_tension", "tension_z"):
        ours = polars_result.get_column(name).to_numpy().astype(float)
        theirs = pandas_result[name].to_numpy().astype(float)
        if ours.shape != theirs.shape or not np.allclose(ours, theirs, equal_nan=True, atol=1e-9):
            raise AssertionError(f"Polars and pandas disagree on {name}")
    theirs = [None if pd.isna(text) else text for text in pandas_result["top_evidence"]]
    if polars_result.get_column("top_evidence").to_list() != theirs:
        raise AssertionError("Polars and pandas disagree on top_evidence")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"polars {pl.__version__}, pandas {pd.__version__}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}\n")
    print("| rows | job | Polars s | Polars worst s | pandas s | pandas / Polars |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        run(size, args.repeat)


def run(size: int, repeat: int) -> None:
    frame = synthetic_articles(size)
    pdf = frame.to_pandas()
    pdf["published"] = pd.to_datetime(pdf["published"])
    pdf["source"] = pdf["source"].astype("category")  # pandas' fastest grouping key, to be fair
    for label, by in (("weekly", None), ("weekly by source", "source")):
        fast, worst, ours = timed(repeat, lambda by=by: aggregate(frame, freq="week", by=by))
        slow, _, theirs = timed(repeat, lambda by=by: pandas_aggregate(pdf, by))
        same_numbers(ours, theirs)
        print(f"| {size:,} | {label} | {fast:.2f} | {worst:.2f} | {slow:.2f} | {slow / fast:.1f}× |", flush=True)


if __name__ == "__main__":
    main()
