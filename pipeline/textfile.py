"""Reading a single text or HTML file for `python -m pipeline score FILE`."""

from __future__ import annotations

from pathlib import Path

from .decode import decode_html
from .extract import extract_article
from .models import FetchFailure

MAX_FILE_BYTES = 20_000_000


def read_scorable(path: str | Path) -> tuple[str, str]:
    """(title, text) of a file: HTML pages go through extraction, anything else is read as text.

    Raises OSError when the file cannot be read and ValueError when it holds nothing to score.
    """
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"{p}: is a directory, not a file")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"{p}: {size:,} bytes is larger than the {MAX_FILE_BYTES:,}-byte limit")
    raw = p.read_bytes()
    head = raw[:2048].lstrip().lower()
    if p.suffix.lower() in (".html", ".htm", ".xhtml") or head.startswith((b"<!doctype html", b"<html")):
        article = extract_article(raw, p.resolve().as_uri())
        if isinstance(article, FetchFailure):
            raise ValueError(f"{p}: {article.reason}")
        return article.title, article.text
    text = decode_html(raw)  # the same charset detection as pages: UTF-8, then Cyrillic code pages
    if not text.strip():
        raise ValueError(f"{p}: the file is empty")
    return "", text
