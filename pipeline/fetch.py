"""HTTP fetching with limits: one deadline per request (headers included), a body-size cap, retries
with backoff, every hop checked against the address policy, and per-host politeness. Returns a Page
or a FetchFailure."""

from __future__ import annotations

import email.utils
import http.client
import io
import logging
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import replace
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from urllib3.exceptions import (
    HTTPError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util import parse_url

from .guard import AddressPolicy, LookupTimeoutError, RefusedConnection, make_pool_manager
from .models import FetchFailure, Page
from .settings import USER_AGENT, Settings

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

logger = logging.getLogger(__name__)

READ_IDLE = 10.0  # seconds a download may go without receiving a byte
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"PK\x03\x04", "a ZIP archive"),
)
# The monotonic time by which the request under way in this thread must have been read in full.
_DEADLINE: ContextVar[float | None] = ContextVar("fetch_deadline", default=None)


class _Failed(Exception):
    """Internal: a fetch ended with a reason in words; ``retry`` says whether trying again may help."""

    def __init__(self, reason: str, *, retry: bool = False, wait: float | None = None):
        super().__init__(reason)
        self.reason, self.retry, self.wait = reason, retry, wait


def check_web_url(url: str) -> str | None:
    """None when ``url`` is an absolute http(s) URL with a host, else the reason it is not.

    Forms that URL parsers read differently (a backslash, a user name before the host, a percent
    sign in the host, control characters) are refused: one of them could name a host the address
    guard never saw."""
    text = (url or "").strip()
    if not text:
        return "empty URL"
    if any(ch.isspace() for ch in text):
        return "not a web address (contains spaces)"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return "not a web address (contains a control character)"
    if "\\" in text:
        return "not a web address (contains a backslash, which programs read differently)"
    try:
        parts = urlsplit(text)
        port = parts.port
        parsed = parse_url(text)
    except ValueError as err:
        return f"not a web address ({err})"
    if not parts.scheme:
        return "not a web address (expected http:// or https://)"
    if parts.scheme.lower() not in ("http", "https"):
        return f"unsupported scheme '{parts.scheme.lower()}:' (only http and https are fetched)"
    if not parts.hostname or not parsed.host:
        return "not a web address (no host name)"
    if "@" in parts.netloc or parsed.auth:
        return "not a web address (a user name or password before the host, user@host, is not accepted)"
    if "%" in parts.netloc:
        return "not a web address (percent-encoded host name)"
    if port == 0:
        return "not a web address (port 0)"
    host = parsed.host.strip("[]")
    if host.isascii() and (host, parsed.port) != (parts.hostname, port):
        return f"not a web address (its host reads as {host!r} or {parts.hostname!r})"
    return None


