"""What the Add articles page shows and checks, as plain functions: the ingest report as a table, and
why a paste or an upload is too large to take (the dashboard's own caps, docs/settings.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from .report import STATUS_LABELS, IngestReport
from .settings import Settings


def outcomes_frame(report: IngestReport) -> pl.DataFrame:
    """The ingest report as a table: input, result (stored / already present / ...), detail, title."""
    return pl.DataFrame(
        {
            "input": [o.url for o in report.outcomes],
            "result": [STATUS_LABELS.get(o.status, o.status) for o in report.outcomes],
            "detail": [o.detail for o in report.outcomes],
            "title": [o.title for o in report.outcomes],
        },
        schema={"input": pl.String, "result": pl.String, "detail": pl.String, "title": pl.String},
    )


def pasted_urls(text: str) -> str:
    """Pasted text as a URL list: one URL a line (spaces and commas also separate URLs)."""
    return "\n".join(token for token in re.split(r"[\s,]+", text) if token)


def _over(holder: str, found: int, unit: str, limit: int, setting: str) -> str | None:
    if found <= limit:
        return None
    return f"Nothing was stored. {holder} {found:,} {unit}; the limit is {limit:,} (setting {setting})."


def paste_problem(urls: str, settings: Settings) -> str | None:
    """Why the paste box (as ``pasted_urls`` gives it) is too large to fetch, or None."""
    holder = "The paste box holds"
    count = _over(holder, len(urls.splitlines()), "URLs", settings.max_paste_urls, "BAROMETER_MAX_PASTE_URLS")
    size = _over(holder, len(urls.encode()), "bytes", settings.max_upload_bytes, "BAROMETER_MAX_UPLOAD_BYTES")
    return count or size


def url_list_problem(name: str, size: int, urls: int | None, settings: Settings) -> str | None:
    """Why an uploaded URL list (``size`` bytes; ``urls`` once read) is too large to fetch, or None."""
    if problem := _over(f"{name} holds", size, "bytes", settings.max_upload_bytes, "BAROMETER_MAX_UPLOAD_BYTES"):
        return problem
    if urls is None:
        return None
    return _over(f"{name} lists", urls, "URLs", settings.max_list_urls, "BAROMETER_MAX_LIST_URLS")


def saved_pages_problem(sizes: Sequence[int], settings: Settings) -> str | None:
    """Why one upload of saved pages (their sizes in bytes) is too large to store, or None."""
    holder = "The upload holds"
    count = _over(holder, len(sizes), "saved pages", settings.max_upload_files, "BAROMETER_MAX_UPLOAD_FILES")
    size = _over(holder, sum(sizes), "bytes of saved pages", settings.max_upload_bytes, "BAROMETER_MAX_UPLOAD_BYTES")
    return count or size
