"""Read a feed or sitemap from bytes already fetched: RSS 2.0, RSS 1.0 (RDF), Atom, JSON Feed, sitemap,
sitemap index, Google News sitemap, gzipped or not. No network here: the watcher fetches (through the
guarded fetcher) and hands the bytes over."""

from __future__ import annotations

import email.utils
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin

from lxml import etree

GZIP_MAGIC = b"\x1f\x8b"
_BARE_AMPERSAND = re.compile(rb"&(?!#?\w+;)")
#: Root elements of the documents we read, looked for at the start of a body that does not parse.
_LISTING_ROOTS = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|urlset|sitemapindex|rdf)[\s>]", re.IGNORECASE)
#: Entries read from one document: a feed of 5,000 items is read whole, a runaway one is cut here.
MAX_ENTRIES = 50_000


class ListingError(ValueError):
    """The bytes are not a feed or sitemap we can read; the message says why, in words."""


@dataclass(frozen=True)
class Entry:
    """A link a feed or sitemap lists, with the date it gives (None when it gives none)."""

    url: str
    published: date | None = None


@dataclass(frozen=True)
class Listing:
    """A parsed feed or sitemap: its kind, title, listed links, and (for an index) child sitemaps."""

    kind: str  # "feed", "sitemap" or "index"
    title: str = ""
    entries: list[Entry] = field(default_factory=list)
    children: list[Entry] = field(default_factory=list)  # child sitemaps of an index, newest first


def gunzip(body: bytes, limit: int) -> bytes:
    """The bytes of a gzipped document, refusing more than ``limit`` of them (a gzip bomb stops there)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as err:
        raise ListingError(f"a gzip file that cannot be read ({err})") from None
    if len(out) > limit:
        raise ListingError(f"more than {limit:,} bytes once unzipped (limit {limit:,})")
    return out


def looks_like_listing(body: bytes) -> bool:
    """Whether ``body`` is meant as a feed or sitemap (gzip, JSON, or one of their roots near the
    start), even when it does not parse: a broken feed is reported as broken, not searched for feeds."""
    start = body[:2000].lstrip()
    return start.startswith((GZIP_MAGIC, b"{", b"\xef\xbb\xbf{")) or bool(_LISTING_ROOTS.search(start))


def parse_listing(body: bytes, base_url: str, *, limit: int = 10_000_000) -> Listing:
    """Read ``body`` (fetched from ``base_url``) as a feed or sitemap; ListingError says why it is not."""
    if body.startswith(GZIP_MAGIC):
        body = gunzip(body, limit)
    text = body.lstrip()
    if text.startswith((b"{", b"\xef\xbb\xbf{")):
        return _json_feed(text, base_url)
    if not text:
        raise ListingError("empty document")
    root = _xml_root(text)
    name = _local(root)
    if name == "rss" or name == "RDF":
        return _rss(root, base_url)
    if name == "feed":
        return _atom(root, base_url)
    if name == "urlset":
        return Listing("sitemap", "", _sitemap_entries(root, base_url, "url"))
    if name == "sitemapindex":
        children = sorted(_sitemap_entries(root, base_url, "sitemap"), key=_newest_first)
        return Listing("index", "", children=children)
    if name == "html":
        raise ListingError("a web page, not a feed or sitemap")
    raise ListingError(f"not a feed or sitemap (its XML root is <{name}>)")


def _xml_root(text: bytes) -> etree._Element:
    # No entities resolved and no network: a feed cannot read local files or expand a billion laughs.
    strict = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(text, strict)
    except etree.XMLSyntaxError as err:
        problem = err
    # The commonest breakage in the wild is a bare "&" in a title or URL: escape those and try once
    # more. Anything else broken (a truncated download) is refused rather than half read.
    try:
        return etree.fromstring(_BARE_AMPERSAND.sub(b"&amp;", text), strict)
    except etree.XMLSyntaxError:
        if b"<html" in text[:500].lower():
            raise ListingError("a web page, not a feed or sitemap") from None
        raise ListingError(f"malformed XML ({problem.msg}, line {problem.lineno})") from None


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _text(element: etree._Element, *names: str) -> str:
    for name in names:
        for child in _children(element, name):
            if child.text and child.text.strip():
                return child.text.strip()
    return ""


def _rss(root: etree._Element, base: str) -> Listing:
    channel = next(iter(_children(root, "channel")), root)
    items = [el for el in root.iter() if _local(el) == "item"][:MAX_ENTRIES]
    entries = []
    for item in items:
        link = _text(item, "link")
        if not link:  # RSS 2.0 allows an item whose only address is a permalink guid
            guids = [g for g in _children(item, "guid") if g.get("isPermaLink", "true").lower() != "false"]
            link = (guids[0].text or "").strip() if guids else ""
        if link:
            entries.append(Entry(urljoin(base, link), _date(_text(item, "pubDate", "date", "published"))))
    return Listing("feed", _text(channel, "title"), entries)


def _atom(root: etree._Element, base: str) -> Listing:
    entries = []
    for entry in _children(root, "entry")[:MAX_ENTRIES]:
        links = [a for a in _children(entry, "link") if a.get("rel", "alternate") == "alternate" and a.get("href")]
        if links:
            published = _date(_text(entry, "published", "updated"))
            entries.append(Entry(urljoin(base, links[0].get("href", "").strip()), published))
    return Listing("feed", _text(root, "title"), entries)


def _sitemap_entries(root: etree._Element, base: str, item: str) -> list[Entry]:
    entries = []
    for element in _children(root, item)[:MAX_ENTRIES]:
        loc = _text(element, "loc")
        if not loc:
            continue
        # A Google News sitemap dates each piece in <news:news><news:publication_date>.
        news = next((n for n in element.iter() if _local(n) == "news"), None)
        published = _date(_text(news, "publication_date")) if news is not None else None
        entries.append(Entry(urljoin(base, loc), published or _date(_text(element, "lastmod"))))
    return entries


def _json_feed(text: bytes, base: str) -> Listing:
    try:
        data = json.loads(text.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise ListingError(f"malformed JSON ({err})") from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ListingError("JSON without an items list (not a JSON Feed)")
    entries = []
    for item in items[:MAX_ENTRIES]:
        if isinstance(item, dict) and isinstance(item.get("url"), str) and item["url"].strip():
            published = item.get("date_published")
            entries.append(
                Entry(urljoin(base, item["url"].strip()), _date(published if isinstance(published, str) else ""))
            )
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    return Listing("feed", title, entries)


def _date(value: str) -> date | None:
    """A feed's date: ISO 8601 (Atom, sitemaps, dc:date) or RFC 822 (RSS pubDate); None when unreadable."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def _newest_first(entry: Entry) -> tuple[bool, int]:
    return entry.published is None, -(entry.published or datetime.min.date()).toordinal()
