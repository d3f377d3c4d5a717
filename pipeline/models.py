"""Plain data passed between the pipeline stages: small frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Evidence:
    """A sentence that moved a score. ``weight`` is its share of the tension (> 0 towards tension, < 0
    towards cooperation): the weights of all scored sentences add up to ``Score.tension``."""

    sentence: str
    weight: float


@dataclass(frozen=True)
class Score:
    """The scorer's verdict on one text (see docs/contracts.md, "Python API")."""

    tension: float  # [-1, 1]: > 0 tension / distancing / conflict, < 0 cooperation
    sentiment: float  # [-1, 1]: tone of the passages about the relationship
    relevance: float  # [0, 1]: how much the piece is about the relationship
    language: str  # ISO 639-1 code detected (or given)
    evidence: list[Evidence] = field(default_factory=list)
    goldstein: float = 0.0  # -10 (conflict) ... +10 (cooperation), derived from tension
    certain: bool = True  # False when the language has no curated lexicon (scored as far as possible)
    version: str = ""  # scorer version that produced this score
    pair: str = "kz-ru"  # the pair it was scored for (its id): one article has a score per pair it concerns


@dataclass(frozen=True)
class Page:
    """A page to extract: a fetched HTTP response, or a saved file (no URL, status 200).

    Sent whole to the extraction worker processes, so it holds only plain, picklable values."""

    url: str  # as the user gave it
    final_url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    charset: str | None = None  # from the Content-Type header, if any
    etag: str = ""  # the response's validators, for the next conditional GET (watched feeds)
    last_modified: str = ""


@dataclass(frozen=True)
class Article:
    """An extracted article, ready to score and store."""

    url: str
    canonical_url: str
    title: str
    text: str
    published: date | None  # publication date; None = undated (never the fetch date)
    source: str  # site name or host
    language: str  # ISO 639-1, "" when unknown
    fingerprint: str  # content fingerprint (hex SimHash) linking syndicated copies
    date_origin: str | None = None  # "user", "page" or None when undated
    final_url: str = ""
    is_demo: bool = False
    decode_note: str = ""  # why the page's declared charset was not used, or was kept although suspect


@dataclass(frozen=True)
class FetchFailure:
    """An input that did not become an article, with the reason in words."""

    url: str
    reason: str
    stage: str = "fetch"  # input | fetch | extract | store


@dataclass(frozen=True)
class Event:
    """A key event of the relationship, drawn as a labelled line on the trend chart. Stored events
    (``pipeline.events``) carry their ``id``; ``is_demo`` marks those of the bundled demo."""

    date: date
    label: str
    note: str = ""
    link: str = ""  # an http(s) address about the event, "" when none
    id: int | None = None
    is_demo: bool = False


@dataclass(frozen=True)
class UrlRequest:
    """One URL as the user gave it, with optional hints that win over what the page says."""

    url: str
    date: date | None = None
    source: str | None = None
    line: int | None = None  # line or row number in the input file, for messages
