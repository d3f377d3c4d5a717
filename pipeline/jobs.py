"""Long work that outlives a page rerun: an ingest run in its own thread.

Streamlit stops the running script whenever the user clicks anything, and any work done inside the
script stops with it. A job runs in a thread of its own instead; the page only reads its progress,
so a click, a switch of page or a closed tab does not interrupt it, and its report is kept until
the page collects it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from .ingest import IngestReport, Progress


@dataclass
class Job:
    """One background ingest: its progress while it runs, then its report (or the error that ended it)."""

    label: str
    done: int = 0
    total: int = 0
    report: IngestReport | None = None
    error: str = ""
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.report is not None or bool(self.error)

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0

    def status(self) -> str:
        """One line for a progress bar: "<label>: 3 of 10 done", or "starting…" before the first page."""
        return f"{self.label}: {self.done} of {self.total} done" if self.total else f"{self.label}: starting…"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ends or ``timeout`` seconds pass; whether it has ended."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.finished

    def _progress(self, done: int, total: int, _outcome: object) -> None:
        self.total, self.done = total, done


def start(label: str, work: Callable[[Progress], IngestReport]) -> Job:
    """Run ``work(progress)`` in a new thread and return its job at once.

    The thread is a daemon: stopping the server stops it, and what it stored so far stays stored
    (each article is written in its own transaction). An exception, which the ingest functions do
    not raise for bad input, ends the job with ``error`` set instead of vanishing with the thread.
    """
    job = Job(label)

    def run() -> None:
        try:
            report = work(job._progress)
        except BaseException as err:  # shown to the user instead of lost with the thread
            job.error = f"{type(err).__name__}: {err}"
            if not isinstance(err, Exception):
                raise
        else:
            if report is None:
                job.error = "the ingest returned no report"
            job.report = report

    job._thread = threading.Thread(target=run, name=f"ingest {label}", daemon=True)
    job._thread.start()
    return job
