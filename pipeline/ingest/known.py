"""Drop the URLs the database already holds, before anything is downloaded."""

from __future__ import annotations

from collections.abc import Sequence

from .. import store
from .checks import Candidate
from .report import Outcome
from .save import Connection


def drop_known(conn: Connection, batch: Sequence[Candidate]) -> tuple[list[Candidate], list[Outcome]]:
    """The candidates not yet stored (as given or as canonical URL), and a "present" outcome for each
    of the others, naming its article; both in batch order. One lookup for the whole batch."""
    known = store.known_urls(conn, [url for c in batch for url in (c.request.url, c.key)])
    fresh: list[Candidate] = []
    present: list[Outcome] = []
    for candidate in batch:
        url, key = candidate.request.url, candidate.key
        if url in known or key in known:
            article_id = store.find_article_id(conn, key) or store.find_article_id(conn, url)
            present.append(Outcome(url, "present", "", article_id))
        else:
            fresh.append(candidate)
    return fresh, present
