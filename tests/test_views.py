"""pipeline.views without Streamlit: golden values for what the dashboard shows and accepts."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipeline import add_views, views
from pipeline.models import Article, Evidence, Score
from pipeline.settings import load_settings
from pipeline.store import Store

SETTINGS = load_settings(db=":memory:")


def frame_of(*rows: tuple[str, str, str, date | None]) -> pl.DataFrame:
    """The articles frame of (title, source, url, published) rows, each scored as relevant."""
    with Store.open(":memory:") as db:
        for title, source, url, published in rows:
            article = Article(url, url, title, f"text of {title}", published, source, "en", "")
            db.insert_article(article, Score(0.1, 0.0, 0.9, "en", version="v"))
        return db.articles_frame()


def test_search_is_literal_text_not_a_pattern():
    frame = frame_of(
        ("Talks (KZ) resume", "Wire", "https://a.example/1", date(2024, 1, 2)),
        ("Talks KZ resume", "Wire", "https://a.example/2", date(2024, 1, 3)),
        ("C++ and Astana", "Wire", "https://a.example/3", date(2024, 1, 4)),
    )
    titles = lambda search: views.articles_table(frame, views.Filters(), SETTINGS, search)["title"].to_list()  # noqa: E731
    assert titles("(kz)") == ["Talks (KZ) resume"]
    assert titles("c++") == ["C++ and Astana"]
    assert titles("a.example/2") == ["Talks KZ resume"]


def test_filter_options_leave_out_empty_sources_and_give_the_span():
    frame = frame_of(
        ("a", "Wire", "https://a.example/1", date(2024, 1, 2)),
        ("b", "", "https://a.example/2", None),
        ("c", "Agency", "https://a.example/3", date(2024, 3, 4)),
    )
    assert views.filter_options(frame) == views.FilterOptions(
        ["en"], ["Agency", "Wire"], date(2024, 1, 2), date(2024, 3, 4)
    )


def test_the_full_span_means_no_limit_and_a_half_picked_range_is_open():
    options = views.FilterOptions(first=date(2020, 1, 1), last=date(2024, 12, 31))
    assert views.date_range((date(2020, 1, 1), date(2024, 12, 31)), options) == (None, None)
    assert views.date_range((date(2021, 1, 1), date(2024, 12, 31)), options) == (date(2021, 1, 1), None)
    assert views.date_range((date(2020, 1, 1), date(2022, 6, 30)), options) == (None, date(2022, 6, 30))
    assert views.date_range((date(2021, 1, 1),), options) == (date(2021, 1, 1), None)
    assert views.date_range((), options) == (None, None)


def test_the_date_range_follows_the_data_only_when_it_showed_all_of_it_or_nothing_of_it():
    old = (date(2019, 1, 1), date(2025, 6, 1))
    new = views.FilterOptions(first=date(2025, 9, 2), last=date(2025, 10, 21))
    span = (new.first, new.last)
    assert views.date_range_reset(None, None, new) == span  # first run
    assert views.date_range_reset(old, old, new) == span  # it showed the whole old span
    assert views.date_range_reset((date(2019, 1, 1), date(2020, 1, 1)), old, new) == span  # outside the new span
    assert views.date_range_reset((date(2025, 9, 1), date(2025, 9, 30)), old, new) is None  # the user's choice
    assert views.date_range_reset(span, span, new) is None  # nothing changed
    assert views.date_range_reset(old, old, views.FilterOptions()) is None  # no dated article: no widget


def test_hover_evidence_is_cut_at_240_characters_and_wrapped_at_60():
    sentence = " ".join(["Astana"] * 60)  # 419 characters
    series = pl.DataFrame({"articles": [3], "top_evidence": [sentence]})
    label = views.hover_text(series)[0]
    head, evidence = label.split("<br>strongest evidence:<br>")
    assert head == "3 articles"
    lines = evidence.split("<br>")
    assert " ".join(lines) == sentence[:239] + "…"
    assert max(len(line) for line in lines) <= 60 and len(lines) == 5


def test_evidence_is_listed_strongest_first_whatever_its_sign():
    rows = views.evidence_rows(
        [Evidence("calm", 0.1), Evidence("protest", 0.4), Evidence("deal", -0.7), Evidence("x", 0)]
    )
    assert rows == [
        ("cooperation", "deal", -0.7),
        ("tension", "protest", 0.4),
        ("tension", "calm", 0.1),
        ("neutral", "x", 0),
    ]


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://a.example/x", True),
        ("HTTP://A.example/x", True),
        ("file:///tmp/a.html", False),
        ("", False),
        (None, False),
    ],
)
def test_only_web_addresses_are_offered_as_links(url, link):
    assert views.is_web_link(url) is link


def test_pasted_urls_are_split_on_lines_spaces_and_commas():
    assert add_views.pasted_urls(
        " https://a.example/1,https://a.example/2\n\n https://a.example/3\thttps://a.example/4 "
    ) == ("https://a.example/1\nhttps://a.example/2\nhttps://a.example/3\nhttps://a.example/4")


def test_a_batch_exactly_at_a_limit_passes_and_one_more_is_refused():
    settings = load_settings(db=":memory:", max_paste_urls=2, max_list_urls=3, max_upload_files=2, max_upload_bytes=100)
    assert add_views.paste_problem("https://a.example/1\nhttps://a.example/2", settings) is None
    assert add_views.paste_problem("a\nb\nc", settings) == (
        "Nothing was stored. The paste box holds 3 URLs; the limit is 2 (setting BAROMETER_MAX_PASTE_URLS)."
    )
    assert add_views.url_list_problem("l.txt", 100, 3, settings) is None
    assert add_views.url_list_problem("l.txt", 101, None, settings) == (
        "Nothing was stored. l.txt holds 101 bytes; the limit is 100 (setting BAROMETER_MAX_UPLOAD_BYTES)."
    )
    assert add_views.url_list_problem("l.txt", 10, 4, settings) == (
        "Nothing was stored. l.txt lists 4 URLs; the limit is 3 (setting BAROMETER_MAX_LIST_URLS)."
    )
    assert add_views.saved_pages_problem([50, 50], settings) is None
    assert add_views.saved_pages_problem([50, 51], settings) == (
        "Nothing was stored. The upload holds 101 bytes of saved pages; the limit is 100"
        " (setting BAROMETER_MAX_UPLOAD_BYTES)."
    )
    assert add_views.saved_pages_problem([1, 1, 1], settings) == (
        "Nothing was stored. The upload holds 3 saved pages; the limit is 2 (setting BAROMETER_MAX_UPLOAD_FILES)."
    )


def test_caps_below_one_are_a_setting_error():
    with pytest.raises(ValueError, match=r"max_upload_files must be at least 1 \(got 0\)"):
        load_settings(db=":memory:", max_upload_files=0)
