"""The watched-source methods of ``Store`` (a mixin; pipeline.watch, issue 11): sources to poll and the
links they list, claimed as leases."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .watch_records import LINK_STATES, SOURCE_STATUSES, ListedLink, PollState, WatchedSource

if TYPE_CHECKING:
    from .base import Backend


class WatchMethods:
    """Watched sources (``sources``, ``watch_links``); mixed into ``Store``, whose backend runs the queries."""

    if TYPE_CHECKING:
        _backend: Backend

        def transaction(self) -> AbstractContextManager[Any]: ...

        def _guard(self) -> AbstractContextManager[None]: ...

    # Claims (of a source to poll, of links to fetch) are leases written in one transaction: two
    # watchers on one database never hold the same one, and a killed watcher's leases expire.

    def add_source(
        self, url: str, *, name: str, kind: str, found_on: str = "", every_s: int, now: datetime
    ) -> int | None:
        """Watch a feed or sitemap, due at once; its id, None when that URL is watched already."""
        with self.transaction():
            return self._backend.add_source(url, name, kind, found_on, every_s, _iso(now))

    def sources(self) -> list[WatchedSource]:
        """Every watched source with its state, in the order they were added."""
        with self._guard():
            return self._backend.list_sources()

    def find_source(self, ref: str | int) -> WatchedSource | None:
        """A source by id (a number) or by its URL."""
        with self._guard():
            text = str(ref).strip()
            source_id = int(text) if text.isdigit() else self._backend.source_id_by_url(text)
            return None if source_id is None else self._backend.get_source(source_id)

    def set_source_status(self, source_id: int, status: str, *, now: datetime | None = None) -> bool:
        """Pause, resume (due at ``now``, failures forgotten) or disable a source; False when absent."""
        if status not in SOURCE_STATUSES:
            raise ValueError(f"status {status!r} is not one of {', '.join(SOURCE_STATUSES)}")
        with self.transaction():
            return self._backend.set_source_status(source_id, status, _iso(now) if now else None)

    def remove_source(self, source_id: int) -> bool:
        """Stop watching a source; the links it listed stay remembered as seen. False when absent."""
        with self.transaction():
            return self._backend.remove_source(source_id)

    def claim_source(
        self,
        owner: str,
        *,
        now: datetime,
        lease_s: float,
        due_only: bool = True,
        exclude: Collection[int] = (),
        since: datetime | None = None,
    ) -> WatchedSource | None:
        """Lease the next source to poll for ``lease_s`` seconds (see ``Backend.claim_source``); one
        polled at or after ``since`` (by another watcher during this pass) is left alone."""
        with self.transaction():
            until = _iso(now + timedelta(seconds=lease_s))
            source_id = self._backend.claim_source(
                owner, _iso(now), until, due_only=due_only, exclude=tuple(exclude), since=_iso(since or now)
            )
            return None if source_id is None else self._backend.get_source(source_id)

    def finish_poll(self, source_id: int, owner: str, *, now: datetime, state: PollState) -> None:
        """Record a poll's outcome and schedule, releasing the lease."""
        with self.transaction():
            self._backend.finish_poll(source_id, owner, _iso(now), state)

    def add_links(self, source_id: int, links: Sequence[ListedLink], *, now: datetime) -> int:
        """Remember the links a source listed; how many had not been seen before."""
        with self.transaction():
            return self._backend.add_links(source_id, list(links), _iso(now))

    def claim_links(self, source_id: int, owner: str, *, now: datetime, lease_s: float, limit: int) -> list[ListedLink]:
        """Lease up to ``limit`` links of this source that wait to be fetched, newest first."""
        with self.transaction():
            until = _iso(now + timedelta(seconds=lease_s))
            return self._backend.claim_links(source_id, owner, _iso(now), until, limit)

    def finish_link(
        self,
        key: str,
        state: str,
        *,
        now: datetime,
        article_id: int | None = None,
        relevance: float | None = None,
        detail: str = "",
    ) -> None:
        """Record what became of a claimed link (stored, not_relevant, failed, ...)."""
        if state not in LINK_STATES[2:]:
            raise ValueError(f"link state {state!r} is not one of {', '.join(LINK_STATES[2:])}")
        with self.transaction():
            self._backend.finish_link(key, state, _iso(now), article_id=article_id, relevance=relevance, detail=detail)

    def link_states(self) -> dict[str, int]:
        """How many listed links are in each state (see ``LINK_STATES``)."""
        with self._guard():
            return self._backend.link_states()

    def last_poll(self) -> datetime | None:
        """When any source was last polled (UTC), None when none ever was."""
        with self._guard():
            value = self._backend.last_poll()
        return datetime.fromisoformat(value) if value else None


def _iso(moment: datetime) -> str:
    """A UTC time as the watch tables store it: ISO text to the second, so text order is time order."""
    return moment.replace(microsecond=0).isoformat()
