"""Each pair's own key events and demo corpus: ``pipeline/data/pairs/<id>/events.toml`` and
``pipeline/data/pairs/<id>/demo/`` (illustrative articles written for this project). A pair without a
demo has none; demo articles and events are marked in the database and removable in one go."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from .ingest import ingest_html, read_html_files
from .models import Event
from .report import IngestReport, Outcome, Progress
from .resources import DEFAULT_PAIR, PACKAGE_DATA, data_dirs
from .settings import Settings
from .store import Store

PAIRS = "pairs"  # the data directories' folder of per-pair files: pairs/<id>/events.toml, pairs/<id>/demo/
DEMO_DIR = PACKAGE_DATA / PAIRS / DEFAULT_PAIR / "demo"  # the default pair's (Kazakhstan–Russia)
DEMO_LABEL = "demo data: illustrative articles written for this project"


def pair_dir(pair_id: str, data_dir: str = "") -> Path | None:
    """``pairs/<id>/`` in the user's data directory, else the package's; None when the pair has neither."""
    for directory in data_dirs(PAIRS, data_dir or None):
        if (directory / pair_id).is_dir():
            return directory / pair_id
    return None


def demo_dir(pair_id: str = DEFAULT_PAIR, data_dir: str = "") -> Path | None:
    """The pair's demo directory, None when the pair ships no demo pages."""
    found = pair_dir(pair_id, data_dir)
    return found / "demo" if found and demo_pages(found / "demo") else None


def demo_pages(directory: Path | None = DEMO_DIR) -> list[Path]:
    """The demo's saved HTML pages, in a stable order (none for a pair without a demo)."""
    return sorted((directory / "pages").glob("*.html")) if directory else []


def no_demo_message(title: str) -> str:
    """What to do when the pair has no demo, in words (the CLI and the dashboard say the same)."""
    return (
        f"There is no demo for {title}: add articles with `python -m pipeline ingest URL ...` (or the "
        f"**Add articles** page); a pair's demo lives in `pairs/<id>/demo/` (docs/scorer.md, 'Another pair')."
    )


def load_demo(settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Ingest the pair's demo pages (if it has any) and store its key events, all marked as demo; loading
    twice adds nothing. A pair without a demo gets its key events only."""
    pair = settings.watched_pair()
    items, failed = read_html_files(demo_pages(demo_dir(pair.id, settings.data_dir)))
    report = ingest_html(items, settings, failed=failed, progress=progress, is_demo=True) if items else IngestReport()
    with Store.open(settings.db, pair=pair) as db:
        db.add_demo_events(pair_events(pair.id, settings.data_dir))
    return report


def shipped_pairs() -> list[str]:
    """The ids of the pairs the package ships files for (``pairs/<id>/``), sorted: what ``["all"]``
    means to ``load_demos``."""
    return sorted(p.name for p in (PACKAGE_DATA / PAIRS).iterdir() if p.is_dir())


def load_demos(settings: Settings, pair_ids: Sequence[str], progress: Progress | None = None) -> IngestReport:
    """Load the demos and key events of several pairs into one database (``["all"]``: every pair of
    ``shipped_pairs``), each pair's pages ingested with that pair as the watched one; one report and
    one progress count over all of them. The database follows each of them first, so every demo
    article is scored under every pair loaded."""
    ids = _pair_ids(pair_ids, settings.data_dir)
    pages = [(pair_id, *read_html_files(demo_pages(demo_dir(pair_id, settings.data_dir)))) for pair_id in ids]
    total = sum(len(items) + len(failed) for _, items, failed in pages)
    with Store.open(settings.db, backfill=settings.watched_pair().id) as db:
        for pair_id in ids:
            db.follow(pair_id)
    report = IngestReport()
    for pair_id, items, failed in pages:
        done = report.total

        def step(n: int, _of: int, outcome: Outcome, before: int = done) -> None:
            if progress is not None:
                progress(before + n, total, outcome)

        if items or failed:
            part = ingest_html(items, replace(settings, pair=pair_id), failed=failed, progress=step, is_demo=True)
            for outcome in part.outcomes:
                report.add(outcome)
        with Store.open(settings.db, backfill=settings.watched_pair().id) as db:
            db.add_demo_events(pair_events(pair_id, settings.data_dir), pair=pair_id)
    return report


def _pair_ids(pair_ids: Sequence[str], data_dir: str) -> list[str]:
    """The ids asked for, "all" expanded, each once in order; a ValueError naming a pair that does not load."""
    from .scoring.actors import check_pair

    ids: list[str] = []
    for pair_id in pair_ids:
        for one in shipped_pairs() if pair_id == "all" else [pair_id]:
            if one in ids:
                continue
            if problem := check_pair(one, data_dir):
                raise ValueError(f"cannot load the demo of pair {one!r}: {problem}")
            ids.append(one)
    return ids


def remove_demo(settings: Settings) -> int:
    """Delete every demo article and demo key event (the user's own stay); returns how many articles were removed."""
    with Store.open(settings.db, create=False, backfill=settings.watched_pair().id) as db, db.transaction():
        db.delete_demo_events()
        return db.delete_demo_articles()


def pair_events(pair_id: str = DEFAULT_PAIR, data_dir: str = "") -> list[Event]:
    """The pair's key events (``pairs/<id>/events.toml``); an empty list when it has none."""
    found = pair_dir(pair_id, data_dir)
    return load_events(found / "events.toml") if found else []


def load_events(path: Path | None = None) -> list[Event]:
    """Key events from an events file (default: the default pair's); an empty list when it is absent."""
    path = path or DEMO_DIR.parent / "events.toml"
    if not path.exists():
        return []
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    events = []
    for item in data.get("events", []):
        when = item["date"] if isinstance(item["date"], date) else date.fromisoformat(str(item["date"]))
        events.append(Event(when, str(item["label"]), str(item.get("note", "")), str(item.get("link", ""))))
    return sorted(events, key=lambda e: e.date)
