"""The followed-pair methods of ``Store`` (a mixin): the pairs one database holds data of (issue 15)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import Backend


class PairMethods:
    """Followed pairs (``pairs``); mixed into ``Store``, whose backend runs the queries."""

    if TYPE_CHECKING:
        _backend: Backend
        _read_only: bool
        pair: str

        def transaction(self) -> AbstractContextManager[Any]: ...

        def _guard(self) -> AbstractContextManager[None]: ...

    def follow(self, pair_id: str) -> bool:
        """Register ``pair_id`` as a pair this database follows; True when it was not followed yet."""
        if not pair_id.strip():
            raise ValueError("a pair id cannot be empty (name a pair file, as --pair does: kz-ru, am-ru)")
        from .sqlite import now_iso  # late: sqlite.py imports the backend mixins

        with self.transaction():
            return self._backend.follow(pair_id, now_iso())

    def pairs(self, *, with_own: bool = True) -> list[str]:
        """The pairs this database follows (those registered, and any a score was written for), sorted;
        including this store's pair unless ``with_own`` is False (then only what is followed, or this
        store's pair when nothing is: what ``--pair all`` means)."""
        with self._guard():
            followed = set(self._backend.followed_pairs())
        return sorted(followed | {self.pair} if with_own or not followed else followed)
