"""Find what to watch behind an address: the address itself when it is a feed or sitemap, else the
feeds a homepage announces (trafilatura's ``determine_feed``), else the sitemaps its robots.txt names
(``extract_robots_sitemaps``) or that sit at the usual places. Every request goes through our guarded
fetcher: trafilatura is handed bytes to parse, never asked to fetch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..fetch import Fetcher, check_web_url
from ..models import FetchFailure, Page
from ..settings import Settings
from ..store import Store
from .feeds import Listing, ListingError, looks_like_listing, parse_listing

#: What a feed or sitemap may be served as (prefixes); anything else is refused unread.
LISTING_TYPES = (
    "text/",
    "application/xml",
    "application/rss",
    "application/atom",
    "application/rdf",
    "application/x-rss",
    "application/x-atom",
    "application/feed+json",
    "application/json",
    "application/xhtml+xml",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
)
#: Feeds a homepage announces that are checked (each is one request); the rest are ignored.
MAX_CANDIDATES = 6
#: Where sitemaps usually are, tried when a homepage has no feed and its robots.txt names none.
SITEMAP_GUESSES = ("sitemap.xml", "sitemap_index.xml", "sitemap_news.xml")


@dataclass(frozen=True)
class Found:
    """A feed or sitemap found behind an address, ready to save as a source."""

    url: str
    kind: str  # "feed" or "sitemap"
    title: str
    entries: int  # links it lists now (child sitemaps, for an index)
    found_on: str = ""  # the homepage it was announced on, "" when the address was the feed itself


@dataclass(frozen=True)
class Discovery:
    """What ``discover`` found at an address, and why each candidate that failed was left out."""

    address: str
    found: list[Found] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def reason(self) -> str:
        """Why nothing was found, in words."""
        detail = "; ".join(self.problems[:4]) or "no feed or sitemap is announced there"
        return f"{self.address}: no feed or sitemap found ({detail})"


def listing_fetcher(settings: Settings) -> Fetcher:
    """Our fetcher (the address guard, limits, retries) accepting the types feeds are served as."""
    return Fetcher(settings, types=LISTING_TYPES)


def read_listing(page: Page, settings: Settings) -> Listing:
    """The feed or sitemap in a fetched page (ListingError when it is neither)."""
    return parse_listing(page.body, page.final_url or page.url, limit=settings.max_bytes)


def discover(address: str, settings: Settings, fetcher: Fetcher | None = None) -> Discovery:
    """The feeds or sitemaps at or behind ``address`` (fetched through the guarded fetcher)."""
    address = address.strip()
    if reason := check_web_url(address):
        return Discovery(address, problems=[reason])
    fetcher = fetcher or listing_fetcher(settings)
    page = fetcher.fetch(address)
    if isinstance(page, FetchFailure):
        return Discovery(address, problems=[page.reason])
    try:
        return Discovery(address, [_found(address, read_listing(page, settings))])
    except ListingError as err:
        if looks_like_listing(page.body):  # a broken feed: its site's other feeds are not what was asked
            return Discovery(address, problems=[str(err)])
        first = str(err)
    html = page.body.decode(page.charset or "utf-8", errors="replace")
    found, problems = _check_all(_announced_feeds(html, page.final_url or address), address, settings, fetcher)
    if not found:
        sitemaps, more = _check_all(_sitemap_candidates(address, fetcher), address, settings, fetcher)
        found, problems = sitemaps, problems + more
    return Discovery(address, found, problems if found else [f"the page itself: {first}", *problems])


def save_found(db: Store, found: list[Found], *, name: str, every_s: int) -> list[tuple[Found, int | None]]:
    """Save each found feed or sitemap as a source; with its id, or None when it was watched already."""
    now = datetime.now(UTC)
    saved = []
    for item in found:
        label = name or item.title or urlsplit(item.url).hostname or item.url
        if name and len(found) > 1:
            label = f"{name} ({item.title or item.kind})"
        saved.append(
            (
                item,
                db.add_source(item.url, name=label, kind=item.kind, found_on=item.found_on, every_s=every_s, now=now),
            )
        )
    return saved


def _found(url: str, listing: Listing, found_on: str = "") -> Found:
    kind = "feed" if listing.kind == "feed" else "sitemap"
    return Found(url, kind, listing.title, len(listing.entries) + len(listing.children), found_on)


def _announced_feeds(html: str, base: str) -> list[str]:
    # Imported here: trafilatura is heavy, and only discovery needs its feed finder.
    from courlan import get_hostinfo
    from trafilatura.feeds import FeedParameters, determine_feed

    domain, baseurl = get_hostinfo(base)
    params = FeedParameters(baseurl or base, domain or urlsplit(base).hostname or "", base)
    return determine_feed(html, params)[:MAX_CANDIDATES]


def _sitemap_candidates(address: str, fetcher: Fetcher) -> list[str]:
    from trafilatura.sitemaps import extract_robots_sitemaps

    parts = urlsplit(address)
    root = f"{parts.scheme}://{parts.netloc}"
    robots = fetcher.fetch(f"{root}/robots.txt")
    named = []
    if isinstance(robots, Page):
        named = extract_robots_sitemaps(robots.body.decode("utf-8", errors="replace"), root)
    return (named or [f"{root}/{guess}" for guess in SITEMAP_GUESSES])[:MAX_CANDIDATES]


def _check_all(urls: list[str], home: str, settings: Settings, fetcher: Fetcher) -> tuple[list[Found], list[str]]:
    found, problems = [], []
    for url in dict.fromkeys(urls):
        page = fetcher.fetch(url)
        if isinstance(page, FetchFailure):
            problems.append(f"{url}: {page.reason}")
            continue
        try:
            found.append(_found(url, read_listing(page, settings), home))
        except ListingError as err:
            problems.append(f"{url}: {err}")
    return found, problems
