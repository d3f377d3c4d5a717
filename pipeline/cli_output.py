"""What the commands share: exit statuses, the progress bar on stderr, ingest's printed summary."""

from __future__ import annotations

import json
import sys
from typing import Never

from tqdm import tqdm

from . import ingest as ingest_mod

EXIT_OK, EXIT_NOTHING_DONE, EXIT_USAGE = 0, 1, 2
#: ``--pair all``: every pair the database follows (export and rescore only).
ALL_PAIRS = "all"
# No tqdm monitor thread: ingest forks its workers only from a process without threads (else it uses
# a slower fork server), and a bar may already exist then (URLs already stored are reported first).
tqdm.monitor_interval = 0


class Bar:
    """A tqdm progress bar on stderr, fed by the library's progress callback."""

    def __init__(self, enabled: bool, unit: str):
        self.bar: tqdm[Never] | None = None  # a bar without an iterable, fed by update()
        self.enabled, self.unit = enabled, unit

    def __call__(self, done: int, total: int, outcome: ingest_mod.Outcome) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(total=total, unit=self.unit, file=sys.stderr, dynamic_ncols=True)
        self.bar.total = total  # a streamed list's total grows as it is read
        self.bar.update(1)
        self.bar.set_postfix_str(ingest_mod.STATUS_LABELS[outcome.status], refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def print_report(report: ingest_mod.IngestReport) -> int:
    """Print ingest's summary, its duplicate stories and its failures; the exit status."""
    print(f"Summary: {report.summary()}.")
    for outcome in report.outcomes:
        if outcome.status == "duplicate":
            print(f"  duplicate story: {outcome.url} ({outcome.detail})")
    if report.failures:
        print("Failed:")
        for outcome in report.failures:
            print(f"  {outcome.url}: {outcome.detail}")
    useful = report.total - report.count("failed")
    return EXIT_OK if useful or not report.total else EXIT_NOTHING_DONE


def to_json(obj: object) -> str:
    """Indented JSON that keeps non-ASCII text readable."""
    return json.dumps(obj, ensure_ascii=False, indent=2)
