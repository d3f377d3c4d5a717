"""Deduplication keys: a canonical URL (one article, many URLs) and a content fingerprint
(one story, many sites: wire copies with different chrome and small edits)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

# Query parameters that only track the reader; the page is the same without them.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "spm",
        "from",
        "share",
        "utm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_", "oly_")
_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 3
MIN_WORDS = 20
PERMUTATIONS = 64
ROWS_PER_BAND = 4  # 16 bands: candidates at Jaccard 0.5 found with p = 0.64, at 0.7 with p = 0.98
SAME_STORY = 0.5  # estimated Jaccard of 3-shingles above which two texts are one story
_PRIME = np.uint64(4294967311)  # smallest prime above 2**32
_rng = np.random.default_rng(20221)  # fixed: fingerprints must be stable across runs and machines
_A = _rng.integers(1, 2**32 - 1, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, 2**32 - 1, size=PERMUTATIONS, dtype=np.uint64)


def canonicalize_url(url: str) -> str:
    """Fold scheme and host case, default ports, fragments, tracking parameters and trailing slashes."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    # http and https copies of a page are one article
    scheme = "https" if scheme in ("http", "https") else scheme
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def _shingle_hashes(text: str) -> np.ndarray:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return np.empty(0, dtype=np.uint64)
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    return np.fromiter((zlib.crc32(s.encode()) for s in shingles), dtype=np.uint64, count=len(shingles))


def fingerprint(text: str) -> str:
    """MinHash signature (hex) of the text's word 3-shingles; "" for texts under 20 words.

    Two texts' signatures agree in about the same share of positions as the Jaccard similarity of
    their shingle sets, so a wire story republished with other chrome or a changed sentence is
    recognised while two different stories on the same subject are not.
    """
    hashes = _shingle_hashes(text)
    if hashes.size == 0:
        return ""
    # (a*h + b) mod p stays below 2**64 because h < 2**32 and a < 2**32.
    mins = ((hashes[None, :] * _A[:, None] + _B[:, None]) % _PRIME).min(axis=1)
    return "".join(f"{int(v):08x}" for v in mins)


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two fingerprints (0 when either is empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    same = sum(a[i : i + 8] == b[i : i + 8] for i in range(0, len(a), 8))
    return same / (len(a) // 8)


def band_keys(fp: str) -> list[int]:
    """One lookup key per LSH band: similar fingerprints share at least one key with high probability."""
    if not fp:
        return []
    step = 8 * ROWS_PER_BAND
    return [zlib.crc32(fp[i : i + step].encode()) for i in range(0, len(fp), step)]


# ---------------------------------------------------------------- which stored story a new text joins


@dataclass(frozen=True)
class StoryCandidate:
    """A stored article that shares an LSH band key with a new text (as the store finds it)."""

    id: int
    story_id: int | None
    url: str
    fingerprint: str


@dataclass(frozen=True)
class StoryChoice:
    """Where a new text belongs: ``story_id`` None starts a story of its own; ``merged`` are other
    stories that the new text shows to be the same one (they join ``story_id``)."""

    story_id: int | None = None
    merged: tuple[int, ...] = ()
    first_copy: str | None = None  # URL of the earliest stored copy it matches, for messages


def choose_story(fp: str, candidates: Iterable[StoryCandidate]) -> StoryChoice:
    """The story a text with fingerprint ``fp`` joins, among the stored candidates.

    It joins the earliest story it matches; when it matches copies of several stories, they are
    merged into the earliest one, so which copies form a story does not depend on arrival order.
    """
    matches = sorted((c for c in candidates if similarity(fp, c.fingerprint) >= SAME_STORY), key=lambda c: c.id)
    if not matches:
        return StoryChoice()
    # The new copy is close to copies stored as different stories (A ~ B and B ~ C, but A and C
    # further apart): they are one story, whatever order they arrived in.
    stories = sorted({c.story_id for c in matches if c.story_id is not None})
    if not stories:
        return StoryChoice(first_copy=matches[0].url)
    return StoryChoice(stories[0], tuple(stories[1:]), matches[0].url)
