"""The view in the page address (pipeline.address): widget values survive a round trip through the
query parameters, defaults stay out of the link, and a bad parameter is ignored with a note naming
it and saying why, never an exception."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode

from hypothesis import given
from hypothesis import strategies as st

from pipeline.address import COMPARE, DEFAULTS, decode, encode, keys_of
from pipeline.views import FilterOptions

OPTIONS = FilterOptions(
    languages=["en", "kk", "pl", "ru"],
    sources=["Astana Times", "Kapital, Almaty", "TASS"],
    first=dt.date(2019, 3, 1),
    last=dt.date(2025, 6, 30),
)


def through_the_address(params: dict[str, str | list[str]]) -> dict[str, list[str]]:
    """The parameters as a browser sends them back: encoded into a query string and parsed again."""
    return parse_qs(urlencode(params, doseq=True), keep_blank_values=True)


def test_every_key_of_the_trend_page_survives_a_round_trip():
    state = {
        "freq": "month",
        "smooth": 4,
        "dates": (dt.date(2022, 1, 1), dt.date(2022, 6, 30)),
        "languages": ["kk", "ru"],
        "sources": ["Kapital, Almaty", "TASS"],  # a comma inside a name: repeated keys, not a joined list
        "split": "source",
        "split_top": 8,
        "show_events": False,
        "period": "2022-01-03",
    }
    params = encode(state, "trend", OPTIONS)
    assert params == {
        "freq": "month",
        "smooth": "4",
        "dates": "2022-01-01..2022-06-30",
        "languages": ["kk", "ru"],
        "sources": ["Kapital, Almaty", "TASS"],
        "split": "source",
        "split_top": "8",
        "show_events": "0",
        "period": "2022-01-03",
    }
    decoded = decode(through_the_address(params), OPTIONS)
    assert decoded.notes == []
    assert decoded.values == {**state, "dates": (dt.date(2022, 1, 1), dt.date(2022, 6, 30))}


def test_the_articles_page_keeps_its_search_and_open_article_and_not_the_trend_pages_keys():
    state = {"freq": "week", "search": "border & customs", "article_id": 42, "split": "language"}
    params = encode(state, "articles", OPTIONS)
    assert params == {"freq": "week", "search": "border & customs", "article_id": "42"}
    assert decode(through_the_address(params), OPTIONS).values == {
        "freq": "week",
        "search": "border & customs",
        "article_id": 42,
    }
    assert "search" not in encode(state, "trend", OPTIONS) and "split" in encode(state, "trend", OPTIONS)
    assert keys_of("export") == ("pair", "pairs", "freq", "smooth", "dates", "languages", "sources")


FOLLOWED = ["am-ru", "kz-cn", "kz-ru"]


def test_one_pair_or_a_comparison_reads_back_from_the_address():
    params = encode({"pair": "am-ru", "pairs": ["kz-ru", "am-ru"], "freq": "month"}, "trend", OPTIONS)
    assert params == {"pair": "am-ru", "freq": "month"}  # one pair chosen: the comparison's list is not the view
    assert decode(through_the_address(params), OPTIONS, FOLLOWED).values == {"pair": "am-ru", "freq": "month"}
    params = encode({"pair": COMPARE, "pairs": ["kz-ru", "am-ru"]}, "articles", OPTIONS)
    assert params == {"pairs": "kz-ru,am-ru"}
    assert decode(through_the_address(params), OPTIONS, FOLLOWED).values == {
        "pair": COMPARE,
        "pairs": ["kz-ru", "am-ru"],
    }


def test_a_pair_the_database_does_not_follow_is_ignored_with_a_note():
    decoded = decode({"pair": ["uz-ru"], "pairs": ["kz-ru,nope,kz-ru"]}, OPTIONS, FOLLOWED)
    assert decoded.values == {"pair": COMPARE, "pairs": ["kz-ru"]}
    assert decoded.notes == [
        "Ignored pair='uz-ru' in the address: the database follows am-ru, kz-cn, kz-ru.",
        "Ignored pairs='nope' in the address: the database follows am-ru, kz-cn, kz-ru.",
    ]
    assert decode({"pairs": ["nope"]}, OPTIONS, FOLLOWED).values == {}


def test_numpy_values_from_a_table_selection_are_written_as_plain_numbers():
    import numpy as np

    state = {"article_id": np.int64(42), "show_events": np.bool_(False), "split_top": np.int32(5)}
    assert encode(state, "trend", OPTIONS) == {"show_events": "0"}
    assert encode(state, "articles", OPTIONS) == {"article_id": "42"}


def test_defaults_and_the_whole_date_span_stay_out_of_the_link():
    state = {"freq": "week", "dates": (OPTIONS.first, OPTIONS.last), **DEFAULTS}
    assert encode(state, "trend", OPTIONS) == {"freq": "week"}
    assert encode({}, "trend", OPTIONS) == {}  # keys another page's widgets set may be absent


def test_an_open_end_of_the_date_range_is_the_datas_own():
    params = encode({"dates": (dt.date(2024, 2, 1), OPTIONS.last)}, "trend", OPTIONS)
    assert params == {"dates": "2024-02-01.."}
    assert decode(through_the_address(params), OPTIONS).values == {"dates": (dt.date(2024, 2, 1), OPTIONS.last)}
    assert decode({"dates": ["..2020-01-31"]}, OPTIONS).values == {"dates": (OPTIONS.first, dt.date(2020, 1, 31))}


def test_bad_values_are_ignored_each_with_a_note_naming_it():
    params = {
        "freq": ["year"],
        "smooth": ["99"],
        "dates": ["garbage"],
        "languages": ["kk", "xx"],
        "split": ["country"],
        "split_top": ["many"],
        "show_events": ["maybe"],
        "period": ["2022-13-01"],
        "article_id": ["-3"],
        "unrelated": ["kept alone"],
    }
    decoded = decode(params, OPTIONS)
    assert decoded.values == {"languages": ["kk"]}  # only the known language is used
    assert decoded.notes == [
        "Ignored freq='year' in the address: the period is day, week or month.",
        "Ignored smooth='99' in the address: smoothing runs from 0 to 12 trailing periods.",
        "Ignored dates='garbage' in the address: not a date range (write 2022-01-01..2022-06-30).",
        "Ignored split='country' in the address: compare by none, language or source.",
        "Ignored split_top='many' in the address: top sources is a whole number from 1 to 20.",
        "Ignored show_events='maybe' in the address: write 1 (on) or 0 (off).",
        "Ignored period='2022-13-01' in the address: '2022-13-01' is not a date (YYYY-MM-DD).",
        "Ignored article_id='-3' in the address: an article id is a whole number from 1.",
        "Ignored languages='xx' in the address: no stored article has that language.",
    ]


def test_a_date_range_that_is_reversed_or_outside_the_data_is_ignored():
    reversed_range = decode({"dates": ["2023-05-01..2023-01-01"]}, OPTIONS)
    assert reversed_range.values == {}
    assert reversed_range.notes == [
        "Ignored dates='2023-05-01..2023-01-01' in the address: it starts after it ends (2023-05-01 > 2023-01-01)."
    ]
    outside = decode({"dates": ["2010-01-01..2011-01-01"]}, OPTIONS)
    assert outside.values == {} and "they run from 2019-03-01 to 2025-06-30" in outside.notes[0]
    assert decode({"dates": ["2022-01-01..2022-02-01"]}, FilterOptions()).notes == [
        "Ignored dates='2022-01-01..2022-02-01' in the address: no stored article has a date."
    ]


def test_a_long_value_is_quoted_short_in_its_note():
    note = decode({"freq": ["x" * 500 + "\n<script>"]}, OPTIONS).notes[0]
    assert len(note) < 120 and "\n" not in note


KEYS = [*keys_of("trend"), "search", "article_id", "other"]


PAIR_TEXT = st.one_of(st.text(max_size=30), st.lists(st.sampled_from([*FOLLOWED, " kz-ru", "x"])).map(",".join))


@given(st.dictionaries(st.sampled_from(KEYS), st.lists(PAIR_TEXT, max_size=3)))
def test_no_address_raises_and_what_it_reads_reads_back_the_same(params):
    decoded = decode(params, OPTIONS, FOLLOWED)
    # Whatever is read is a value the address can hold: written back and read again, it is the same
    # (the defaults and the whole date span are left out of the link, so they do not come back).
    left_out = {**DEFAULTS, "dates": (OPTIONS.first, OPTIONS.last)}
    expected = {
        k: v for k, v in decoded.values.items() if k in keys_of("trend") and not (k in left_out and v == left_out[k])
    }
    again = decode(through_the_address(encode(decoded.values, "trend", OPTIONS)), OPTIONS, FOLLOWED)
    assert again.values == expected
