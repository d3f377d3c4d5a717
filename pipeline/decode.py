"""Bytes to text for HTML pages: header charset, then the page's own meta charset, then UTF-8,
then a guess that tells the Cyrillic code pages (windows-1251, KOI8-R) apart reliably."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CYRILLIC_PAGES = ("cp1251", "koi8_r")
_LOWER_RU = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _lowercase_share(text: str) -> float:
    # Russian prose is mostly lowercase; KOI8-R read as windows-1251 (or the reverse) swaps case.
    letters = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    if not letters:
        return 0.0
    return sum(ch in _LOWER_RU for ch in letters) / len(letters)


def decode_html(body: bytes, header_charset: str | None = None) -> str:
    """Decode an HTML page to text; never raises (undecodable bytes become U+FFFD as a last resort)."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", errors="replace")
    declared = [_codec(header_charset)]
    meta = _META_CHARSET.search(body[:8192])
    declared.append(_codec(meta.group(1).decode("ascii", "ignore")) if meta else None)
    for encoding in declared:
        # A page that lies about its charset fails strict decoding and falls through to guessing.
        if encoding and (text := _strict(body, encoding)) is not None:
            return text
    if (text := _strict(body, "utf-8")) is not None:
        return text
    sample = body[:20000] if len(body) > 20000 else body
    cyrillic = {enc: sample.decode(enc, errors="replace") for enc in _CYRILLIC_PAGES}
    best_cyrillic = max(cyrillic, key=lambda enc: _lowercase_share(cyrillic[enc]))
    if _lowercase_share(cyrillic[best_cyrillic]) > 0.6 and _looks_cyrillic(sample):
        return body.decode(best_cyrillic, errors="replace")
    guess = from_bytes(sample).best()
    if guess is not None and (text := _strict(body, guess.encoding)) is not None:
        return text
    return body.decode("cp1252", errors="replace")


def _looks_cyrillic(sample: bytes) -> bool:
    high = sum(b >= 0xC0 for b in sample)
    return high > 0.3 * sum(b >= 0x80 for b in sample) and high > 20
