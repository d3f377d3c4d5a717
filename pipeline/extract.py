"""From HTML to an Article: trafilatura for text, title, date and site name; our language detection,
canonical URL and fingerprint. A pure function of its inputs (no I/O), so it can run in worker processes."""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urlsplit

import trafilatura
from htmldate import find_date

from .decode import decode_html
from .dedupe import canonicalize_url, fingerprint
from .fetch import check_web_url
from .language import detect_language
from .models import Article, FetchFailure

MIN_TEXT_CHARS = 80  # shorter "articles" are navigation stubs, consent walls or error pages

# trafilatura logs every page it finds no text in; the failure row says it for us.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def extract_article(
    html: str | bytes,
    url: str,
    *,
    charset: str | None = None,
    final_url: str = "",
    user_date: date | None = None,
    user_source: str | None = None,
    is_demo: bool = False,
) -> Article | FetchFailure:
    """Extract an article from a page; a FetchFailure (stage "extract") says why when there is none.

    A date or source given by the user wins over the page's. The date is the page's publication date,
    or None when it cannot be found: never the fetch date.
    """
    try:
        text_html = html if isinstance(html, str) else decode_html(html, charset)
        doc = trafilatura.bare_extraction(
            text_html,
            url=final_url or url or None,
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, RecursionError, MemoryError) as err:  # broken markup deep in lxml
        return FetchFailure(url, f"could not parse the page ({type(err).__name__})", stage="extract")
    text = (doc.text or "").strip() if doc is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        return FetchFailure(url, "no article text found", stage="extract")
    title = " ".join((doc.title or "").split())
    page_url = final_url or url
    published, origin = _published(doc.date, user_date, text_html)
    language, _ = detect_language(f"{title}\n{text}")
    return Article(
        url=url,
        canonical_url=_canonical(page_url, doc.url),
        title=title,
        text=text,
        published=published,
        source=(user_source or "").strip() or _source(doc.sitename, page_url),
        language=language,
        fingerprint=fingerprint(text),
        date_origin=origin,
        final_url=page_url,
        is_demo=is_demo,
    )


def _published(found: str | None, user_date: date | None, html: str) -> tuple[date | None, str | None]:
    if user_date is not None:
        return user_date, "user"
    if found:
        return _iso_date(found), "page"
    # Not in the metadata: search the text too, but htmldate's extensive search turns a bare year
    # ("© 2024") into January 1st. That is a guess, not a publication date; it would pile undated
    # pages onto the first week of a year, so it is dropped.
    try:
        guess = find_date(html, extensive_search=True, original_date=True, max_date=date.today().isoformat())
    except (ValueError, TypeError):
        guess = None
    value = _iso_date(guess)
    if value is None or (value.month == 1 and value.day == 1):
        return None, None
    return value, "page"


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _canonical(page_url: str, declared: str | None) -> str:
    """The page's own canonical link when it is a plausible article URL, else the fetched URL."""
    if declared and check_web_url(declared) is None:
        declared_path = urlsplit(declared).path.strip("/")
        page_path = urlsplit(page_url).path.strip("/") if page_url else ""
        # Some sites declare their home page canonical for every article; that would merge them all.
        if declared_path or not page_path:
            return canonicalize_url(declared)
    return canonicalize_url(page_url) if page_url else ""


def _source(sitename: str | None, page_url: str) -> str:
    name = " ".join((sitename or "").split())
    if name:
        return name
    host = (urlsplit(page_url).hostname or "").lower() if page_url else ""
    return host.removeprefix("www.")
