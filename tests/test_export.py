"""CSV and Parquet exports: exact text, every value quoted, empty cells for nulls, formula-safe text,
header-only when empty."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest

from pipeline.aggregate import ARTICLE_COLUMNS, aggregate, article_table, contract_frame
from pipeline.export import csv_bytes, csv_text, parquet_bytes, protect_formulas, write_csv, write_parquet
from tests.test_aggregate import articles

D = dt.date


def test_series_csv_is_exactly_the_contract_text():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.1, "sentiment": -0.2},
        {"published": D(2024, 6, 4), "tension": 0.3, "sentiment": 0.0},
        {"published": D(2024, 6, 5), "tension": 0.5, "sentiment": 0.5},
        {"published": D(2024, 6, 17), "tension": -0.25, "sentiment": 0.0},
    )
    # ci: 0.3 ± 4.302652729749·0.2/√3 = 0.3 ± 0.496839 → -0.1968, 0.7968
    assert csv_text(contract_frame(aggregate(frame))) == (
        "period_start,articles,mean_tension,ci_low,ci_high,mean_sentiment,share_tension\n"
        '"2024-06-03","3","0.3000","-0.1968","0.7968","0.1000","0.6667"\n'
        '"2024-06-10","0","","","","",""\n'
        '"2024-06-17","1","-0.2500","","","0.0000","0.0000"\n'
    )


def test_grouped_csv_has_the_group_second_and_keeps_unicode():
    frame = articles({"published": D(2024, 6, 3), "tension": 0.2, "source": "Казинформ"})
    text = csv_bytes(contract_frame(aggregate(frame, by="source"))).decode("utf-8")
    assert text.splitlines() == [
        "period_start,source,articles,mean_tension,ci_low,ci_high,mean_sentiment,share_tension",
        '"2024-06-03","Казинформ","1","0.2000","","","0.0000","0.0000"',
    ]


@pytest.mark.parametrize("by", [None, "source", "language"])
def test_empty_input_gives_the_header_alone(by):
    text = csv_text(contract_frame(aggregate(articles(), by=by)))
    header = ["period_start", "articles", "mean_tension", "ci_low", "ci_high", "mean_sentiment", "share_tension"]
    if by:
        header.insert(1, by)
    assert text == ",".join(header) + "\n"


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+7 701", "-2+3", "@SUM(A1)"])
def test_text_cells_that_start_like_a_formula_get_an_apostrophe(cell):
    out = protect_formulas(pl.DataFrame({"source": [cell]}))
    assert out.item() == "'" + cell


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('\x00=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),  # NUL dropped, then protected
        ("\ufeff=1+1", "'\ufeff=1+1"),  # byte order mark
        ("\u2060=1+1", "'\u2060=1+1"),  # word joiner
        ("\u00ad=1+1", "'\u00ad=1+1"),  # soft hyphen
        ("\u200b\u200e+1", "'\u200b\u200e+1"),  # zero-width space, left-to-right mark
        ("\u3000@x", "'\u3000@x"),  # ideographic space
        ("\u2028=x", "' =x"),  # line separator: a line break, so a space
        ("\x1b\x7f\x9b=x", "'=x"),  # ESC, DEL and a C1 control dropped
        ("\tcmd", " cmd"),  # a tab is a separator for some spreadsheets: a space instead
        ("\rcmd", " cmd"),
        ("a\n=b", "a =b"),  # a line break would start a new row under another separator
        ("\u00ad", "\u00ad"),  # invisible but harmless alone
        ("x\u200b=1", "x\u200b=1"),  # the first visible character is x
    ],
)
def test_formulas_behind_invisible_characters_are_protected_and_controls_removed(cell, safe):
    assert protect_formulas(pl.DataFrame({"title": [cell]})).item() == safe


def test_every_value_is_quoted_so_no_separator_splits_a_cell():
    frame = pl.DataFrame({"id": [7], "title": ['x;=1+1,"y"'], "tension": [-0.5], "day": [D(2024, 6, 3)]})
    assert csv_text(frame) == 'id,title,tension,day\n"7","x;=1+1,""y""","-0.5000","2024-06-03"\n'


def test_harmless_text_and_negative_numbers_are_unchanged():
    frame = pl.DataFrame({"source": ["Tengri News", "a=b", None], "tension": [-0.25, -1.0, None]})
    assert csv_text(frame) == 'source,tension\n"Tengri News","-0.2500"\n"a=b","-1.0000"\n"",""\n'


def test_nulls_and_nan_are_empty_cells_and_negative_zero_is_zero():
    frame = pl.DataFrame({"x": [None, float("nan"), -0.00001]}, schema={"x": pl.Float64})
    assert csv_text(frame) == 'x\n""\n""\n"0.0000"\n'


def test_formula_in_a_source_name_is_protected_in_the_series_csv():
    frame = articles({"published": D(2024, 6, 3), "tension": 0.2, "source": "=cmd|' /C calc'!A0"})
    assert '\n"2024-06-03","\'=cmd|\' /C calc\'!A0","1",' in csv_text(contract_frame(aggregate(frame, by="source")))


def test_write_csv_to_a_path_and_to_a_stream_give_the_same_bytes(tmp_path):
    frame = contract_frame(aggregate(articles({"published": D(2024, 6, 3), "tension": 0.2, "source": "ТАСС"})))
    path = tmp_path / "series.csv"
    write_csv(frame, path)
    stream = io.StringIO()
    write_csv(frame, stream)
    assert path.read_bytes() == stream.getvalue().encode("utf-8") == csv_bytes(frame)


def test_article_csv_lists_every_article_with_why_it_does_or_does_not_count():
    frame = articles(
        {"published": D(2024, 6, 3), "tension": -0.5, "title": "@everyone: talks"},
        {"published": None, "tension": 0.1, "title": "Undated"},
    )
    lines = csv_text(article_table(frame)).splitlines()
    assert lines[0] == ",".join(ARTICLE_COLUMNS)
    cells = "1,2024-06-03,'@everyone: talks,a,ru,https://example.kz/1,-0.5000,0.0000,0.9000,,,,1,false,yes"
    assert lines[1] == ",".join(f'"{cell}"' for cell in cells.split(","))
    assert lines[2].endswith(',"undated"')


def test_article_parquet_keeps_types_and_nulls(tmp_path):
    frame = articles(
        {"published": D(2024, 6, 3), "tension": 0.2, "override_stance": "tension"},
        {"published": None, "tension": None, "title": "=not a formula in parquet"},
    )
    table = article_table(frame)
    path = tmp_path / "articles.parquet"
    write_parquet(table, path)
    assert pl.read_parquet(path).equals(table)
    assert pl.read_parquet(io.BytesIO(parquet_bytes(table))).equals(table)
    assert table.get_column("title").to_list()[1] == "=not a formula in parquet"
    assert table.schema["published"] == pl.Date


def test_formulas_behind_leading_spaces_and_newlines_are_protected():
    from pipeline.export import protect_formulas

    cells = [" =1+1", "\u00a0+cmd", "\n=x", "plain", "a=b"]
    out = protect_formulas(pl.DataFrame({"title": cells})).get_column("title").to_list()
    assert out == ["' =1+1", "'\u00a0+cmd", "' =x", "plain", "a=b"]
