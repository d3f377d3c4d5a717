"""Load part files into the store, in bulk, through ingest's own writer (same dedupe, same failures).

Each part loads in one transaction, its rows in input order, each through
``pipeline.ingest.store_result`` (canonical URL, near-duplicate stories, failures as ingest stores
them). A loaded part is marked with the database's token (``part-….loaded``): loading it again into
the same database stores nothing twice (articles are keyed by canonical URL anyway; the marker keeps
its failures from being recorded again).
"""

from __future__ import annotations

from pathlib import Path

from ..ingest.save import store_result
from ..models import FetchFailure
from ..report import Finish, Outcome
from ..store import Store
from .parts import read_part


def loaded_marker(part: Path) -> Path:
    """The file that lists the databases a part has been loaded into."""
    return part.with_name(part.name.removesuffix(".parquet") + ".loaded")


def is_loaded(part: Path, token: str) -> bool:
    """True when ``part`` has been loaded into the database whose token is ``token``."""
    marker = loaded_marker(part)
    return marker.exists() and token in marker.read_text(encoding="utf-8").split()


def load_part(db: Store, part: Path, finish: Finish, *, reported: frozenset[str] = frozenset()) -> None:
    """Store the rows of ``part`` (one transaction) and tell ``finish`` each outcome, except for the
    URLs in ``reported`` (found stored when the batch was planned, and reported then)."""
    token = db.token()
    rows = read_part(part)
    if is_loaded(part, token):  # loaded before: say what became of each input, store nothing again
        for url, result, _ in rows:
            if url not in reported:
                finish(
                    Outcome(url, "failed", result.reason)
                    if isinstance(result, FetchFailure)
                    else Outcome(url, "present")
                )
        return
    outcomes = []
    with db.transaction():
        for url, result, scores in rows:
            outcomes.append(store_result(db, url, result, scores))
    with open(loaded_marker(part), "a", encoding="utf-8") as marker:
        marker.write(token + "\n")
    for outcome in outcomes:
        if outcome.url not in reported:
            finish(outcome)
