"""Page metadata that the time series needs: title, publication date, site name, canonical link.

Read straight from the parsed page (meta tags, JSON-LD dates through htmldate) before trafilatura
prunes it. trafilatura's own metadata pass also hunts for authors, categories and licences, which
we do not use and which cost a fifth of the extraction time.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from htmldate import find_date
from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

_TITLE_SEPARATORS = re.compile(r"\s+[|–—·:»]\s+|\s+-\s+")


@dataclass(frozen=True)
class PageMetadata:
    title: str
    date: date | None
    site_name: str
    canonical: str | None


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """The page's <meta> values by property / name / itemprop (first non-empty wins), in one pass."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = " ".join((element.get("content") or "").split())
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (element.get(attr) or "").strip().lower()
            if key and key not in found:
                found[key] = content
    return found


def _meta(tags: dict[str, str], *names: str) -> str:
    return next((tags[name] for name in names if tags.get(name)), "")


def _clean(text: str) -> str:
    return " ".join(text.split())


def _title(tree: HtmlElement, tags: dict[str, str], site_name: str) -> str:
    title = _meta(tags, "og:title", "twitter:title")
    if title:
        return title
    headings = [_clean(h.text_content()) for h in tree.xpath("//h1")]
    headings = [h for h in headings if h]
    head_title = _clean(" ".join(tree.xpath("//head/title//text()")))
    if head_title:
        # "Story title | Site" and "Site - Story title": keep the part that is not the site's name,
        # preferring one that matches a heading on the page.
        parts = [p for p in _TITLE_SEPARATORS.split(head_title) if p]
        for part in parts:
            if part in headings:
                return part
        candidates = [p for p in parts if site_name.lower() not in p.lower()] if site_name else parts
        if candidates:
            return max(candidates, key=len) if len(parts) > 1 else head_title
    return headings[0] if len(headings) == 1 else head_title


def page_metadata(tree: HtmlElement, page_url: str | None = None) -> PageMetadata:
    """Title, publication date, site name and canonical link of a page.

    The date comes from what the page states in a machine-readable way (meta tags, JSON-LD, <time>
    elements, date-bearing URLs, dated elements in the markup). htmldate's "extensive" search of the
    free text is not used: it turns "© 2024" into 1 January 2024, and loading its date parser costs
    seconds per process. A page that states no date is stored undated, never dated with today.
    """
    tags = _meta_tags(tree)
    site_name = _meta(tags, "og:site_name", "application-name")
    canonical = next((str(h).strip() for h in tree.xpath('//link[@rel="canonical"]/@href') if str(h).strip()), None)
    canonical = canonical or _meta(tags, "og:url") or None
    try:
        found = find_date(tree, url=canonical or page_url, extensive_search=False, original_date=True)
    except (ValueError, TypeError) as err:
        logger.debug("%s: htmldate failed (%s): the page is stored undated", page_url, err)
        found = None
    try:
        published = date.fromisoformat(found) if found else None
    except ValueError:
        logger.debug("%s: date %r is not an ISO date: the page is stored undated", page_url, found)
        published = None
    # Without a declared site name, the host of the page's own canonical link names the site better
    # than the host it was fetched from (which may be a mirror, a proxy or a bare IP address).
    title = _title(tree, tags, site_name)
    return PageMetadata(title, published, site_name or _host(canonical), canonical)


def _host(url: str | None) -> str:
    """The host name of an absolute http(s) link ("" for a relative or other link), without "www."."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError as err:
        logger.debug("canonical link %r is not a URL (%s): no host taken from it", url, err)
        return ""
    if parts.scheme.lower() not in ("http", "https", ""):
        return ""
    return host.removeprefix("www.")
