"""Failures the pipeline recovers from quietly (an unknown charset, an odd Retry-After, a job that
stops) are logged with the reason, and the behaviour stays as it was."""

from __future__ import annotations

import logging

from pipeline import jobs
from pipeline.decode import decode_page
from pipeline.fetch import _retry_after
from pipeline.inputs import read_url_text


def test_an_unknown_declared_charset_is_logged_and_the_page_still_decodes(caplog):
    caplog.set_level(logging.DEBUG, logger="pipeline")
    decoded = decode_page(b"<html><head><meta charset='x-nonsense'></head><body>hello</body></html>")
    assert "hello" in decoded.text
    assert "charset 'x-nonsense' is not a known codec" in caplog.text


def test_a_retry_after_that_is_no_date_is_logged_and_ignored(caplog):
    caplog.set_level(logging.DEBUG, logger="pipeline.fetch")
    assert _retry_after("soon, please") is None
    assert "Retry-After 'soon, please' is neither seconds nor a date" in caplog.text


def test_an_unsniffable_csv_is_logged_and_read_as_comma_separated(caplog):
    caplog.set_level(logging.DEBUG, logger="pipeline.inputs")
    requests, bad = read_url_text("url\nhttps://a.example/x\n", "list.csv")
    assert [r.url for r in requests] == ["https://a.example/x"] and not bad
    assert "list.csv: no CSV dialect recognised" in caplog.text


def test_a_job_that_stops_logs_its_traceback_as_well_as_showing_the_error(caplog):
    def work(progress):
        raise ZeroDivisionError("division by zero")

    job = jobs.start("URL list x.csv", work)
    assert job.wait(10)
    assert job.error == "ZeroDivisionError: division by zero"
    (record,) = [r for r in caplog.records if r.name == "pipeline.jobs"]
    assert record.levelno == logging.WARNING and record.getMessage() == "ingest job 'URL list x.csv' stopped"
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError
