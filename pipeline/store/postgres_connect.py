"""Opening a PostgreSQL database named by a URL: one connection pool per database and process, the
checks made before anything is written (a missing database, a newer schema) and forward migration.

A pool outlives the ``Store`` that opened it: the dashboard opens a Store for every read, and a new
connection (with its password exchange) each time would cost more than the read.
"""

from __future__ import annotations

import atexit
import os
import re
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from .base import SchemaTooNew, StoreError
from .postgres_schema import MIGRATION_LOCK, MIGRATIONS, SCHEMA_VERSION, VERSION_TABLE
from .sqlite_schema import DEFAULT_PAIR_ID, with_backfill_pair

#: Connections a process keeps open to one database at most (the dashboard's threads share them).
POOL_MAX = 8
#: Seconds to wait for a connection, as SQLite waits on a busy database: then a StoreError.
WAIT_S = 30.0
CONNECT_TIMEOUT_S = 10
_POOLS_KEPT = 4  # pools kept open in a process (the most recently opened databases)

_pools: dict[tuple[str, bool, int], ConnectionPool] = {}
_lock = threading.Lock()


def reason(err: BaseException, url: str = "") -> str:
    """A driver's message on one line (libpq's span several), without the password of ``url``
    (libpq quotes a connection string it cannot parse)."""
    text = re.sub(r"\s+", " ", str(err) or type(err).__name__).strip()
    parts = urlsplit(url)
    for password in (parts.password, *parse_qs(parts.query).get("password", [])):
        if password:
            text = text.replace(password, "***")
    return text


def _error(name: str, err: BaseException, url: str) -> StoreError:
    why = reason(err, url)
    return StoreError(f"database {name}: {why}", reason=why)


def open_pool(url: str, name: str, *, create: bool, read_only: bool, pair: str = DEFAULT_PAIR_ID) -> ConnectionPool:
    """The pool of the database at ``url`` (``name``: the URL without its password), the database
    created when missing and allowed, its schema migrated forward (unless ``read_only``; rows stored
    before migration 9 recorded the pair are ``pair``'s)."""
    key = (url, read_only, os.getpid())  # a forked child must not share its parent's sockets
    with _lock:
        pool = _pools.get(key)
    if pool is None:
        version = check_database(url, name, create=create)
        if version is None:
            if read_only:
                raise StoreError(f"{name}: no such database (check --db / BAROMETER_DB)")
            _create_database(url, name)
            version = 0
        if read_only and version < SCHEMA_VERSION:
            raise StoreError(
                f"{name}: written by an older version (schema {version}, now {SCHEMA_VERSION}) and opened "
                "read-only, so it cannot be upgraded: open it once with write access"
            )
        new = _new_pool(url, read_only)
        with _lock:
            pool = _pools.setdefault(key, new)  # another thread may have opened one meanwhile
            while len(_pools) > _POOLS_KEPT:
                _pools.pop(next(iter(_pools))).close()
        if pool is not new:
            new.close()
    try:
        with pool.connection() as conn:
            if read_only:
                _refuse_newer(_version(conn), name)
            else:
                _migrate(conn, name, pair)
    except psycopg.Error as err:
        raise _error(name, err, url) from err
    return pool


def close_pools() -> None:
    """Close every pool of this process (tests, before dropping their databases; and at exit)."""
    with _lock:
        # A forked child holds copies of its parent's pools without their threads: it drops them.
        pools = [pool for (_, _, pid), pool in _pools.items() if pid == os.getpid()]
        _pools.clear()
    for pool in pools:
        pool.close()


atexit.register(close_pools)


def check_database(url: str, name: str, *, create: bool) -> int | None:
    """The schema version of the database (0 when it holds none of our tables), None when it does not
    exist and ``create`` allows making it; a StoreError when it cannot be reached or is too new."""
    for attempt in range(3):
        try:
            with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True) as conn:
                return _refuse_newer(_version(conn), name)
        except psycopg.OperationalError as err:
            found = _exists_now(url, err)
            if found is None or (found and attempt == 2):
                raise _error(name, err, url) from None
            if not found:
                break
            # Created by another process between our attempt and the check: connect again.
        except psycopg.Error as err:
            raise _error(name, err, url) from None
    if not create:
        raise StoreError(f"{name}: no such database (check --db / BAROMETER_DB)")
    return None


