"""What an ingest reports: each input's outcome, the counts, and the progress callback's shape.

Kept apart from ``ingest`` so that the dashboard's reading side (``views``, ``jobs``) can show a
report without importing the fetcher, the extractor and trafilatura.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

STATUSES = ("stored", "present", "duplicate", "repeated", "failed")
STATUS_LABELS = {
    "stored": "stored",
    "present": "already present",
    "duplicate": "duplicate story",
    "repeated": "repeated in the input",
    "failed": "failed",
}


@dataclass(frozen=True)
class Outcome:
    """What became of one input."""

    url: str
    status: str  # one of STATUSES
    detail: str = ""  # failure reason, or the first copy's URL for a duplicate story
    article_id: int | None = None
    title: str = ""


@dataclass
class IngestReport:
    """Every input's outcome, in completion order, with counts.

    ``keep`` names the statuses whose outcomes are kept in ``outcomes`` (all by default); the others
    are only counted, so a list of a million URLs does not keep a million outcomes in memory.
    """

    outcomes: list[Outcome] = field(default_factory=list)
    keep: frozenset[str] = frozenset(STATUSES)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for outcome in self.outcomes:
            self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1

    def add(self, outcome: Outcome) -> None:
        """Count one outcome, and keep it when its status is one of ``keep``."""
        self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1
        if outcome.status in self.keep:
            self.outcomes.append(outcome)

    def count(self, status: str) -> int:
        """Number of inputs that ended with ``status``."""
        return self.counts.get(status, 0)

    @property
    def total(self) -> int:
        """Number of inputs that have an outcome, kept or not."""
        return sum(self.counts.values())

    @property
    def failures(self) -> list[Outcome]:
        """The failed inputs, with their reasons."""
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        """One line: stored / already present / duplicate story / repeated / failed."""
        return ", ".join(f"{self.count(s)} {STATUS_LABELS[s]}" for s in STATUSES)


#: Told (inputs done, inputs in all, the latest outcome) after each input.
Progress = Callable[[int, int, Outcome], None]

#: Takes each outcome as it is settled.
Finish = Callable[[Outcome], None]


def finisher(report: IngestReport, total: int | Callable[[], int], progress: Progress | None) -> Finish:
    """Records each outcome in ``report`` and tells ``progress`` (done, total, outcome); ``total`` may
    be a function, for inputs whose length is known only as they are read."""

    def finish(outcome: Outcome) -> None:
        report.add(outcome)
        if progress is not None:
            progress(report.total, total() if callable(total) else total, outcome)

    return finish
