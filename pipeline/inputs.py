"""Reading the user's URL lists: .txt (one URL a line) or .csv (a `url` column, optional `date`, `source`).

A list given as text (a paste, an upload) is parsed whole and capped (``MAX_LIST_BYTES``,
``MAX_LIST_URLS``); a list file named on the command line is streamed row by row, so a list of a
million lines starts its first download at once and takes no more memory than a short one.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .models import UrlRequest

logger = logging.getLogger(__name__)

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ")
#: Largest URL list accepted as text (a paste or an uploaded file), in bytes.
MAX_LIST_BYTES = 5_000_000
#: Most URLs in one list given as text; longer lists go through `python -m pipeline ingest --from FILE`.
MAX_LIST_URLS = 10_000
_SNIFF_CHARS = 4096
_LINE_BREAKS = re.compile(r"[\t\n\r\v\f\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_EDGE_INVISIBLES = " \t\ufeff\u200b\u200c\u200d\u2060\u00ad\u00a0\u180e\u202f\u3000"


class InputError(ValueError):
    """The input as a whole cannot be used (unreadable file, no url column); nothing was stored."""


@dataclass(frozen=True)
class BadRow:
    """A row that names a URL but cannot be used as given (it becomes a failure with this reason)."""

    url: str
    reason: str


def clean_field(value: str) -> str:
    """A one-line text field (URL, title, source, file name) without control characters.

    Line breaks and tabs become one space, other C0/C1 controls (NUL, ESC, …) are dropped, and
    spaces and invisible format characters (BOM, zero-width space, soft hyphen) at either end go:
    none of them belongs in a one-line field, and a NUL or BOM in front hides a formula from checks.
    """
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value)).strip(_EDGE_INVISIBLES)


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


def read_url_text(
    content: str | bytes,
    name: str,
    *,
    max_bytes: int = MAX_LIST_BYTES,
    max_urls: int = MAX_LIST_URLS,
    limit_setting: str = "",
) -> tuple[list[UrlRequest], list[BadRow]]:
    """Parse a URL list given as text; ``name`` (a file name) chooses the format and appears in messages.

    Raises InputError when the list is larger than ``max_bytes`` or names more than ``max_urls`` URLs
    (``limit_setting``, when given, names the setting that sets that limit in the message).
    """
    size = len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise InputError(f"{name}: {size:,} bytes is larger than the {max_bytes:,}-byte limit for a URL list")
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputError(f"{name}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    requests: list[UrlRequest] = []
    bad: list[BadRow] = []
    for row in _rows(io.StringIO(content.removeprefix("\ufeff"), newline=""), content[:_SNIFF_CHARS], name):
        if len(requests) + len(bad) >= max_urls:
            setting = f", setting {limit_setting}" if limit_setting else ""
            raise InputError(
                f"{name}: more than {max_urls:,} URLs (the limit for one list here{setting}; split it, or run "
                "`python -m pipeline ingest --from FILE`, which reads a list of any length)"
            )
        if isinstance(row, UrlRequest):
            requests.append(row)
        else:
            bad.append(row)
    return requests, bad


def stream_url_file(path: str | Path) -> Iterator[UrlRequest | BadRow]:
    """The rows of a .txt or .csv URL list on disk, read lazily (no length limit, constant memory).

    The whole file is checked first (UTF-8, a `url` column), so InputError comes before any row.
    """
    path = Path(path)
    try:
        _check_utf8(path)
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as err:
        raise InputError(f"{path}: cannot read the file ({err.strerror or err})") from None
    try:
        head = handle.read(_SNIFF_CHARS)
        handle.seek(0)
        rows = _rows(handle, head, path.name)
        first = next(rows, None)  # a CSV's header is read here: a missing url column fails now
    except BaseException:
        handle.close()
        raise
    return _closing(handle, first, rows)


def read_url_file(path: str | Path) -> tuple[list[UrlRequest], list[BadRow]]:
    """Read a whole .txt or .csv URL list from disk into lists (see stream_url_file)."""
    requests: list[UrlRequest] = []
    bad: list[BadRow] = []
    for row in stream_url_file(path):
        if isinstance(row, UrlRequest):
            requests.append(row)
        else:
            bad.append(row)
    return requests, bad


def _closing(
    handle: io.TextIOBase, first: UrlRequest | BadRow | None, rows: Iterator[UrlRequest | BadRow]
) -> Iterator[UrlRequest | BadRow]:
    with handle:
        if first is None:
            return
        yield first
        yield from rows


def _check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8, in one pass of 1 MB reads (nothing is stored from it then)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as raw:
        while True:
            chunk = raw.read(1 << 20)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                at = offset - pending + err.start
                raise InputError(f"{path.name}: not UTF-8 text ({err.reason} at byte {at})") from None
            if not chunk:
                return
            offset += len(chunk)


def _rows(lines: Iterable[str], head: str, name: str) -> Iterator[UrlRequest | BadRow]:
    if name.lower().endswith(".csv") or (
        not name.lower().endswith((".txt", ".list", ".urls")) and _looks_like_csv(head)
    ):
        return _csv_rows(lines, head, name)
    return _text_rows(lines)


def _text_rows(lines: Iterable[str]) -> Iterator[UrlRequest]:
    for number, line in enumerate(lines, start=1):
        text = clean_field(line)
        if text and not text.startswith("#"):
            yield UrlRequest(url=text, line=number)


def _looks_like_csv(head: str) -> bool:
    first = next((line for line in head.splitlines() if line.strip()), "")
    return bool(re.match(r"^\s*\"?url\"?\s*[,;\t]", first, re.IGNORECASE))


def _csv_rows(lines: Iterable[str], head: str, name: str) -> Iterator[UrlRequest | BadRow]:
    try:
        dialect = csv.Sniffer().sniff(head, delimiters=",;\t")
    except csv.Error as err:
        logger.debug("%s: no CSV dialect recognised (%s), read as comma-separated", name, err)
        dialect = csv.excel
    reader = csv.DictReader(lines, dialect=dialect)
    columns = {clean_field(c or "").lower(): c for c in (reader.fieldnames or [])}
    if "url" not in columns:
        shown = ", ".join(repr(c) for c in reader.fieldnames or []) or "none"
        raise InputError(f"{name}: no 'url' column (columns found: {shown})")
    return _csv_records(reader, columns, name)


def _csv_records(reader: csv.DictReader[str], columns: dict[str, str], name: str) -> Iterator[UrlRequest | BadRow]:
    try:
        yield from _csv_requests(reader, columns, name)
    except csv.Error as err:  # e.g. an unclosed quote swallowing the rest of a streamed file
        raise InputError(
            f"{name} line {reader.line_num + 1}: not a readable CSV row ({err}); the rows before it were read"
        ) from None


def _csv_requests(reader: csv.DictReader[str], columns: dict[str, str], name: str) -> Iterator[UrlRequest | BadRow]:
    for row in reader:
        line = reader.line_num
        url = clean_field(row.get(columns["url"]) or "")
        if not url or url.startswith("#"):
            continue
        source = clean_field(row.get(columns["source"]) or "") if "source" in columns else ""
        try:
            when = parse_date(row.get(columns["date"]) or "") if "date" in columns else None
        except ValueError as err:
            yield BadRow(url, f"{err} in {name} line {line}")
            continue
        yield UrlRequest(url=url, date=when, source=source or None, line=line)
