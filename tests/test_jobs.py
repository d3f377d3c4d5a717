"""The dashboard's background ingest job: progress, report, and an error that would otherwise vanish."""

from __future__ import annotations

import threading

from pipeline import jobs
from pipeline.ingest import IngestReport


def test_a_job_reports_progress_while_running_and_its_report_at_the_end():
    release = threading.Event()
    report = IngestReport()

    def work(progress):
        progress(1, 3, None)
        release.wait(10)
        progress(3, 3, None)
        return report

    job = jobs.start("Pasted URLs", work)
    assert not job.wait(0.2)  # still running: the caller is not blocked
    assert (job.done, job.total, job.status()) == (1, 3, "Pasted URLs: 1 of 3 done")
    release.set()
    assert job.wait(10)
    assert job.report is report and job.fraction == 1.0 and job.error == ""


def test_an_exception_ends_the_job_with_an_error_instead_of_vanishing():
    def work(progress):
        raise OSError("database disk image is malformed")

    job = jobs.start("URL list x.csv", work)
    assert job.wait(10)
    assert job.report is None
    assert job.error == "OSError: database disk image is malformed"


def test_status_before_the_first_page():
    assert jobs.Job("Saved pages").status() == "Saved pages: starting…"


def test_a_job_whose_work_returns_nothing_ends_with_an_error():
    job = jobs.start("Saved pages", lambda progress: None)
    assert job.wait(10)
    assert job.error == "the ingest returned no report"
