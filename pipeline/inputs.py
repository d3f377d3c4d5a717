"""Reading the user's URL lists: .txt (one URL a line) or .csv (a `url` column, optional `date`, `source`)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .models import UrlRequest

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ")


class InputError(ValueError):
    """The input as a whole cannot be used (unreadable file, no url column); nothing was stored."""


@dataclass(frozen=True)
class BadRow:
    """A row that names a URL but cannot be used as given (it becomes a failure with this reason)."""

    url: str
    reason: str


def parse_date(value: str) -> date | None:
    """A user-given date (ISO 8601 preferred); None for an empty cell; ValueError when malformed."""
    value = value.strip()
    if not value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"invalid date {value!r} (use YYYY-MM-DD)")


def read_url_text(content: str | bytes, name: str) -> tuple[list[UrlRequest], list[BadRow]]:
    """Parse a URL list given as text; ``name`` (a file name) chooses the format and appears in messages."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputError(f"{name}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    if name.lower().endswith(".csv"):
        return _read_csv(content, name)
    if not name.lower().endswith((".txt", ".list", ".urls")) and _looks_like_csv(content):
        return _read_csv(content, name)
    requests = []
    for number, line in enumerate(content.splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        requests.append(UrlRequest(url=text, line=number))
    return requests, []


def read_url_file(path: str | Path) -> tuple[list[UrlRequest], list[BadRow]]:
    """Read a .txt or .csv URL list from disk (see read_url_text)."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read the file ({err.strerror or err})") from None
    return read_url_text(content, path.name)


def _looks_like_csv(content: str) -> bool:
    first = next((line for line in content.splitlines() if line.strip()), "")
    return bool(re.match(r"^\s*\"?url\"?\s*[,;\t]", first, re.IGNORECASE))


def _read_csv(content: str, name: str) -> tuple[list[UrlRequest], list[BadRow]]:
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(content), dialect=dialect)
    columns = {(c or "").strip().lower(): c for c in (reader.fieldnames or [])}
    if "url" not in columns:
        shown = ", ".join(repr(c) for c in reader.fieldnames or []) or "none"
        raise InputError(f"{name}: no 'url' column (columns found: {shown})")
    requests: list[UrlRequest] = []
    bad: list[BadRow] = []
    for row in reader:
        line = reader.line_num
        url = (row.get(columns["url"]) or "").strip()
        if not url or url.startswith("#"):
            continue
        source = (row.get(columns["source"]) or "").strip() if "source" in columns else ""
        try:
            when = parse_date(row.get(columns["date"]) or "") if "date" in columns else None
        except ValueError as err:
            bad.append(BadRow(url, f"{err} in {name} line {line}"))
            continue
        requests.append(UrlRequest(url=url, date=when, source=source or None, line=line))
    return requests, bad
