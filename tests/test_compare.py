"""Compare: the series split by language or by source (top N by counted articles, the rest as
"other"), and the split CSV, which is byte for byte what `python -m pipeline export --by` writes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline import compare, views
from pipeline.aggregate import contract_columns
from pipeline.cli import main
from pipeline.settings import load_settings
from tests.test_dashboard import demo_template  # noqa: F401  (a fixture: the demo database, built once)


@pytest.fixture(scope="module")
def demo(demo_template):  # noqa: F811
    return views.read_articles(demo_template), load_settings(db=str(demo_template))


def test_split_by_language_gives_one_series_per_language_most_counted_first(demo):
    frame, settings = demo
    filters = views.Filters(freq="month")
    series = compare.split_series(frame, filters, settings, "language")
    counts = compare.group_counts(frame, filters, settings, "language")
    groups = list(dict.fromkeys(series.get_column("language").to_list()))
    assert groups == counts.get_column("language").to_list()
    assert sorted(groups) == ["en", "kk", "pl", "ru"]
    whole = views.trend_series(frame, filters, settings)
    assert series.get_column("articles").sum() == whole.get_column("articles").sum()
    per_group = series.group_by("language").agg(pl.col("articles").sum())
    assert dict(per_group.iter_rows()) == dict(counts.iter_rows())


def test_split_by_source_keeps_the_top_n_and_groups_the_rest_as_other(demo):
    frame, settings = demo
    filters = views.Filters(freq="month")
    counts = compare.group_counts(frame, filters, settings, "source")
    top = compare.top_sources(frame, filters, settings, 3)
    assert top == counts.get_column("source").head(3).to_list()
    series = compare.split_series(frame, filters, settings, "source", 3)
    assert list(dict.fromkeys(series.get_column("source").to_list())) == [*top, "other"]
    other = series.filter(pl.col("source") == "other").get_column("articles").sum()
    assert other == counts.get_column("articles").slice(3).sum() > 0


def test_split_follows_the_sidebar_filters(demo):
    frame, settings = demo
    filters = views.Filters(freq="month", languages=("ru", "kk"))
    series = compare.split_series(frame, filters, settings, "language")
    assert set(series.get_column("language").to_list()) == {"ru", "kk"}


@pytest.mark.parametrize("by", ["language", "source"])
def test_split_csv_is_the_bytes_the_cli_writes(demo, demo_template, tmp_path: Path, by):  # noqa: F811
    frame, settings = demo
    out = tmp_path / f"by-{by}.csv"
    assert main(["export", "--freq", "month", "--by", by, "--out", str(out), "--db", str(demo_template)]) == 0
    data = compare.split_csv(frame, views.Filters(freq="month", smooth=3), settings, by)
    assert data == out.read_bytes()
    assert data.decode().splitlines()[0] == ",".join(contract_columns(by))
