"""Ingest: URLs (or saved HTML) → fetch → extract → score → store, with bounded concurrency.

Small steps, each usable on its own: ``checks`` settles inputs that need no download, ``known``
drops URLs already stored, ``urls.fetch_and_store`` downloads, hands each page to ``extractor``
(process_page, inline or in worker processes) and stores the result through ``save``; ``urls`` and
``html`` compose them; ``pipeline.report`` holds what became of each input. Downloads run in a thread
pool (I/O bound); the main thread alone writes to the database, one committed transaction per
article, so a crash loses nothing stored before it and a rerun simply continues.

Names are loaded on first use, so ``from pipeline.ingest import IngestReport`` (the views, the
jobs) does not import trafilatura and the scorer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# What an ingest reports is plain data (pipeline.report): imported at once, it costs nothing.
from ..report import STATUS_LABELS, STATUSES, IngestReport, Outcome, Progress, finisher

if TYPE_CHECKING:
    from .checks import REPEAT_WINDOW, Candidate, RecentKeys, check_inputs, url_digest
    from .extractor import Extractor, process_page
    from .html import HtmlItem, extract_saved, ingest_html, read_html_files, read_uploads
    from .known import drop_known
    from .save import open_store, record_input_failure, store_result
    from .urls import CHUNK, fetch_and_store, ingest_urls

_MODULE_OF = {
    "REPEAT_WINDOW": "checks",
    "Candidate": "checks",
    "RecentKeys": "checks",
    "check_inputs": "checks",
    "url_digest": "checks",
    "Extractor": "extractor",
    "process_page": "extractor",
    "HtmlItem": "html",
    "extract_saved": "html",
    "ingest_html": "html",
    "read_html_files": "html",
    "read_uploads": "html",
    "drop_known": "known",
    "open_store": "save",
    "record_input_failure": "save",
    "store_result": "save",
    "CHUNK": "urls",
    "fetch_and_store": "urls",
    "ingest_urls": "urls",
}

__all__ = [
    "CHUNK",
    "REPEAT_WINDOW",
    "STATUSES",
    "STATUS_LABELS",
    "Candidate",
    "Extractor",
    "HtmlItem",
    "IngestReport",
    "Outcome",
    "Progress",
    "RecentKeys",
    "check_inputs",
    "drop_known",
    "extract_saved",
    "fetch_and_store",
    "finisher",
    "ingest_html",
    "ingest_urls",
    "open_store",
    "process_page",
    "read_html_files",
    "read_uploads",
    "record_input_failure",
    "store_result",
    "url_digest",
]


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # found directly next time
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
