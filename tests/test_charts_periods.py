"""The chart's periods: the default length chosen from the data's density, and the period or range
a click or a box on the chart picks (Streamlit's selection event) as dates."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

import polars as pl
import pytest

from pipeline import periods
from pipeline.demo import DEMO_DIR
from pipeline.periods import default_freq, dense_share, period_end, period_name, picked_range


def demo_dates() -> pl.Series:
    """The dates of the bundled demo articles, read from their file (no database needed)."""
    with (DEMO_DIR / "articles.toml").open("rb") as fh:
        articles = tomllib.load(fh)["article"]
    return pl.Series([a.get("date") for a in articles], dtype=pl.String).str.to_date()


def test_the_demo_gets_month():
    """96 articles over six years: most weeks with an article hold one, most months two or more."""
    dates = demo_dates()
    assert (dates.len(), dates.null_count()) == (96, 3)
    assert dense_share(dates, "day") == pytest.approx(11 / 78)
    assert dense_share(dates, "week") == pytest.approx(13 / 27)
    assert dense_share(dates, "month") == pytest.approx(21 / 40)
    assert default_freq(dates) == "month"


def test_dense_data_gets_the_shortest_period_that_reads():
    days = [date(2024, 1, 1) + timedelta(days=i // 3) for i in range(90)]  # three a day
    assert default_freq(pl.Series(days)) == "day"
    weekly = [date(2024, 1, 1) + timedelta(days=7 * (i // 2) + 2 * (i % 2)) for i in range(60)]  # Mon and Wed
    assert default_freq(pl.Series(weekly)) == "week"
    assert default_freq(pl.Series([], dtype=pl.Date)) == "month"
    assert default_freq(pl.Series([None, date(2024, 1, 1)], dtype=pl.Date)) == "month"


def test_period_ends_and_names():
    assert period_end(date(2024, 2, 10), "month") == date(2024, 2, 29)
    assert period_end(date(2022, 12, 5), "month") == date(2022, 12, 31)
    assert period_end(date(2022, 2, 28), "week") == date(2022, 3, 6)
    assert period_end(date(2022, 3, 2), "week") == date(2022, 3, 6)  # the week that holds it
    assert period_name(date(2022, 1, 1), date(2022, 1, 31), "month") == "January 2022"
    assert period_name(date(2022, 2, 28), date(2022, 3, 6), "week") == "the week of 2022-02-28 to 2022-03-06"
    assert period_name(date(2022, 1, 1), date(2022, 3, 31), "month") == "2022-01-01 to 2022-03-31"


def test_a_clicked_point_picks_its_period():
    """Plotly sends the clicked point's x as text; a bar, a line point or an event marker alike."""
    clicked = {"points": [{"x": "2022-01-01", "y": 8, "curve_number": 0}], "box": [], "lasso": []}
    assert picked_range(clicked, "month") == (date(2022, 1, 1), date(2022, 1, 31))
    marker = {"points": [{"x": "2022-02-24 00:00:00", "curve_number": 7}], "box": []}
    assert picked_range(marker, "week") == (date(2022, 2, 21), date(2022, 2, 27))


def test_a_box_picks_the_whole_periods_it_touches():
    box = {"points": [], "box": [{"xref": "x", "yref": "y", "x": ["2021-12-14 10:20:00.5", "2022-02-03 08:00"]}]}
    assert picked_range(box, "month") == (date(2021, 12, 1), date(2022, 2, 28))
    reversed_box = {"box": [{"x": ["2022-02-03", "2021-12-14"]}]}
    assert picked_range(reversed_box, "month") == (date(2021, 12, 1), date(2022, 2, 28))


def test_an_empty_or_unreadable_selection_picks_nothing():
    assert picked_range(None, "month") is None
    assert picked_range({"points": [], "box": [], "lasso": []}, "month") is None
    assert picked_range({"points": [{"x": "not a date"}]}, "month") is None


def test_the_picked_range_is_cut_to_the_sidebar_dates():
    picked = (date(2022, 1, 1), date(2022, 1, 31))
    assert periods.within(picked, date(2022, 1, 10), None) == (date(2022, 1, 10), date(2022, 1, 31))
    assert periods.within(picked, None, date(2022, 1, 20)) == (date(2022, 1, 1), date(2022, 1, 20))
