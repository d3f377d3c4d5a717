"""From HTML to an Article: trafilatura for text, title, date and site name; our language detection,
canonical URL and fingerprint. A pure function of its inputs (no I/O), so it can run in worker processes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from copy import deepcopy
from datetime import date
from urllib.parse import urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html

from .decode import decode_page
from .dedupe import canonicalize_url, fingerprint
from .fetch import check_web_url
from .inputs import clean_field
from .metadata import page_metadata
from .models import Article, FetchFailure
from .scoring.language import detect_language

logger = logging.getLogger(__name__)

MIN_TEXT_CHARS = 80  # shorter "articles" are navigation stubs, consent walls or error pages
FULL_EXTRACTION_BELOW = 500  # characters: below this, trafilatura's fallback extractors also run
# Text pieces inside <p> (text runs between tags) handed to one trafilatura pass. Its main extractor
# collects them all with the query //p//text(), which libxml2 answers in quadratic time (2 MB of
# linked paragraphs: 20 s); bigger pages go in sections of at most this many. The largest of the 231
# evaluation pages has 821, so ordinary pages are one section, extracted exactly as before.
PARAGRAPH_TEXTS_PER_PASS = 5_000
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

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
        if isinstance(html, str):
            decoded, text_html = None, html
        else:
            decoded = decode_page(html, charset)
            text_html = decoded.text
        tree = load_html(text_html)  # the page's one parse: metadata and every extraction pass read this tree
        if tree is None:
            return FetchFailure(url, "no article text found", stage="extract")
        meta = page_metadata(tree, final_url or url or None)
        text = _main_text(tree, final_url or url or None)
    except (ValueError, TypeError, RecursionError, MemoryError) as err:  # broken markup deep in lxml
        logger.debug("%s: could not parse the page", url, exc_info=True)  # the stored reason keeps only the type
        return FetchFailure(url, f"could not parse the page ({type(err).__name__})", stage="extract")
    if len(text) < MIN_TEXT_CHARS:
        return FetchFailure(url, "no article text found", stage="extract")
    title = clean_field(meta.title or "")
    page_url = final_url or url
    published, origin = _published(meta.date, user_date)
    language, _ = detect_language(f"{title}\n{text}")
    return Article(
        url=url,
        canonical_url=_canonical(page_url, meta.canonical),
        title=title,
        text=text,
        published=published,
        source=clean_field(user_source or "") or _source(meta.site_name, page_url),
        language=language,
        fingerprint=fingerprint(text),
        date_origin=origin,
        final_url=page_url,
        is_demo=is_demo,
        decode_note=decoded.note if decoded is not None else "",
    )


def _main_text(tree: HtmlElement, url: str | None) -> str:
    """trafilatura's main extractor alone first; its fallback algorithms only when that finds little.

    On trafilatura's own evaluation pages (benchmarks/ingest.py) this is 20% faster than always
    running the fallbacks and scores a higher F1 (0.928 against 0.924): the fallbacks mostly help on
    pages where the main extractor comes back nearly empty, which is exactly when they run here.
    (metadata is read by page_metadata: cheaper than trafilatura's pass, which also hunts authors.)
    A page too large for one pass in linear time is extracted section by section (_sections).
    """
    # bare_extraction works on its own copy of a tree it is given (trafilatura's core.py: "if tree
    # is filecontent: tree = copy(tree)"), so the second pass reads the same trees, not a new parse.
    trees = _sections(tree) or [tree]
    text = _extract_text(trees, url, fast=True)
    if len(text) < FULL_EXTRACTION_BELOW:
        fuller = _extract_text(trees, url, fast=False)
        text = fuller if len(fuller) > len(text) else text
    return text


def _extract_text(trees: list[HtmlElement], url: str | None, *, fast: bool) -> str:
    """trafilatura's text of each tree, one after another."""
    texts = []
    for tree in trees:
        doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, fast=fast)
        text = (doc.text or "").strip() if isinstance(doc, Document) else ""  # None: no text found
        if text:
            texts.append(text)
    return "\n".join(texts)


