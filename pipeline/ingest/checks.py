"""The first step of a URL ingest: settle the inputs that need neither the database nor a download.

Bad rows and strings that are not web URLs fail; a URL listed earlier in the batch, or sent for
download recently in this run, is "repeated". What is left comes out keyed by its canonical URL.
"""

from __future__ import annotations

import collections
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..dedupe import canonicalize_url
from ..fetch import check_web_url
from ..inputs import BadRow, clean_field
from ..models import UrlRequest
from ..report import Outcome

#: How many fetched URLs an ingest remembers to call a later listing "repeated". Older ones are found
#: in the database instead ("already present" once stored), so memory stays flat however long the list.
REPEAT_WINDOW = 100_000


@dataclass(frozen=True)
class Candidate:
    """A web URL that may need downloading: the request (its URL cleaned) and its canonical URL."""

    request: UrlRequest
    key: str  # canonical URL: what the database and the repeat memory know the page by

    @classmethod
    def of(cls, request: UrlRequest) -> Candidate:
        """Key a request that is already known to be a clean web URL (say, from a feed)."""
        return cls(request, canonicalize_url(request.url))


class RecentKeys:
    """A set that remembers only its ``size`` most recent keys (memory bounded by ``size``)."""

    def __init__(self, size: int):
        self._order: collections.deque[bytes] = collections.deque()
        self._keys: set[bytes] = set()
        self._size = size

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: bytes) -> None:
        if key in self._keys:
            return
        if len(self._order) >= self._size:
            self._keys.discard(self._order.popleft())
        self._order.append(key)
        self._keys.add(key)


def url_digest(key: str) -> bytes:
    """The 16-byte digest a canonical URL is remembered by in RecentKeys."""
    # 16 bytes per URL instead of the URL itself: the set of fetched URLs stays small for long lists
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def check_inputs(items: Iterable[UrlRequest | BadRow], sent: RecentKeys) -> tuple[list[Candidate], list[Outcome]]:
    """Split a batch into candidates and settled outcomes (failed or repeated), each in input order.

    ``sent`` holds the digests of the URLs already sent for download; it is only read here. The failed
    outcomes are input failures, for the caller to record.
    """
    candidates: list[Candidate] = []
    settled: list[Outcome] = []
    in_batch: set[str] = set()
    for item in items:
        if isinstance(item, BadRow):
            settled.append(Outcome(item.url, "failed", item.reason))
            continue
        url = clean_field(item.url)
        if reason := check_web_url(url):
            settled.append(Outcome(url, "failed", reason))
            continue
        key = canonicalize_url(url)
        if key in in_batch or url_digest(key) in sent:
            settled.append(Outcome(url, "repeated", "listed earlier in this input"))
            continue
        in_batch.add(key)
        candidates.append(Candidate(replace(item, url=url), key))
    return candidates, settled
