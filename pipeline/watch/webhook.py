"""The alert webhook: each alert POSTed as JSON to the operator's URL from a background thread, so a
slow or dead webhook never holds up a poll. The queue is bounded; an alert that does not fit, or is
not delivered after the retries, stays pending in the database and is sent by the next run. The URL
goes through the same address guard as every fetch.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any

import certifi
import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError
from urllib3.util import parse_url

from ..fetch import RETRY_STATUSES, check_web_url
from ..guard import AddressPolicy, RefusedConnection, make_pool_manager
from ..settings import USER_AGENT, Settings
from ..store import Store, StoreError
from ..store.watch_records import Alert

logger = logging.getLogger(__name__)

#: Alerts waiting in memory for the sender; the rest wait in the database for the next run.
QUEUE_BOUND = 100
#: Requests made for one alert, over all runs, before the watcher gives up on it: a dead webhook is
#: not retried for ever (the alert stays "pending" with its last error, and ``gave_up`` says so).
MAX_DELIVERY_ATTEMPTS = 12


def gave_up(alert: Alert) -> bool:
    """Whether the webhook's sender has given up on this alert (its attempts are used up)."""
    return alert.delivery in ("pending", "sending") and alert.attempts >= MAX_DELIVERY_ATTEMPTS


def webhook_problem(settings: Settings) -> str | None:
    """None when the webhook setting is empty or a web address, else what is wrong with it."""
    if not settings.watch_webhook:
        return None
    reason = check_web_url(settings.watch_webhook)
    return f"BAROMETER_WATCH_WEBHOOK={settings.watch_webhook!r}: {reason}" if reason else None


class Notifier:
    """Sends alerts to the webhook from one daemon thread with its own database connection."""

    def __init__(
        self, settings: Settings, owner: str, clock: Callable[[], datetime], payload: Callable[[Alert], dict[str, Any]]
    ) -> None:
        self.settings, self.owner, self.clock, self.payload = settings, owner, clock, payload
        self.url = settings.watch_webhook.strip()
        policy = AddressPolicy.from_settings(settings.allow_private, settings.allow_networks)
        self.pool = make_pool_manager(
            policy, num_pools=2, maxsize=1, ca_certs=certifi.where(), cert_reqs="CERT_REQUIRED"
        )
        self.queue: queue.Queue[int | None] = queue.Queue(maxsize=QUEUE_BOUND)
        self._queued: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def offer(self, alert_id: int) -> bool:
        """Queue an alert for sending; False when the queue is full (it stays pending in the database)."""
        with self._lock:
            if alert_id in self._queued:
                return True
            try:
                self.queue.put_nowait(alert_id)
            except queue.Full:
                return False
            self._queued.add(alert_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="alert-webhook", daemon=True)
                self._thread.start()
        return True

    def close(self, timeout: float) -> bool:
        """Let the queued alerts be sent for up to ``timeout`` seconds, then stop; True when all were."""
        thread = self._thread
        if thread is None:
            return True
        deadline = time.monotonic() + timeout
        try:
            self.queue.put(None, timeout=timeout)
            thread.join(max(0.0, deadline - time.monotonic()))
        except queue.Full:
            pass
        self._stop.set()  # cuts a backoff wait short; a request under way ends by its own timeout
        return not thread.is_alive()

    def _work(self) -> None:
        try:
            db = Store.open(self.settings.db, pair=self.settings.watched_pair())
        except StoreError as err:
            logger.warning("the alert webhook cannot open %s: %s", self.settings.db, err)
            return
        with db:
            while True:
                try:
                    alert_id = self.queue.get(timeout=1.0)
                except queue.Empty:
                    if self._stop.is_set():  # stopped with a full queue (no room for the last word): end here
                        return
                    continue
                if alert_id is None:
                    return
                try:
                    if not self._stop.is_set():  # what is left when stopping waits in the database
                        self._deliver(db, alert_id)
                except StoreError as err:
                    logger.warning("alert #%s: the delivery could not be recorded: %s", alert_id, err.reason)
                finally:
                    with self._lock:
                        self._queued.discard(alert_id)

    def _deliver(self, db: Store, alert_id: int) -> None:
        cap, lease = MAX_DELIVERY_ATTEMPTS, self.settings.watch_lease
        alert = db.claim_alert(alert_id, self.owner, now=self.clock(), lease_s=lease, max_attempts=cap)
        if alert is None:  # sent already, another watcher is sending it, or given up
            return
        body = json.dumps(self.payload(alert), ensure_ascii=False).encode()
        attempts, error = 0, ""
        for attempt in range(min(self.settings.watch_webhook_retries + 1, MAX_DELIVERY_ATTEMPTS - alert.attempts)):
            if attempt and self._stop.wait(self.settings.backoff * 2 ** (attempt - 1)):
                break  # the watcher is stopping: the next run retries
            attempts += 1
            error, retry = self._post(body)
            if not error or not retry:
                break
        if error:
            logger.warning("alert #%s not delivered to %s: %s", alert_id, self.url, error)
        db.finish_delivery(alert_id, self.owner, now=self.clock(), sent=not error, attempts=attempts, error=error)

    def _post(self, body: bytes) -> tuple[str, bool]:
        """One POST: "" when the webhook took it, else the reason in words and whether a retry may help."""
        target = parse_url(self.url)
        timeout = urllib3.Timeout(connect=self.settings.connect_timeout, read=self.settings.total_timeout)
        try:
            pool = self.pool.connection_from_host(target.host, target.port, (target.scheme or "http").lower())
            response = pool.urlopen(
                "POST",
                target.request_uri,
                body=body,
                headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
                redirect=False,  # a redirect would send the alert somewhere the operator did not name
                retries=False,
                timeout=timeout,
                preload_content=False,  # the answer's body is not wanted (and might be endless)
            )
            response.close()
        except HTTPError as err:
            cause = err.reason if isinstance(err, MaxRetryError) and err.reason else err
            if isinstance(cause, RefusedConnection):
                return cause.refusal, False
            return f"could not reach the webhook ({type(cause).__name__}: {cause})", True
        if 200 <= response.status < 300:
            return "", False
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = "unknown status"
        return f"the webhook answered HTTP {response.status} {phrase}", response.status in RETRY_STATUSES
