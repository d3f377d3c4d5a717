"""The alert methods of ``Store`` (a mixin): raise an alert once, list alerts, and lease them to the
webhook's sender, so two watchers never send the same one and a stopped one's are sent by the next."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .watch_records import Alert, AlertDraft

if TYPE_CHECKING:
    from .base import Backend


def _iso(moment: datetime) -> str:
    from .watch_methods import _iso as iso

    return iso(moment)


class AlertMethods:
    """Alerts (``alerts``, ``alert_articles``); mixed into ``Store``, whose backend runs the queries."""

    if TYPE_CHECKING:
        _backend: Backend

        def transaction(self) -> AbstractContextManager[Any]: ...

        def _guard(self) -> AbstractContextManager[None]: ...

        pair: str

        @property
        def scorer_version(self) -> str: ...

    def add_alert(self, draft: AlertDraft, *, now: datetime, deliver: bool) -> Alert | None:
        """Store an alert of this store's pair (to be sent by the webhook when ``deliver``); None when its
        key was raised already for this pair."""
        with self.transaction():
            alert_id = self._backend.add_alert(draft, _iso(now), "pending" if deliver else "none", self.pair)
            if alert_id is None:
                return None
            [alert] = self._backend.list_alerts(1, self.scorer_version, self.pair, alert_id)
            return alert

    def alerts(self, limit: int = 200) -> list[Alert]:
        """The newest alerts of this store's pair first, each with the articles it names."""
        with self._guard():
            return self._backend.list_alerts(limit, self.scorer_version, self.pair)

    def get_alert(self, alert_id: int) -> Alert | None:
        """One alert with its articles, None when absent."""
        with self._guard():
            found = self._backend.list_alerts(1, self.scorer_version, self.pair, alert_id)
        return found[0] if found else None

    def claim_alert(
        self, alert_id: int, owner: str, *, now: datetime, lease_s: float, max_attempts: int
    ) -> Alert | None:
        """Lease an undelivered alert for sending; the alert, None when sent, being sent by another, or
        given up (``max_attempts`` requests made already)."""
        with self.transaction():
            until = _iso(now + timedelta(seconds=lease_s))
            if not self._backend.claim_alert(alert_id, owner, _iso(now), until, max_attempts):
                return None
            [alert] = self._backend.list_alerts(1, self.scorer_version, self.pair, alert_id)
            return alert

    def finish_delivery(
        self, alert_id: int, owner: str, *, now: datetime, sent: bool, attempts: int, error: str = ""
    ) -> None:
        """Record a delivery: sent, or pending again with ``error`` (retried by the next run)."""
        with self.transaction():
            self._backend.finish_delivery(alert_id, owner, _iso(now), sent=sent, attempts=attempts, error=error)

    def release_alerts(self, owner: str) -> int:
        """Put back to pending the alerts ``owner`` was still sending (a watcher that stops); how many."""
        with self.transaction():
            return self._backend.release_alerts(owner)

    def undelivered_alerts(self, *, now: datetime, limit: int, max_attempts: int) -> list[int]:
        """Ids of the alerts waiting for the webhook (or abandoned mid-send) with fewer than
        ``max_attempts`` requests made, oldest first."""
        with self._guard():
            return self._backend.undelivered_alerts(_iso(now), limit, max_attempts)
