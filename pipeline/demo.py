"""The bundled demo corpus (pipeline/data/demo/): illustrative articles written for this project, and the
key events of the relationship. Demo articles are marked in the database and removable in one go."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from .ingest import ingest_html, read_html_files
from .models import Event
from .report import IngestReport, Progress
from .resources import PACKAGE_DATA
from .settings import Settings
from .store import Store

DEMO_DIR = PACKAGE_DATA / "demo"
DEMO_LABEL = "demo data: illustrative articles written for this project"


def demo_pages(directory: Path = DEMO_DIR) -> list[Path]:
    """The demo's saved HTML pages, in a stable order."""
    return sorted((directory / "pages").glob("*.html"))


def load_demo(settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Ingest the demo pages and store the demo's key events, all marked as demo; loading twice adds nothing."""
    items, failed = read_html_files(demo_pages())
    report = ingest_html(items, settings, failed=failed, progress=progress, is_demo=True)
    with Store.open(settings.db) as db:
        db.add_demo_events(load_events())
    return report


def remove_demo(settings: Settings) -> int:
    """Delete every demo article and demo key event (the user's own stay); returns how many articles were removed."""
    with Store.open(settings.db, create=False) as db, db.transaction():
        db.delete_demo_events()
        return db.delete_demo_articles()


def load_events(path: Path | None = None) -> list[Event]:
    """Key events from pipeline/data/demo/events.toml (an empty list when the file is absent)."""
    path = path or DEMO_DIR / "events.toml"
    if not path.exists():
        return []
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    events = []
    for item in data.get("events", []):
        when = item["date"] if isinstance(item["date"], date) else date.fromisoformat(str(item["date"]))
        events.append(Event(when, str(item["label"]), str(item.get("note", "")), str(item.get("link", ""))))
    return sorted(events, key=lambda e: e.date)