def _sections(tree: HtmlElement) -> list[HtmlElement] | None:
    """The page cut into consecutive sections of at most PARAGRAPH_TEXTS_PER_PASS text pieces inside
    paragraphs, or None when it is small enough to extract whole (every ordinary page).

    Each section keeps the enclosing elements of its part (html, body, article, ... with their
    attributes), so trafilatura finds the same main container in each; every other element of the
    page lands in exactly one section, so nothing is read twice and nothing is left out.
    """
    if sum(1 for p in tree.iter("p") for _ in p.itertext()) <= PARAGRAPH_TEXTS_PER_PASS:
        return None  # a cheap upper bound (nested paragraphs count twice) spares the exact count
    weights = _paragraph_texts(tree)
    if weights[tree] <= PARAGRAPH_TEXTS_PER_PASS:
        return None
    groups: list[list[HtmlElement]] = [[]]
    load = 0
    for part in _parts(tree, weights):
        if groups[-1] and load + weights[part] > PARAGRAPH_TEXTS_PER_PASS:
            # trafilatura drops headings that end a text: a heading opens the next section instead
            carried: list[HtmlElement] = []
            while len(groups[-1]) > 1 and groups[-1][-1].tag in HEADINGS:
                carried.insert(0, groups[-1].pop())
            groups.append(carried)
            load = sum(weights[element] for element in carried)
        groups[-1].append(part)
        load += weights[part]
    # each split element -> the last part inside it, the section that carries its tail
    last_part: dict[HtmlElement, HtmlElement] = {}
    for group in groups:
        for part in group:
            for ancestor in part.iterancestors():
                last_part[ancestor] = part
    started: set[HtmlElement] = set()
    return [_section(tree, group, started, last_part) for group in groups]


def _paragraph_texts(root: HtmlElement) -> dict[HtmlElement, int]:
    """How many text pieces inside paragraphs each element holds: what //p//text() grows with."""
    order = list(root.iter())
    in_paragraph: set[HtmlElement] = set()
    for element in order:  # document order: a parent before its children
        if element.tag == "p" or element.getparent() in in_paragraph:
            in_paragraph.add(element)
    weights: dict[HtmlElement, int] = {}
    for element in reversed(order):  # children before their parent
        weight = sum(weights[child] for child in element)
        if element in in_paragraph:
            weight += (1 if element.text else 0) + sum(1 for child in element if child.tail)
        weights[element] = weight
    return weights


def _parts(element: HtmlElement, weights: dict[HtmlElement, int]) -> Iterator[HtmlElement]:
    """The page's smallest whole parts, in document order: elements under the limit are not opened."""
    if weights[element] <= PARAGRAPH_TEXTS_PER_PASS or len(element) == 0:
        yield element
        return
    for child in element:
        yield from _parts(child, weights)


def _section(
    root: HtmlElement, parts: list[HtmlElement], started: set[HtmlElement], last_part: dict[HtmlElement, HtmlElement]
) -> HtmlElement:
    """A new document holding copies of ``parts`` inside bare copies of the elements around them."""
    copies: dict[HtmlElement, HtmlElement] = {}

    def enclosing(original: HtmlElement) -> HtmlElement:
        if original in copies:
            return copies[original]
        parent = original.getparent()
        clone = root.makeelement(original.tag, dict(original.attrib))
        if original not in started:  # the text before its first child: in the first section only
            clone.text = original.text
            started.add(original)
        if parent is not None:
            enclosing(parent).append(clone)
        copies[original] = clone
        return clone

    for part in parts:
        parent = part.getparent()
        assert parent is not None, "a part is never the page's root (_sections keeps small pages whole)"
        enclosing(parent).append(deepcopy(part))  # the copy brings the part's tail along
    here = set(parts)
    for original, clone in copies.items():
        if last_part.get(original) in here:
            clone.tail = original.tail
    return copies[root]


def _published(found: date | None, user_date: date | None) -> tuple[date | None, str | None]:
    if user_date is not None:
        return user_date, "user"
    if found:
        return found, "page"
    return None, None


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
    name = clean_field(" ".join((sitename or "").split()))
    if name:
        return name
    host = (urlsplit(page_url).hostname or "").lower() if page_url else ""
    return host.removeprefix("www.")
