"""The key-event methods of ``Store`` (a mixin): the analyst's own events and the demo's, listed,
added, changed and removed; the demo's go with the demo's articles."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from ..models import Event

if TYPE_CHECKING:
    from ..scoring.actors import Pair
    from .base import Backend


def _now() -> str:
    from .sqlite import now_iso  # late: sqlite.py imports the backend mixins

    return now_iso()


class EventMethods:
    """Key events (``events``); mixed into ``Store``, whose backend runs the queries."""

    if TYPE_CHECKING:
        _backend: Backend

        def transaction(self) -> AbstractContextManager[Any]: ...

        def _guard(self) -> AbstractContextManager[None]: ...

        def _pair_version(self, pair: str | Pair | None) -> tuple[str, str]: ...

    def events(self, pair: str | Pair | None = None) -> list[Event]:
        """Every key event of the pair (None: this store's), oldest first (each with its ``id``)."""
        with self._guard():
            return self._backend.list_events(self._pair_version(pair)[0])

    def list_events(self, pair: str | Pair | None = None) -> list[Event]:
        """The same as ``events``: every key event of the pair, oldest first."""
        return self.events(pair)

    def get_event(self, event_id: int) -> Event | None:
        """One key event by id, None when absent."""
        with self._guard():
            return self._backend.get_event(event_id)

    def add_event(self, event: Event, pair: str | Pair | None = None) -> int | None:
        """Store a key event of the pair (None: this store's; ``event.id`` is ignored); its id, None for a
        demo event stored already."""
        with self.transaction():
            return self._backend.add_event(event, self._pair_version(pair)[0], _now())

    def add_demo_events(self, events: Iterable[Event], pair: str | Pair | None = None) -> int:
        """Store the demo's key events of the pair, marked as demo; those stored already are skipped. How
        many were new."""
        pair_id = self._pair_version(pair)[0]
        with self.transaction():
            return sum(
                self._backend.add_event(
                    Event(e.date, e.label, e.note, e.link, is_demo=True),
                    pair_id,
                    _now(),
                )
                is not None
                for e in events
            )

    def update_event(self, event_id: int, event: Event) -> bool:
        """Change a key event's date, label, note and link (its demo mark and pair stay); False when absent."""
        with self.transaction():
            return self._backend.update_event(event_id, event, _now())

    def delete_event(self, event_id: int) -> bool:
        """Remove one key event; False when absent."""
        with self.transaction():
            return self._backend.delete_event(event_id)

    def delete_demo_events(self) -> int:
        """Remove the demo's key events, of every pair (the analyst's own stay); how many."""
        with self.transaction():
            return self._backend.delete_demo_events()
