"""Ingest saved HTML pages: read them (from disk or as uploads), then extract, score and store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from ..inputs import clean_field
from ..models import FetchFailure, Page, UrlRequest
from ..report import IngestReport, Outcome, Progress, finisher
from ..settings import Settings
from .bounded import run_bounded
from .extractor import Extractor, Result
from .save import open_store, record_input_failure, store_result


@dataclass(frozen=True)
class HtmlItem:
    """A saved HTML page: its name (file name or path) and bytes.

    ``from_disk`` is set by read_html_files alone: only a file read from disk is known by its path;
    anything else (an upload) is known by a digest of its content, whatever name the client sent.
    """

    name: str
    content: bytes
    from_disk: bool = False


def read_html_files(
    paths: Iterable[str | Path], max_bytes: int = Settings.max_bytes
) -> tuple[list[HtmlItem], list[Outcome]]:
    """Read saved pages from disk; unreadable files and files over ``max_bytes`` become failed outcomes.

    The size is checked before reading (and the read stops past the cap), so a huge file costs nothing.
    """
    items, failed = [], []
    for path in paths:
        p = Path(path)
        try:
            size = p.stat().st_size
            content = b""  # read only when small enough: a larger file is refused unread
            if size <= max_bytes:
                with p.open("rb") as handle:
                    content = handle.read(max_bytes + 1)  # the file may grow after stat
                size = max(size, len(content))
        except OSError as err:
            failed.append(Outcome(str(p), "failed", f"cannot read the file ({err.strerror or err})"))
            continue
        if size > max_bytes:
            failed.append(Outcome(str(p), "failed", _too_large(size, max_bytes)))
        else:
            items.append(HtmlItem(str(p.resolve()), content, from_disk=True))
    return items, failed


def read_uploads(
    uploads: Iterable[tuple[str, bytes]], max_bytes: int = Settings.max_bytes
) -> tuple[list[HtmlItem], list[Outcome]]:
    """Saved pages received as (file name, bytes), e.g. from the dashboard; pages over ``max_bytes``
    become failed outcomes that name the file and the limit."""
    items, failed = [], []
    for name, content in uploads:
        name = clean_field(name)
        if len(content) > max_bytes:
            failed.append(Outcome(name, "failed", _too_large(len(content), max_bytes)))
        else:
            items.append(HtmlItem(name, content))
    return items, failed


def _too_large(size: int, limit: int) -> str:
    return f"{size:,} bytes is larger than the {limit:,}-byte limit"


def extract_saved(item: HtmlItem, extractor: Extractor) -> Result:
    """Extract and score one saved page; its URL is the page's canonical link, else the file's own."""
    page = Page(url="", final_url="", status=200, content_type="text/html", body=item.content)
    result, scores = extractor.run(page, UrlRequest(""))
    if isinstance(result, FetchFailure):
        return FetchFailure(_file_url(item), result.reason, result.stage), ()
    if not result.canonical_url:
        url = _file_url(item)
        result = replace(result, url=url, canonical_url=url, final_url=url)
    else:
        result = replace(result, url=result.canonical_url, final_url=result.canonical_url)
    return result, scores


def ingest_html(
    items: Iterable[HtmlItem],
    settings: Settings,
    *,
    failed: Iterable[Outcome] = (),
    progress: Progress | None = None,
    is_demo: bool = False,
) -> IngestReport:
    """Extract, score and store saved HTML pages; the URL is the page's canonical link when present."""
    report = IngestReport()
    items = list(items)
    failed = list(failed)
    total = len(items) + len(failed)
    finish = finisher(report, total, progress)
    with open_store(settings) as db:  # closed whatever fails below, the worker pool's start included
        for outcome in failed:
            record_input_failure(db, outcome)
            finish(outcome)
        extractor = Extractor(settings, len(items), is_demo=is_demo, pairs=settings.scoring_pairs(db.pairs()))
        try:
            # two pages in flight per worker keep the workers busy; inline extraction takes one at a time
            in_flight = 1 if extractor.pool is None else extractor.workers * 2
            run_bounded(
                items,
                lambda item: extract_saved(item, extractor),
                in_flight,
                lambda item, res: finish(store_result(db, res[0].url, *res)),
            )
        finally:
            extractor.close()
    return report


def _file_url(item: HtmlItem) -> str:
    """A file's URL: its path for a file read from disk; for an upload, its base name under a digest
    of the content, so that two different uploads called index.html (or /a.html) are two articles."""
    if item.from_disk:
        return Path(item.name).resolve().as_uri()
    base = clean_field(item.name).replace("\\", "/").rsplit("/", 1)[-1] or "page.html"
    digest = hashlib.sha256(item.content).hexdigest()[:16]
    return f"file:///uploads/{digest}/{quote(base)}"