def writable(url: str) -> bool | None:
    """Whether this role may write the database: a primary (not a standby) where it may insert
    articles (or, before the schema exists, create tables); None when the database cannot be reached."""
    probe = (
        "SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only') = 'off' AND"
        " CASE WHEN to_regclass('articles') IS NULL THEN has_schema_privilege(current_schema(), 'CREATE')"
        " ELSE has_table_privilege('articles', 'INSERT') END"
    )
    with _lock:
        pool = _pools.get((url, False, os.getpid()))
    try:
        if pool is not None:  # the dashboard asks before each read: no new connection for it
            with pool.connection() as conn:
                row = conn.execute(probe).fetchone()
        else:
            with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True) as conn:
                row = conn.execute(probe).fetchone()
    except psycopg.Error:
        return None
    return bool(row and row[0])


def exists(url: str, name: str) -> bool:
    """True when the database exists (whether or not it holds our tables yet)."""
    try:
        return check_database(url, name, create=True) is not None
    except StoreError:
        return False


def _new_pool(url: str, read_only: bool) -> ConnectionPool:
    kwargs: dict[str, Any] = {"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S}
    if read_only:  # every transaction of these connections refuses writes, on the server's side
        kwargs["options"] = "-c default_transaction_read_only=on"
    pool = ConnectionPool(
        url,
        kwargs=kwargs,
        min_size=1,
        max_size=POOL_MAX,
        timeout=WAIT_S,
        check=ConnectionPool.check_connection,  # a connection the server closed is replaced, not handed out
        open=False,
        name="barometer-store-pool",  # its threads' names: pipeline.ingest.extractor forks past them
    )
    pool.open(wait=True, timeout=WAIT_S)
    return pool


def _version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    found = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
    return int(found[0]) if found else 0


def _refuse_newer(version: int, name: str) -> int:
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"{name}: database schema version {version} is newer than this program's ({SCHEMA_VERSION}); "
            "upgrade bilateral-barometer to use it"
        )
    return version


def _migrate(conn: psycopg.Connection[Any], name: str, pair: str) -> None:
    if _refuse_newer(_version(conn), name) == SCHEMA_VERSION:
        return
    # Under a lock, and the version read again: another process may be migrating the same database.
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(VERSION_TABLE)
        for target in range(_refuse_newer(_version(conn), name) + 1, SCHEMA_VERSION + 1):
            conn.execute(with_backfill_pair(MIGRATIONS[target], pair).encode())  # several statements, no parameters
            conn.execute(
                "INSERT INTO schema_version (id, version) VALUES (1, %s)"
                " ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version",
                (target,),
            )


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _maintenance_url(url: str) -> str:
    """The same server and role, on the ``postgres`` database every cluster has."""
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _exists_now(url: str, err: psycopg.OperationalError) -> bool | None:
    """After connecting failed with ``err``: whether the database exists now (asked of the server on
    its ``postgres`` database), None when the failure was about something else."""
    database = _database_name(url)
    if not database or f'"{database}"' not in str(err):  # other failures name no database
        return None
    try:
        with psycopg.connect(_maintenance_url(url), connect_timeout=CONNECT_TIMEOUT_S, autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is not None
    except psycopg.Error:
        return False if "does not exist" in str(err) else None


def _create_database(url: str, name: str) -> None:
    try:
        with psycopg.connect(_maintenance_url(url), connect_timeout=CONNECT_TIMEOUT_S, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_database_name(url))))
    except psycopg.Error as err:
        # Another process creating it at the same moment: "already exists", or a unique violation
        # in the catalogue when both got past the check.
        if exists(url, name):
            return
        raise StoreError(
            f"cannot create the database {name}: {reason(err, url)} (create it with createdb, or check --db /"
            " BAROMETER_DB)",
            reason=reason(err, url),
        ) from None
