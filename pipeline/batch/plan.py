"""Cut a URL list into partitions whose ids are digests of their inputs, so a rerun finds its parts.

Each partition is ``size`` consecutive inputs of the list. The inputs that need no download are
settled here by ingest's own screen (``pipeline.ingest.urls.screen_list``): bad rows, unreadable
rows and strings that are not web URLs travel with the partition as failures, repeats and URLs
already stored are reported at once; the rest is what a worker fetches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..ingest.urls import screen_list
from ..inputs import BadRow
from ..models import UrlRequest
from ..report import Finish
from ..store import Store
from . import PARTITION_SIZE


@dataclass(frozen=True)
class Partition:
    """One task: the requests a worker fetches (hosts in turn) and the inputs that failed before."""

    index: int
    digest: str  # of the partition's inputs and the recipe: the same list gives the same parts
    requests: tuple[UrlRequest, ...]
    failed: tuple[tuple[str, str], ...] = ()  # (input, reason) of the bad rows and non-web URLs
    present: frozenset[str] = frozenset()  # URLs found stored when planned, reported present already

    @property
    def name(self) -> str:
        """The part file's name: its place in the list, then its digest."""
        return f"part-{self.index:04d}-{self.digest}.parquet"


def plan(
    inputs: Iterable[UrlRequest | BadRow], db: Store, finish: Finish, *, recipe: str, size: int = PARTITION_SIZE
) -> Iterator[Partition]:
    """The partitions of ``inputs``, read lazily ``size`` at a time through ingest's own screen
    (``screen_list``); repeats and stored URLs go to ``finish`` as they are found. ``recipe`` names
    what else decides a part's content (the scorer's version, the settings that change what is
    fetched): another recipe makes other parts."""
    for index, (chunk, screened) in enumerate(screen_list(inputs, db, size)):
        failed = tuple((o.url, o.detail) for o in screened.settled if o.status == "failed")
        for outcome in screened.settled:
            if outcome.status != "failed":  # the failures are stored with the part, when it loads
                finish(outcome)
        for outcome in screened.present:
            finish(outcome)
        # A partition with nothing left to fetch is yielded all the same: the partitions of a list stay
        # the same, run after run, and its part (if any) still says what became of its inputs.
        yield Partition(
            index,
            _digest(chunk, recipe),
            tuple(screened.requests),
            failed,
            frozenset(o.url for o in screened.present),
        )


def _digest(chunk: list[UrlRequest | BadRow], recipe: str) -> str:
    """16 hex digits naming these inputs under this recipe."""
    digest = hashlib.blake2b(recipe.encode(), digest_size=8)
    for item in chunk:
        if isinstance(item, BadRow):
            line = f"bad\t{item.url}\t{item.reason}"
        else:
            line = f"url\t{item.url}\t{item.date or ''}\t{item.source or ''}"
        digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()