class _DeadlineIO(io.RawIOBase):
    """A socket reader that gives every recv only the time left until the deadline."""

    def __init__(self, sock: socket.socket, deadline: float, idle: float | None):
        # makefile() counts this reader as a user of the socket: a connection that closes its end
        # ("Connection: close") leaves the socket open until the response is read.
        self._raw = sock.makefile("rb", buffering=0)
        self._sock, self._deadline, self._idle = sock, deadline, idle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the fetch deadline has passed")
        self._sock.settimeout(left if self._idle is None else min(left, self._idle))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    """http.client's response, reading through _DeadlineIO: a server that drips its status line
    and headers a byte at a time is cut at the deadline like one that drips its body."""

    def __init__(
        self, sock: socket.socket, debuglevel: int = 0, method: str | None = None, url: str | None = None
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        deadline = _DEADLINE.get()
        if deadline is not None:
            self.fp.close()  # only the reader: the socket stays open while the connection holds it
            self.fp = io.BufferedReader(_DeadlineIO(sock, deadline, sock.gettimeout()))


class Fetcher:
    """Fetches pages under one Settings; safe to share between threads."""

    def __init__(
        self,
        settings: Settings,
        *,
        types: tuple[str, ...] = HTML_TYPES,
        host_gate: Callable[[str], AbstractContextManager[object]] | None = None,
    ):
        self.settings = settings
        self.types = types  # the content types accepted (prefixes); feeds and sitemaps take more
        self.policy = AddressPolicy.from_settings(settings.allow_private, settings.allow_networks)
        self.pool = make_pool_manager(
            self.policy,
            response_class=_DeadlineResponse,
            num_pools=64,
            maxsize=max(1, settings.per_host),
            ca_certs=certifi.where(),
            cert_reqs="CERT_REQUIRED",
        )
        self._host_slots: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(max(1, settings.per_host))
        )
        self._lock = threading.Lock()
        # A limit per host shared with other processes (a batch's cluster-wide lease), held with the slot.
        self._host_gate = host_gate

    @contextmanager
    def _host_slot(self, host: str) -> Iterator[None]:
        with self._lock:
            slot = self._host_slots[host]
        with slot, ExitStack() as gate:
            if self._host_gate is not None:
                try:
                    gate.enter_context(self._host_gate(host))
                except Exception as err:  # a lease the cluster could not give: this page fails, fetch never raises
                    raise _Failed(f"no download slot for {host}: {type(err).__name__}: {err}") from None
            yield

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Page | FetchFailure:
        """Download ``url`` (following redirects), retrying transient failures; never raises.

        ``headers`` go with every request (say If-None-Match): with them, a 304 is a Page of status 304."""
        if reason := check_web_url(url):
            return FetchFailure(url, reason, stage="input")
        attempts = self.settings.retries + 1
        last: _Failed | None = None
        for attempt in range(attempts):
            try:
                return self._follow(url.strip(), headers or {})
            except _Failed as failed:
                last = failed
                if not failed.retry or attempt == attempts - 1:
                    break
                delay = self.settings.backoff * (2**attempt)
                if failed.wait is not None:
                    delay = max(delay, min(failed.wait, self.settings.max_retry_after))
                time.sleep(delay)
        assert last is not None
        suffix = f" after {attempts} attempts" if last.retry and attempts > 1 else ""
        return FetchFailure(url, last.reason + suffix)

    def _follow(self, url: str, headers: Mapping[str, str]) -> Page:
        seen = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            response_or_next = self._get(current, headers)
            if isinstance(response_or_next, Page):
                return replace(response_or_next, url=url)
            target = response_or_next
            if reason := check_web_url(target):
                raise _Failed(f"redirected to {target!r}: {reason}")
            if target in seen:
                raise _Failed(f"redirect loop at {target}")
            seen.add(target)
            current = target
        raise _Failed(f"too many redirects (more than {self.settings.max_redirects})")

    def _get(self, url: str, headers: Mapping[str, str]) -> Page | str:
        """One request: a Page, or the absolute URL a redirect points to."""
        # Parsed once, by urllib3's parser: the connection goes to exactly this host and port, and
        # the connection itself applies the address policy before it opens a socket.
        target = parse_url(url)
        host = target.host or ""
        with self._host_slot(host):
            # One deadline for the whole request, from connecting to the last byte of the body.
            deadline = time.monotonic() + self.settings.total_timeout
            token = _DEADLINE.set(deadline)
            try:
                response = self._send(target, deadline, headers)
                try:
                    return self._read(url, response, deadline, conditional=bool(headers))
                except _Failed:
                    # An unread body would poison the kept-alive connection for the next request.
                    response.close()
                    raise
                finally:
                    response.release_conn()
            finally:
                _DEADLINE.reset(token)

    def _send(self, target: urllib3.util.Url, deadline: float, headers: Mapping[str, str]) -> urllib3.BaseHTTPResponse:
        total = self.settings.total_timeout
        # A silent server is given at most READ_IDLE seconds per read; the deadline bounds the rest.
        timeout = urllib3.Timeout(connect=min(self.settings.connect_timeout, total), read=min(total, READ_IDLE))
        try:
            pool = self.pool.connection_from_host(target.host, target.port, (target.scheme or "http").lower())
            return pool.urlopen(
                "GET",
                target.request_uri,
                headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5", **headers},
                redirect=False,
                retries=False,
                assert_same_host=False,
                timeout=timeout,
                preload_content=False,
            )
        except HTTPError as err:
            raise self._describe_error(err, target.host or "", deadline) from None

    def _read(
        self, url: str, response: urllib3.BaseHTTPResponse, deadline: float, *, conditional: bool = False
    ) -> Page | str:
        status = response.status
        if status == 304 and conditional:  # not modified since the ETag / date we sent: no body to read
            response.drain_conn()
            return Page(url, url, status, "", b"", None, *_validators(response))
        if 300 <= status < 400 and status != 304:
            location = response.headers.get("Location")
            if not location:
                raise _Failed(f"HTTP {status} redirect without a Location header")
            response.drain_conn()
            return urljoin(url, location.strip())
        if status != 200:
            wait = _retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
            raise _Failed(_status_reason(status), retry=status in RETRY_STATUSES, wait=wait)
        content_type = response.headers.get("Content-Type", "")
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime and not mime.startswith(self.types):
            raise _Failed(f"not an HTML page ({mime})")
        declared = response.headers.get("Content-Length", "")
        limit = self.settings.max_bytes
        if declared.isdigit() and int(declared) > limit:
            raise _Failed(f"page too large: {int(declared):,} bytes (limit {limit:,})")
        chunks, size = [], 0
        try:
            # read1 returns whatever has arrived, so the deadline is checked after every piece a
            # slow server drips, not only after a full 64 KiB buffer.
            while chunk := response.read1(65536):
                size += len(chunk)
                if size > limit:
                    raise _Failed(f"page too large: more than {limit:,} bytes (limit {limit:,})")
                if time.monotonic() > deadline:
                    raise _Failed(f"timed out after {self.settings.total_timeout:g} s while reading the page")
                chunks.append(chunk)
        except HTTPError as err:
            raise self._describe_error(err, parse_url(url).host or "", deadline, reading=True) from None
        body = b"".join(chunks)
        if not body.strip():
            raise _Failed("empty response (HTTP 200 with no content)")
        for magic, what in _MAGIC:
            if body.startswith(magic):
                raise _Failed(f"not an HTML page ({what})")
        charset = _charset(content_type)
        return Page(url, url, status, mime or "text/html", body, charset, *_validators(response))

    def _describe_error(self, err: Exception, host: str, deadline: float, *, reading: bool = False) -> _Failed:
        cause = err.reason if isinstance(err, MaxRetryError) and err.reason else err
        text = str(cause)
        if isinstance(cause, RefusedConnection):
            return _Failed(cause.refusal)
        if isinstance(cause, LookupTimeoutError):
            limit = min(self.settings.total_timeout, self.settings.connect_timeout)
            return _Failed(f"timed out after {limit:g} s looking up {host}", retry=True)
        if isinstance(cause, ReadTimeoutError) or "timed out" in text.lower():
            # The socket waits are cut at the deadline, so a timeout at (or just before) it is the deadline's.
            if time.monotonic() >= deadline - 0.05:
                limit = self.settings.total_timeout
                if reading:
                    return _Failed(f"timed out after {limit:g} s while reading the page")
            elif isinstance(cause, ReadTimeoutError):
                limit = min(self.settings.total_timeout, READ_IDLE)
            else:
                limit = min(self.settings.total_timeout, self.settings.connect_timeout)
            return _Failed(f"timed out after {limit:g} s (no answer from the server)")
        if isinstance(cause, NameResolutionError):
            return _Failed(f"host not found: {host}")
        if isinstance(cause, NewConnectionError) and "refused" in text.lower():
            return _Failed("connection refused", retry=True)
        if isinstance(cause, ProtocolError | NewConnectionError):
            return _Failed(f"connection failed ({_short(text)})", retry=True)
        if "ssl" in text.lower() or "certificate" in text.lower():
            return _Failed(f"TLS error ({_short(text)})")
        return _Failed(f"download failed ({_short(text)})", retry=True)


def _short(text: str, limit: int = 160) -> str:
    # urllib3 prefixes its messages with the connection object's repr: keep only the human part
    text = " ".join(text.split())
    if "): " in text and text.split("): ", 1)[0].count("(") == 1:
        text = text.split("): ", 1)[1]
    text = text.removeprefix("Failed to establish a new connection: ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status_reason(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    reason = f"HTTP {status} {phrase}".strip()
    if status in (401, 402, 403):
        reason += " (paywall or access denied)"
    return reason


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError) as err:
        logger.debug("Retry-After %r is neither seconds nor a date (%s): the usual backoff applies", value, err)
        return None
    return max(0.0, when.timestamp() - time.time())


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _validators(response: urllib3.BaseHTTPResponse) -> tuple[str, str]:
    """The ETag and Last-Modified headers, for a later conditional GET."""
    return response.headers.get("ETag", ""), response.headers.get("Last-Modified", "")
