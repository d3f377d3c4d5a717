"""Settings: defaults, overridden by environment variables, overridden by CLI flags.

Every setting has an environment variable ``BAROMETER_<NAME>``; docs/settings.md lists them. Only
``load_settings`` (called by the CLI and the dashboard) reads the environment: everything below them
is handed a ``Settings`` or the values it needs (the pair, ``Settings.watched_pair()``).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .resources import DEFAULT_PAIR, DataFileError

if TYPE_CHECKING:
    from .scoring.actors import Pair

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _data_home() -> Path:
    """Where the database lives by default: ``data/`` in a checkout; for an installed package (whose
    parent folder is site-packages) the user's data directory, ``$XDG_DATA_HOME/bilateral-barometer``
    (``~/.local/share/bilateral-barometer`` when unset)."""
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "data"
    home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(home) / "bilateral-barometer"


DATA_DIR = _data_home()
DEFAULT_DB = DATA_DIR / "barometer.sqlite"

USER_AGENT = (
    "bilateral-barometer/0.1 (news tension research tool; +https://github.com/bilateral-barometer/bilateral-barometer)"
)


@dataclass(frozen=True)
class Settings:
    """All tunable numbers in one place; frozen so a run cannot change them half-way."""

    db: str = str(DEFAULT_DB)
    allow_private: bool = False  # fetch private / loopback / link-local targets
    allow_networks: str = ""  # comma-separated CIDR networks allowed even when private (intranets)
    concurrency: int = 32  # pages in flight (downloading, or being extracted); per_host caps each host
    per_host: int = 2  # downloads in flight to one host
    connect_timeout: float = 10.0  # seconds
    total_timeout: float = 30.0  # seconds for one download, body included
    max_bytes: int = 10_000_000  # body-size cap
    max_redirects: int = 5
    retries: int = 2  # extra attempts on 429 / 5xx / connection errors
    backoff: float = 0.5  # seconds, doubled at each retry
    max_retry_after: float = 30.0  # cap on a server's Retry-After
    score: bool = True  # score articles while ingesting (off: `rescore` scores them later)
    workers: int = 0  # extraction processes; 0 = one per CPU core
    process_threshold: int = 16  # smaller batches are extracted in-process
    relevance_threshold: float = 0.3  # articles below it do not count in the series
    tension_threshold: float = 0.2  # share_tension counts articles above it
    # The dashboard's own caps on what one click may submit (Streamlit's maxUploadSize caps each file).
    max_paste_urls: int = 1_000  # URLs in the paste box
    max_list_urls: int = 10_000  # URLs in one uploaded URL list
    max_upload_files: int = 200  # saved pages in one upload
    max_upload_bytes: int = 50_000_000  # bytes of one upload: a URL list, or all saved pages together
    pair: str = DEFAULT_PAIR  # the pair of countries: <id>.toml in the data directories' actors/, or a .toml path
    data_dir: str = ""  # the user's own data directory: its lexicons/ and actors/ files come before the package's
    # Watching sources (pipeline.watch; docs/watch.md).
    watch_every: str = "30m"  # how often a new source is polled (30m, 2h, 1d, or seconds)
    watch_max_links: int = 100  # new links fetched from one source per poll; the rest wait for the next
    watch_max_failures: int = 5  # polls failed in a row that disable a source
    watch_host_gap: float = 1.0  # seconds between two feed requests to one host
    watch_lease: float = 600.0  # seconds a watcher holds a source or link it claimed (a killed one's expire)
    # Alerts raised by polls (pipeline.watch.alerts; docs/watch.md, "Alerts").
    alert_tension: float = 0.5  # a new article at or above this tension raises an alert...
    alert_relevance: float = 0.5  # ...when its relevance is at least this
    alert_spikes: bool = True  # alert when the current period becomes a spike (the trend chart's rule)
    alert_freq: str = "week"  # the period of the spike rule and of the alerts: day, week or month
    watch_webhook: str = ""  # POST each alert as JSON here (empty: no webhook); the address guard applies
    watch_webhook_retries: int = 3  # extra attempts of a failed delivery in one run, `backoff` doubling
    # Sign-in (pipeline.access; docs/signin.md): with Streamlit's [auth] secrets, the users' roles file.
    roles: str = ""  # a TOML file mapping users to viewer / analyst / admin; empty: the dashboard is open

    def watched_pair(self) -> Pair:
        """The pair to score with, read from its data file (once per process, cached)."""
        from .scoring.actors import load_pair

        return load_pair(self.pair, self.data_dir)

    def scoring_pairs(self, followed: Sequence[str]) -> tuple[Pair, ...]:
        """The pairs an ingested article is scored for: the watched pair first, then every other pair of
        ``followed`` (a database's ``store.pairs()``) whose file loads from this data directory; one that
        no longer loads is skipped, with one warning per process naming it and why."""
        from .scoring.actors import load_pair

        watched = self.watched_pair()
        pairs = [watched]
        for pair_id in followed:
            if pair_id == watched.id or pair_id == self.pair:
                continue
            try:
                pairs.append(load_pair(pair_id, self.data_dir))
            except DataFileError as err:
                if (pair_id, self.data_dir) not in _WARNED:
                    _WARNED.add((pair_id, self.data_dir))
                    logger.warning("the database follows the pair %s, but it is not scored: %s", pair_id, err)
        return tuple(pairs)


_WARNED: set[tuple[str, str]] = set()  # followed pairs already warned about (a watcher polls again and again)


def _coerce(value: str, current: object) -> object:
    if isinstance(current, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):
        return float(value)
    return value


def load_settings(**overrides: object) -> Settings:
    """Defaults, then ``BAROMETER_*`` environment variables, then keyword overrides (None is ignored).

    Raises ValueError naming the variable for a malformed value, and DataFileError (a ValueError) when
    the pair's data file or a lexicon is missing or broken, so nothing runs on neutral placeholder scores.
    """
    base = Settings()
    # Each field has its own value type, so these maps hold Any: _coerce gives each environment value
    # its field's type, and the keyword overrides come from the CLI and the dashboard already typed.
    env: dict[str, Any] = {}
    for f in fields(Settings):
        raw = os.environ.get(f"BAROMETER_{f.name.upper()}")
        if raw not in (None, ""):
            try:
                env[f.name] = _coerce(raw, getattr(base, f.name))
            except ValueError as err:
                raise ValueError(f"BAROMETER_{f.name.upper()}={raw!r} is not a valid value: {err}") from err
    settings = replace(base, **env)
    given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    settings = replace(settings, **given)
    _validate(settings)
    if settings.db == str(DEFAULT_DB) and not DATA_DIR.exists():
        # The default home of an installed package's database is the user's own; make it on first use
        # (a --db or BAROMETER_DB in a missing directory stays an error naming it).
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)  # two first runs at once both succeed
        except OSError as err:
            raise ValueError(f"cannot create the default database directory {DATA_DIR}: {err.strerror}") from err
    # Absolute paths, so that a worker process with another working directory reads the same files.
    if settings.data_dir:
        settings = replace(settings, data_dir=str(Path(settings.data_dir).resolve()))
    if settings.pair.endswith(".toml"):
        settings = replace(settings, pair=str(Path(settings.pair).resolve()))
    return settings


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str, what: str = "interval") -> int:
    """Seconds in "30m", "2h", "1d", "90s" or "600"; ValueError naming ``what`` otherwise."""
    match = _DURATION.match(text or "")
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{what} {text!r} is not a duration (write 30m, 2h, 1d or a number of seconds)")
    return max(1, round(float(match.group(1)) * _UNITS[match.group(2).lower()]))


def _validate(settings: Settings) -> None:
    for name in (
        "concurrency",
        "per_host",
        "max_bytes",
        "max_paste_urls",
        "max_list_urls",
        "max_upload_files",
        "max_upload_bytes",
        "watch_max_links",
        "watch_max_failures",
    ):
        if getattr(settings, name) < 1:
            raise ValueError(f"{name} must be at least 1 (got {getattr(settings, name)})")
    parse_duration(settings.watch_every, "BAROMETER_WATCH_EVERY")  # checked here, so the dashboard names it too
    if settings.alert_freq not in ("day", "week", "month"):
        raise ValueError(f"BAROMETER_ALERT_FREQ: {settings.alert_freq!r} is not one of day, week, month")
    for name in ("workers", "retries", "max_redirects", "watch_webhook_retries"):
        if getattr(settings, name) < 0:
            raise ValueError(f"{name} must not be negative (got {getattr(settings, name)})")
    for part in settings.allow_networks.split(","):
        if part.strip():
            try:
                ipaddress.ip_network(part.strip(), strict=False)
            except ValueError as err:
                raise ValueError(f"BAROMETER_ALLOW_NETWORKS: {part.strip()!r} is not a network ({err})") from None
    if settings.data_dir and not Path(settings.data_dir).is_dir():
        raise DataFileError(f"BAROMETER_DATA_DIR: {settings.data_dir} is not a directory")
    from .scoring.actors import check_pair  # the scorer's modules load only once the plain settings are valid

    if problem := check_pair(settings.pair, settings.data_dir):
        raise DataFileError(problem)
