"""Bytes to text for HTML pages: a byte-order mark, then the header charset, then the page's own meta
charset, then UTF-8, then a guess that tells the Cyrillic code pages (windows-1251, KOI8-R) apart.

A declared charset is not taken on trust when it turns the page into mojibake: bytes that are valid
UTF-8 with multi-byte letters are UTF-8 whatever the header says (iso-8859-1 is a common server
default), and Cyrillic made of rare letters is a code page read as another. ``decode_page`` says in
words why it did not use a declaration.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

logger = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CYRILLIC_PAGES = ("cp1251", "koi8_r")
_LOWER_RU = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_UNICODE = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
_COMMON_CYRILLIC = frozenset("оеаинтсрвл")  # the commonest letters of Russian, most of them Ukrainian's too
_MIN_CYRILLIC = 20  # letters needed before their mix says anything
# Share of those letters among all Cyrillic ones: 0.6-0.8 when read right, under 0.3 when one code page
# is read as another (which swaps case too, but so does a page in capitals: the mix does not).
_MIN_COMMON_SHARE = 0.45


@dataclass(frozen=True)
class Decoded:
    """A decoded page: the text, the codec that produced it, and why a declared charset was not used
    (or why the text may be wrong), in words; ``note`` is "" when nothing needs saying."""

    text: str
    encoding: str
    note: str = ""


# Codecs that are not a text encoding of a web page (or that raise on any input): a page declaring
# one is read as if it had declared nothing.
_NOT_PAGE_CODECS = frozenset({"undefined", "idna", "punycode", "raw_unicode_escape", "unicode_escape", "mbcs"})


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower())
    except (LookupError, ValueError, TypeError) as err:  # unknown, or a name with a NUL in it
        logger.debug("charset %r is not a known codec (%s): treated as not declared", name, err)
        return None
    return None if codec.name in _NOT_PAGE_CODECS or not getattr(codec, "_is_text_encoding", True) else codec.name


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeError, LookupError, ValueError, TypeError) as err:
        logger.debug("the body is not valid %s (%s)", encoding, err)
        return None


def _lowercase_share(text: str) -> float:
    # Cyrillic prose is mostly lowercase; KOI8-R read as windows-1251 (or the reverse) swaps case.
    letters = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    if not letters:
        return 0.0
    return sum(ch in _LOWER_RU for ch in letters) / len(letters)


def _cyrillic_mix(text: str) -> float | None:
    """Share of the commonest letters among the Cyrillic ones; None with too few to tell."""
    letters = [ch for ch in text[:20000].lower() if "\u0400" <= ch <= "\u04ff"]
    if len(letters) < _MIN_CYRILLIC:
        return None
    return sum(ch in _COMMON_CYRILLIC for ch in letters) / len(letters)


_UTF8 = "the bytes are UTF-8"


def _mojibake(body: bytes, encoding: str, text: str) -> str:
    """Why ``text`` (``body`` read as ``encoding``) looks mis-decoded, or "" when it does not."""
    if encoding in _UNICODE or body.isascii():
        return ""
    if _strict(body, "utf-8") not in (None, text):
        return _UTF8
    mix = _cyrillic_mix(text)
    if mix is not None and mix < _MIN_COMMON_SHARE:
        return "its Cyrillic letters are not the usual mix"
    return ""


def _cleaner(body: bytes, other: Decoded, why: str) -> bool:
    """Is ``other`` a clean reading where the declared one was mojibake for reason ``why``? For
    Cyrillic, only a Cyrillic reading with the usual mix is: a Latin guess is no better."""
    if _mojibake(body, other.encoding, other.text):
        return False
    if why == _UTF8:
        return other.encoding == "utf-8"
    mix = _cyrillic_mix(other.text)
    return mix is not None and mix >= _MIN_COMMON_SHARE


def _undeclared(body: bytes) -> Decoded:
    """UTF-8, then the Cyrillic code pages by their case pattern, then charset_normalizer's guess."""
    if (text := _strict(body, "utf-8")) is not None:
        return Decoded(text, "utf-8")
    sample = body[:20000] if len(body) > 20000 else body
    cyrillic = {enc: sample.decode(enc, errors="replace") for enc in _CYRILLIC_PAGES}
    best_cyrillic = max(cyrillic, key=lambda enc: _lowercase_share(cyrillic[enc]))
    if _lowercase_share(cyrillic[best_cyrillic]) > 0.6 and _looks_cyrillic(sample):
        return Decoded(body.decode(best_cyrillic, errors="replace"), _codec(best_cyrillic) or best_cyrillic)
    guess = from_bytes(sample).best()
    if guess is not None and (text := _strict(body, guess.encoding)) is not None:
        return Decoded(text, _codec(guess.encoding) or guess.encoding)
    return Decoded(body.decode("cp1252", errors="replace"), "cp1252", "no charset fits the bytes; some were replaced")


def decode_page(body: bytes, header_charset: str | None = None) -> Decoded:
    """Decode an HTML page; never raises (undecodable bytes become U+FFFD as a last resort)."""
    if body.startswith(codecs.BOM_UTF8):
        return Decoded(body[3:].decode("utf-8", errors="replace"), "utf-8")
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(body.decode("utf-16", errors="replace"), "utf-16")
    meta = _META_CHARSET.search(body[:8192])
    declared = [("header", header_charset), ("meta", meta.group(1).decode("ascii", "ignore") if meta else None)]
    notes: list[str] = []
    suspect: Decoded | None = None  # a declared reading that looked mis-decoded, kept if nothing is better
    suspect_why = ""
    for where, name in declared:
        if not name:
            continue
        encoding = _codec(name)
        text = _strict(body, encoding)
        if encoding is None:
            notes.append(f"the {where} charset {name!r} is unknown")
        elif text is None:
            notes.append(f"the {where} charset {name!r} does not fit the bytes")
        elif why := _mojibake(body, encoding, text):
            notes.append(f"the {where} charset {name!r} gives mojibake ({why})")
            if suspect is None:
                suspect, suspect_why = Decoded(text, encoding), why
        else:
            return Decoded(text, encoding, "; ".join(notes))
    fallback = _undeclared(body)
    if suspect is not None and not _cleaner(body, fallback, suspect_why):
        notes.append("no other reading was cleaner, so it was kept")
        return Decoded(suspect.text, suspect.encoding, "; ".join(notes))
    if notes:
        notes.append(f"read as {fallback.encoding}")
    return Decoded(fallback.text, fallback.encoding, "; ".join(filter(None, [*notes, fallback.note])))


def decode_html(body: bytes, header_charset: str | None = None) -> str:
    """Decode an HTML page to text; never raises (undecodable bytes become U+FFFD as a last resort)."""
    return decode_page(body, header_charset).text


def _looks_cyrillic(sample: bytes) -> bool:
    high = sum(b >= 0xC0 for b in sample)
    return high > 0.3 * sum(b >= 0x80 for b in sample) and high > 20
