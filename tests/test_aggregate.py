"""The tension series: periods, what counts, story dedupe, overrides, intervals, groups, spikes.

Every expected value is computed by hand in the comment next to it.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.aggregate import (
    ARTICLE_COLUMNS,
    OVERRIDE_TENSION,
    aggregate,
    article_table,
    contract_columns,
    contract_frame,
    counted_articles,
    t_quantile,
)
from pipeline.store import ARTICLE_FRAME_SCHEMA

D = dt.date


def articles(*rows: dict) -> pl.DataFrame:
    """A frame with the store's schema: each row names only what the test is about.

    Defaults: ids 1, 2, ... in order, its own story, scored, relevant (0.9), sentiment 0, source "a".
    """
    filled = []
    for number, row in enumerate(rows, start=1):
        article = {name: None for name in ARTICLE_FRAME_SCHEMA}
        article.update(id=number, source="a", language="ru", relevance=0.9, sentiment=0.0, is_demo=False)
        article.update(title=f"article {number}", url=f"https://example.kz/{number}")
        article.update(row)
        article.setdefault("story_id", None)
        if article["story_id"] is None:
            article["story_id"] = article["id"]
        filled.append(article)
    return pl.DataFrame(filled, schema=ARTICLE_FRAME_SCHEMA)


def column(series: pl.DataFrame, name: str) -> list:
    return series.get_column(name).to_list()


# ---------------------------------------------------------------- periods


def test_weeks_start_on_monday_so_sunday_and_monday_fall_in_different_weeks():
    frame = articles(
        {"published": D(2024, 6, 9), "tension": 0.2},  # Sunday
        {"published": D(2024, 6, 10), "tension": 0.4},  # Monday
    )
    series = aggregate(frame, freq="week")
    assert column(series, "period_start") == [D(2024, 6, 3), D(2024, 6, 10)]
    assert column(series, "articles") == [1, 1]


def test_months_start_on_the_first():
    frame = articles({"published": D(2024, 1, 31), "tension": 0.2}, {"published": D(2024, 2, 1), "tension": 0.4})
    series = aggregate(frame, freq="month")
    assert column(series, "period_start") == [D(2024, 1, 1), D(2024, 2, 1)]
    assert column(series, "mean_tension") == [0.2, 0.4]


def test_iso_week_one_spans_the_year_change_but_months_do_not():
    frame = articles(
        {"published": D(2024, 12, 30), "tension": 0.1},  # Monday of ISO week 1 of 2025
        {"published": D(2025, 1, 1), "tension": 0.3},
        {"published": D(2025, 1, 5), "tension": 0.5},  # Sunday, still week 1
    )
    weekly = aggregate(frame, freq="week")
    assert column(weekly, "period_start") == [D(2024, 12, 30)]
    assert column(weekly, "articles") == [3]
    monthly = aggregate(frame, freq="month")
    assert column(monthly, "period_start") == [D(2024, 12, 1), D(2025, 1, 1)]
    assert column(monthly, "articles") == [1, 2]


def test_day_frequency_gives_one_row_per_calendar_day():
    frame = articles({"published": D(2024, 2, 28), "tension": 0.1}, {"published": D(2024, 3, 1), "tension": 0.3})
    series = aggregate(frame, freq="day")
    assert column(series, "period_start") == [D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1)]  # leap day is empty
    assert column(series, "articles") == [1, 0, 1]


def test_timestamps_count_on_their_utc_calendar_day():
    # 23:30 in New York on Sunday 9 June is 03:30 UTC on Monday 10 June: the week of the 10th.
    frame = articles({"tension": 0.2}).with_columns(
        pl.lit(dt.datetime(2024, 6, 9, 23, 30)).dt.replace_time_zone("America/New_York").alias("published")
    )
    assert column(aggregate(frame), "period_start") == [D(2024, 6, 10)]


def test_empty_periods_are_rows_with_zero_articles_and_null_means():
    frame = articles({"published": D(2024, 6, 3), "tension": 0.2}, {"published": D(2024, 6, 24), "tension": 0.4})
    series = aggregate(frame)
    assert column(series, "period_start") == [D(2024, 6, 3), D(2024, 6, 10), D(2024, 6, 17), D(2024, 6, 24)]
    assert column(series, "articles") == [1, 0, 0, 1]
    for name in ("mean_tension", "ci_low", "ci_high", "mean_sentiment", "share_tension"):
        assert column(series, name)[1:3] == [None, None], name


def test_start_and_end_bound_the_series_and_add_empty_periods_at_the_edges():
    frame = articles(
        {"published": D(2024, 5, 31), "tension": 0.9},  # before start: left out
        {"published": D(2024, 6, 12), "tension": 0.2},
        {"published": D(2024, 7, 2), "tension": 0.9},  # after end: left out
    )
    series = aggregate(frame, start=D(2024, 6, 5), end=D(2024, 6, 20))  # Wednesday to Thursday
    assert column(series, "period_start") == [D(2024, 6, 3), D(2024, 6, 10), D(2024, 6, 17)]
    assert column(series, "articles") == [0, 1, 0]


def test_no_counted_articles_gives_an_empty_series_with_all_columns():
    series = aggregate(articles({"published": None, "tension": 0.5}))
    assert series.height == 0
    assert series.columns[:7] == list(contract_columns())
    assert aggregate(articles()).height == 0


# ---------------------------------------------------------------- the interval


def test_t_interval_matches_a_hand_computation():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.1, "sentiment": -0.2},
        {"published": D(2024, 6, 4), "tension": 0.3, "sentiment": 0.0},
        {"published": D(2024, 6, 5), "tension": 0.5, "sentiment": 0.5},
    )
    row = aggregate(frame).row(0, named=True)
    # mean 0.3, sample sd 0.2, n 3, t(0.975, 2) = 4.302652729749 → half width 4.302652729749·0.2/√3
    half = 4.302652729749 * 0.2 / math.sqrt(3)  # 0.496839...
    assert row["articles"] == 3
    assert row["mean_tension"] == pytest.approx(0.3)
    assert row["ci_low"] == pytest.approx(0.3 - half, abs=1e-9)  # -0.196839
    assert row["ci_high"] == pytest.approx(0.3 + half, abs=1e-9)  # 0.796839
    assert row["mean_sentiment"] == pytest.approx(0.1)
    assert row["share_tension"] == pytest.approx(2 / 3)  # 0.3 and 0.5 are above 0.2; 0.1 is not


def test_one_article_period_has_an_empty_interval_not_nan():
    row = aggregate(articles({"published": D(2024, 6, 3), "tension": 0.4})).row(0, named=True)
    assert row["articles"] == 1
    assert row["ci_low"] is None and row["ci_high"] is None


def test_interval_is_clipped_to_the_tension_scale():
    frame = articles({"published": D(2024, 6, 3), "tension": 0.9}, {"published": D(2024, 6, 4), "tension": -0.9})
    row = aggregate(frame).row(0, named=True)
    # half width 12.706·1.2728/√2 ≈ 11.4, far beyond the scale
    assert (row["ci_low"], row["ci_high"]) == (-1.0, 1.0)


def test_identical_tensions_give_a_zero_width_interval():
    frame = articles({"published": D(2024, 6, 3), "tension": 0.4}, {"published": D(2024, 6, 4), "tension": 0.4})
    row = aggregate(frame).row(0, named=True)
    assert row["ci_low"] == pytest.approx(0.4) and row["ci_high"] == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [  # reference values from published t tables, to 9 significant digits
        (0.975, 1, 12.7062047),
        (0.975, 2, 4.30265273),
        (0.975, 3, 3.18244631),
        (0.975, 4, 2.77644511),
        (0.975, 5, 2.57058184),
        (0.975, 10, 2.22813885),
        (0.975, 29, 2.04522964),
        (0.975, 30, 2.04227246),
        (0.975, 31, 2.03951345),
        (0.975, 60, 2.00029782),
        (0.975, 120, 1.97993041),
        (0.995, 5, 4.03214298),
        (0.95, 20, 1.72471824),
        (0.025, 10, -2.22813885),
        (0.5, 7, 0.0),
    ],
)
def test_t_quantile_matches_reference_tables(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-6)


def test_t_quantile_refuses_impossible_arguments():
    with pytest.raises(ValueError, match="df >= 1"):
        t_quantile(0.975, 0)


# ---------------------------------------------------------------- what counts


def test_relevance_threshold_is_inclusive():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.2, "relevance": 0.3},
        {"published": D(2024, 6, 4), "tension": 0.8, "relevance": 0.29},
    )
    assert column(aggregate(frame), "articles") == [1]
    assert column(aggregate(frame), "mean_tension") == [0.2]
    assert column(aggregate(frame, relevance_threshold=0.2), "articles") == [2]


def test_undated_and_unscored_articles_do_not_count():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.2},
        {"published": None, "tension": 0.9},
        {"published": D(2024, 6, 4), "tension": None, "relevance": None, "sentiment": None},
    )
    assert column(aggregate(frame), "articles") == [1]


def test_syndicated_copies_count_once_at_the_earliest_dated_copy():
    frame = articles(
        {"published": D(2024, 6, 12), "tension": 0.8, "source": "first stored"},
        {"published": D(2024, 6, 7), "tension": 0.6, "source": "published earlier", "story_id": 1},
        {"published": D(2024, 6, 13), "tension": 0.7, "source": "later copy", "story_id": 1},
        {"published": None, "tension": 0.7, "source": "undated copy", "story_id": 1},
    )
    series = aggregate(frame)
    assert column(series, "period_start") == [D(2024, 6, 3)]  # the week of the copy dated the 7th
    assert column(series, "articles") == [1]
    assert column(series, "mean_tension") == [0.6]
    by_source = aggregate(frame, by="source").filter(pl.col("articles") > 0)
    assert column(by_source, "source") == ["published earlier"]
    assert column(article_table(frame), "counted") == ["duplicate story", "yes", "duplicate story", "undated"]


def test_an_irrelevant_copy_does_not_represent_a_story_that_a_relevant_copy_carries():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.1, "relevance": 0.1},  # truncated copy, scored irrelevant
        {"published": D(2024, 6, 4), "tension": 0.5, "relevance": 0.8, "story_id": 1},
    )
    assert column(aggregate(frame), "mean_tension") == [0.5]
    assert column(article_table(frame), "counted") == ["not relevant", "yes"]


@pytest.mark.parametrize(("stance", "expected"), [("tension", 0.6), ("neutral", 0.0), ("cooperation", -0.6)])
def test_stance_override_replaces_the_scorer_tension(stance, expected):
    frame = articles({"published": D(2024, 6, 3), "tension": -0.9, "override_stance": stance})
    assert OVERRIDE_TENSION[stance] == expected
    assert column(aggregate(frame), "mean_tension") == [expected]


def test_stance_override_counts_an_article_the_scorer_found_irrelevant():
    frame = articles({"published": D(2024, 6, 3), "tension": 0.0, "relevance": 0.05, "override_stance": "tension"})
    assert column(aggregate(frame), "mean_tension") == [0.6]


def test_stance_override_on_any_copy_applies_to_the_whole_story():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.1},
        {"published": D(2024, 6, 5), "tension": 0.1, "story_id": 1, "override_stance": "cooperation"},
    )
    assert column(aggregate(frame), "mean_tension") == [-0.6]


def test_not_relevant_override_excludes_the_story_with_all_its_copies():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.9, "override_not_relevant": True},
        {"published": D(2024, 6, 4), "tension": 0.9, "story_id": 1, "override_not_relevant": False},
        {"published": D(2024, 6, 5), "tension": 0.1},
    )
    assert column(aggregate(frame), "mean_tension") == [0.1]
    assert column(article_table(frame), "counted") == ["not relevant (analyst)", "not relevant (analyst)", "yes"]


def test_removing_an_override_restores_the_scorer_values():
    # Undoing an override deletes its row, so the frame's override columns are null again.
    overridden = articles({"published": D(2024, 6, 3), "tension": 0.1, "override_not_relevant": True})
    assert aggregate(overridden).height == 0
    undone = articles({"published": D(2024, 6, 3), "tension": 0.1})
    assert column(aggregate(undone), "mean_tension") == [0.1]


def test_article_table_says_why_each_article_does_not_count():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.1},
        {"published": None, "tension": 0.1},
        {"published": D(2024, 6, 3), "tension": None, "relevance": None},
        {"published": D(2024, 6, 3), "tension": 0.1, "relevance": 0.1},
        {"published": D(2024, 6, 4), "tension": 0.1, "story_id": 1},
        {"published": D(2024, 6, 3), "tension": 0.1, "override_not_relevant": True},
    )
    table = article_table(frame)
    assert table.columns == list(ARTICLE_COLUMNS)
    assert column(table, "counted") == [
        "yes",
        "undated",
        "unscored",
        "not relevant",
        "duplicate story",
        "not relevant (analyst)",
    ]


def test_a_lazy_frame_gives_the_same_series():
    frame = articles({"published": D(2024, 6, 3), "tension": 0.1}, {"published": D(2024, 6, 20), "tension": 0.5})
    assert aggregate(frame.lazy()).equals(aggregate(frame))


# ---------------------------------------------------------------- groups


def test_by_source_gives_every_source_every_period_so_gaps_show_per_group():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.2, "source": "Tengri"},
        {"published": D(2024, 6, 4), "tension": 0.4, "source": "Tengri"},
        {"published": D(2024, 6, 17), "tension": -0.2, "source": "ТАСС"},
    )
    series = aggregate(frame, by="source")
    assert series.columns[:2] == ["period_start", "source"]
    assert series.select("period_start", "source", "articles", "mean_tension").rows() == [
        (D(2024, 6, 3), "Tengri", 2, pytest.approx(0.3)),
        (D(2024, 6, 3), "ТАСС", 0, None),
        (D(2024, 6, 10), "Tengri", 0, None),
        (D(2024, 6, 10), "ТАСС", 0, None),
        (D(2024, 6, 17), "Tengri", 0, None),
        (D(2024, 6, 17), "ТАСС", 1, -0.2),
    ]


def test_by_language_groups_and_labels_a_missing_language():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.2, "language": "kk"},
        {"published": D(2024, 6, 3), "tension": 0.6, "language": "ru"},
        {"published": D(2024, 6, 4), "tension": 0.4, "language": ""},
    )
    series = aggregate(frame, by="language", freq="month")
    assert series.select("language", "articles", "mean_tension").rows() == [
        ("(unknown)", 1, 0.4),
        ("kk", 1, 0.2),
        ("ru", 1, 0.6),
    ]


def test_unknown_frequency_or_group_is_refused_with_its_name():
    frame = articles({"published": D(2024, 6, 3), "tension": 0.2})
    with pytest.raises(ValueError, match="'year'"):
        aggregate(frame, freq="year")  # type: ignore[arg-type]  # a frequency outside Freq, on purpose
    with pytest.raises(ValueError, match="'author'"):
        aggregate(frame, by="author")  # type: ignore[arg-type]  # a group outside GroupBy, on purpose


def test_contract_columns_put_the_group_second():
    assert contract_columns() == [
        "period_start",
        "articles",
        "mean_tension",
        "ci_low",
        "ci_high",
        "mean_sentiment",
        "share_tension",
    ]
    frame = articles({"published": D(2024, 6, 3), "tension": 0.2})
    assert contract_frame(aggregate(frame, by="language")).columns == contract_columns("language")
    assert contract_columns("source")[:3] == ["period_start", "source", "articles"]


# ---------------------------------------------------------------- dashboard columns


def test_smoothing_is_a_trailing_article_weighted_mean():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.0},
        {"published": D(2024, 6, 3), "tension": 0.0},
        {"published": D(2024, 6, 3), "tension": 0.0},
        {"published": D(2024, 6, 10), "tension": 0.8},
        # week of 17 June empty
        {"published": D(2024, 6, 24), "tension": 0.4},
    )
    series = aggregate(frame, smooth=2)
    # week 1: 0/3; week 2: (0+0.8)/4; week 3: 0.8/1 (only week 2 in the window); week 4: 0.4/1
    assert column(series, "smoothed_tension") == pytest.approx([0.0, 0.2, 0.8, 0.4])
    assert "smoothed_tension" not in aggregate(frame).columns


def test_a_period_far_above_its_trailing_window_is_a_spike():
    quiet = [0.0, 0.1, 0.0, 0.1]  # trailing mean 0.05, sd 0.0577
    rows = [{"published": D(2024, 6, 3) + dt.timedelta(weeks=w), "tension": t} for w, t in enumerate(quiet)]
    loud_week = D(2024, 6, 3) + dt.timedelta(weeks=4)
    rows += [{"published": loud_week, "tension": 0.5}] * 3  # z = (0.5 − 0.05) / 0.0577 ≈ 7.8
    series = aggregate(articles(*rows))
    assert column(series, "spike") == [False, False, False, False, True]
    assert column(series, "tension_z")[4] == pytest.approx(0.45 / (0.1 / math.sqrt(3)))
    # the same jump carried by fewer articles than spike_min_articles is not flagged
    assert column(aggregate(articles(*rows), spike_min_articles=4), "spike")[4] is False


def test_top_evidence_is_the_strongest_sentence_of_the_period():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.2, "top_evidence": "mild", "top_evidence_weight": 0.3},
        {"published": D(2024, 6, 4), "tension": -0.5, "top_evidence": "strong", "top_evidence_weight": -0.7},
        {"published": D(2024, 6, 5), "tension": 0.1},
    )
    row = aggregate(frame).row(0, named=True)
    assert (row["top_evidence"], row["top_evidence_id"]) == ("strong", 2)


def test_ties_for_the_strongest_evidence_go_to_the_latest_stored_article():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.2, "top_evidence": "older", "top_evidence_weight": 0.5},
        {"published": D(2024, 6, 4), "tension": 0.2, "top_evidence": "newer", "top_evidence_weight": -0.5},
    )
    assert aggregate(frame).select("top_evidence", "top_evidence_id").row(0) == ("newer", 2)


# ---------------------------------------------------------------- against a plain-Python reading of the rules


def reference_weeks(rows: list[dict], relevance_threshold: float = 0.3) -> dict[dt.date, list[float]]:
    """The series rules of docs/series.md, one story at a time: week start -> tensions that count."""
    stories: dict[int, list[dict]] = {}
    for row in rows:
        stories.setdefault(row["story_id"] or row["id"], []).append(row)
    weeks: dict[dt.date, list[float]] = {}
    for copies in stories.values():
        if any(c["override_not_relevant"] for c in copies):
            continue
        stanced = sorted((c for c in copies if c["override_stance"]), key=lambda c: c["id"])
        stance = OVERRIDE_TENSION[stanced[0]["override_stance"]] if stanced else None
        qualifying = [
            c
            for c in copies
            if c["published"] is not None
            and c["tension"] is not None
            and (stance is not None or (c["relevance"] is not None and c["relevance"] >= relevance_threshold))
        ]
        if qualifying:
            first = min(qualifying, key=lambda c: (c["published"], c["id"]))
            monday = first["published"] - dt.timedelta(days=first["published"].weekday())
            weeks.setdefault(monday, []).append(first["tension"] if stance is None else stance)
    return weeks


@st.composite
def article_rows(draw) -> list[dict]:
    rows = []
    for number in range(1, draw(st.integers(0, 14)) + 1):
        rows.append(
            {
                "id": number,
                "story_id": draw(st.sampled_from([None, 99, *range(1, number + 1)])),  # 99: first copy deleted
                "published": draw(st.none() | st.dates(D(2024, 12, 1), D(2025, 2, 15))),
                "tension": draw(st.none() | st.integers(-10, 10).map(lambda t: t / 10)),
                "relevance": draw(st.sampled_from([None, 0.0, 0.29, 0.3, 0.9])),
                "override_stance": draw(st.sampled_from([None, None, "tension", "neutral", "cooperation"])),
                "override_not_relevant": draw(st.sampled_from([None, None, False, True])),
            }
        )
    return rows


@settings(max_examples=150, deadline=None)
@given(article_rows())
def test_series_agrees_with_a_plain_reading_of_the_rules(rows):
    frame = articles(*rows)
    expected = reference_weeks(rows)
    series = aggregate(frame).filter(pl.col("articles") > 0)
    got = {row["period_start"]: row for row in series.iter_rows(named=True)}
    assert set(got) == set(expected)
    for week, tensions in expected.items():
        assert got[week]["articles"] == len(tensions)
        assert got[week]["mean_tension"] == pytest.approx(sum(tensions) / len(tensions))
    counted = article_table(frame).filter(pl.col("counted") == "yes").get_column("id")
    assert counted.len() == sum(len(t) for t in expected.values())
    # The series' fast path (the window only over stories with several copies) picks the same
    # representatives as the article table's plain per-story window.
    assert sorted(counted_articles(frame).collect().get_column("id").to_list()) == sorted(counted.to_list())


def test_a_correction_survives_filtering_away_the_corrected_copy():
    """Corrections are per story: a filter on the other copy's source must not drop them."""
    from pipeline.aggregate import propagate_story_overrides

    frame = pl.DataFrame(
        {
            "id": [1, 2],
            "story_id": [1, 1],
            "source": ["A", "B"],
            "override_stance": [None, None],
            "override_not_relevant": [True, None],
        },
        schema_overrides={"override_stance": pl.String, "override_not_relevant": pl.Boolean},
    )
    spread = propagate_story_overrides(frame).filter(pl.col("source") == "B")
    assert spread.get_column("override_not_relevant").to_list() == [True]
    stance = frame.with_columns(
        pl.Series("override_stance", ["tension", None]), pl.Series("override_not_relevant", [None, None], pl.Boolean)
    )
    assert propagate_story_overrides(stance).get_column("override_stance").to_list() == ["tension", "tension"]
