"""The Export page through AppTest on a copy of the demo database: the default aggregated CSV is the
contract's, byte for byte; the option adds the spike, smoothed and top-evidence columns after the
contract columns, which stay first and unchanged; each file's first rows are previewed as the file
holds them."""

from __future__ import annotations

import csv
import io

from pipeline import views
from pipeline.aggregate import ARTICLE_COLUMNS, CONTRACT_COLUMNS, contract_frame
from pipeline.export import EXTRA_COLUMNS, csv_bytes, extended_frame, preview
from pipeline.settings import load_settings
from pipeline.store import Store
from tests import test_dashboard as dashboard_tests
from tests.test_dashboard import download, no_exception

db, demo_template, demo_db, demo_app = (
    dashboard_tests.db,
    dashboard_tests.demo_template,
    dashboard_tests.demo_db,
    dashboard_tests.demo_app,
)
EXPORT_PAGE = "ui/export.py"


def expected_series(db_path, filters: views.Filters):
    """The series the page exports, computed here from the database without the dashboard."""
    with Store.open(db_path) as store:
        frame = store.articles_frame(cached=False)
    return views.trend_series(frame, filters, load_settings(db=str(db_path)))


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_the_default_aggregated_csv_is_the_contracts_byte_for_byte(demo_app, demo_db):
    at = demo_app.switch_page(EXPORT_PAGE).run()
    no_exception(at)
    assert at.checkbox(key="export_extra").value is False
    data, mime, name = download(at, "Aggregated CSV")
    series = expected_series(demo_db, views.Filters(freq="month"))
    assert (name, mime) == ("barometer-month.csv", "text/csv")
    assert data == csv_bytes(contract_frame(series))
    assert rows(data)[0] == list(CONTRACT_COLUMNS)


def test_the_extra_columns_come_after_the_contract_columns_unchanged(demo_app, demo_db):
    at = demo_app.switch_page(EXPORT_PAGE).run()
    default = rows(download(at, "Aggregated CSV")[0])
    at.sidebar.slider(key="smooth").set_value(3).run()
    smoothed_default = rows(download(at, "Aggregated CSV")[0])
    at.checkbox(key="export_extra").check().run()
    no_exception(at)
    data, _, name = download(at, "Aggregated CSV")
    assert name == "barometer-month.csv"
    extended = rows(data)
    assert extended[0] == [*CONTRACT_COLUMNS, *EXTRA_COLUMNS]
    contract = len(CONTRACT_COLUMNS)
    assert [r[:contract] for r in extended] == smoothed_default == default  # smoothing moves no contract column
    assert data == csv_bytes(extended_frame(expected_series(demo_db, views.Filters(freq="month", smooth=3))))
    by_column = {name: [r[i] for r in extended[1:]] for i, name in enumerate(extended[0])}
    assert set(by_column["spike"]) <= {"true", "false"}
    assert any(by_column["top_evidence"]) and all(v == "" or v.isdigit() for v in by_column["top_evidence_id"])
    assert any(by_column["smoothed_tension"])
    # without smoothing there is no smoothed column; the others stay
    at.sidebar.slider(key="smooth").set_value(0).run()
    assert rows(download(at, "Aggregated CSV")[0])[0] == [*CONTRACT_COLUMNS, *EXTRA_COLUMNS[1:]]


def test_the_preview_shows_the_first_rows_of_each_file(demo_app):
    demo_app.sidebar.multiselect(key="languages").set_value(["ru"]).run()
    at = demo_app.switch_page(EXPORT_PAGE).run()
    no_exception(at)
    series_preview, articles_preview = (frame.value for frame in at.dataframe)
    series_file = rows(download(at, "Aggregated CSV")[0])
    assert list(series_preview.columns) == series_file[0]
    assert series_preview.values.tolist() == series_file[1:11]
    articles_file = rows(download(at, "Article table (CSV)")[0])
    assert list(articles_preview.columns) == list(ARTICLE_COLUMNS) == articles_file[0]
    assert articles_preview.values.tolist() == articles_file[1:11]
    assert set(articles_preview["language"]) == {"ru"}
    captions = [c.value for c in at.caption]
    assert f"barometer-month.csv: the first 10 of {len(series_file) - 1:,} rows, as the file holds them." in captions
    at.checkbox(key="export_extra").check().run()
    assert list(at.dataframe[0].value.columns) == [*CONTRACT_COLUMNS, *EXTRA_COLUMNS[1:]]


def test_preview_keeps_every_cell_as_the_file_writes_it():
    data = b'"a","b"\n"1.5000",""\n"\'=1+1","x"\n"3","y"\n'
    frame = preview(data, rows=2)
    assert frame.rows() == [("1.5000", ""), ("'=1+1", "x")]


def test_cli_export_extra_adds_the_same_columns_after_the_contracts(demo_db, tmp_path):
    from pipeline.cli import main

    plain, extra = tmp_path / "plain.csv", tmp_path / "extra.csv"
    assert main(["export", "--db", str(demo_db), "--freq", "month", "--out", str(plain)]) == 0
    assert main(["export", "--db", str(demo_db), "--freq", "month", "--extra", "--out", str(extra)]) == 0
    plain_rows, extra_rows = rows(plain.read_bytes()), rows(extra.read_bytes())
    assert plain_rows[0] == list(CONTRACT_COLUMNS)
    assert extra_rows[0] == [*CONTRACT_COLUMNS, *EXTRA_COLUMNS[1:]]  # the command does not smooth
    assert [r[: len(CONTRACT_COLUMNS)] for r in extra_rows] == plain_rows
    assert extra.read_bytes() == csv_bytes(extended_frame(expected_series(demo_db, views.Filters(freq="month"))))
