"""Drop the URLs the database already holds, before anything is downloaded."""

from __future__ import annotations

from collections.abc import Sequence

from ..report import Outcome
from ..store import Store
from .checks import Candidate


def drop_known(db: Store, batch: Sequence[Candidate]) -> tuple[list[Candidate], list[Outcome]]:
    """The candidates not yet stored (as given or as canonical URL), and a "present" outcome for each
    of the others, naming its article; both in batch order. One lookup for the whole batch."""
    known = db.known_urls([url for c in batch for url in (c.request.url, c.key)])
    fresh: list[Candidate] = []
    present: list[Outcome] = []
    for candidate in batch:
        url, key = candidate.request.url, candidate.key
        if url in known or key in known:
            article_id = db.find_article_id(key) or db.find_article_id(url)
            present.append(Outcome(url, "present", "", article_id))
        else:
            fresh.append(candidate)
    return fresh, present
