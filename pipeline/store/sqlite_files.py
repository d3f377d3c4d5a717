"""Opening a SQLite database file: checks before anything is written, WAL mode, forward migration.

A file is refused (StoreError naming it and the reason) when it is missing and should exist, cannot
be created, cannot be written and should be, or was written by a newer version of this program;
its version is read on a read-only connection first, so a refused file is not changed by a byte.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .base import SchemaTooNew, StoreError
from .sqlite_schema import DEFAULT_PAIR_ID, MIGRATIONS, SCHEMA_VERSION, statements, with_backfill_pair

BUSY_TIMEOUT_MS = 30_000
MEMORY = ":memory:"


def connect(
    path: str, *, create: bool = True, read_only: bool = False, pair: str = DEFAULT_PAIR_ID
) -> sqlite3.Connection:
    """Open the database file in WAL mode, migrated to the current schema (rows stored before the
    pair was recorded, migration 9, are ``pair``'s).

    ``create`` False refuses a file that does not exist (commands that only read); a new file is never
    created in a directory that does not exist. ``read_only`` opens without writing anything (no WAL
    switch, no migration). A file from a newer schema is refused before anything is written to it.
    """
    if path == MEMORY:
        conn = _open(MEMORY)
    else:
        file = Path(path)
        version = check_database(file, create=create)
        if read_only:
            return _open_read_only(file, version)
        if version is not None:
            _check_writable(file)
        conn = _open(path)
    try:
        if path != MEMORY:
            _set_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")  # safe in WAL: a crash loses no committed page
        _migrate(conn, pair)
    except BaseException:
        conn.close()  # a refusal or a failed migration must not leave the file open
        raise
    return conn


def check_database(path: Path, *, create: bool) -> int | None:
    """The schema version of an existing database file, None when it will be created; raises
    StoreError when the file is missing (and ``create`` is False), cannot be created or is too new."""
    if path.is_dir():
        raise StoreError(f"database {path} is a directory, not a file (check --db / BAROMETER_DB)")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no such database (check --db / BAROMETER_DB)")
        if not path.parent.is_dir():
            raise StoreError(
                f"cannot create the database {path}: the directory {path.parent} does not exist "
                "(create it first, or check --db / BAROMETER_DB)"
            )
        return None
    return _refuse_newer(_peek_version(path), path)


def is_writable(path: Path) -> bool:
    """True when this process may write the file and create its -wal/-shm files next to it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _refuse_newer(version: int, where: object) -> int:
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"{where}: database schema version {version} is newer than this program's ({SCHEMA_VERSION}); "
            "upgrade bilateral-barometer"
        )
    return version


def _open(target: str, *, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False, uri=uri
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _peek_version(path: Path) -> int:
    # On a read-only connection: reading the version must not change the file (no WAL switch).
    if not os.access(path, os.R_OK):
        raise StoreError(f"{path}: cannot read the database file (permission denied)")
    conn = _reader(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _reader(path: Path) -> sqlite3.Connection:
    """A connection that never writes: ``mode=ro``, or ``immutable`` where ``mode=ro`` cannot open it."""
    base = path.resolve().as_uri()
    try:
        conn = _open(f"{base}?mode=ro", uri=True)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn
    except sqlite3.OperationalError as err:
        first_error = err
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: cannot read it as a SQLite database ({err})") from None
    # A WAL file in a read-only directory: SQLite cannot create the shared-memory file it reads
    # through. With no -wal file left, every committed change is in the main file, and nobody can be
    # writing (a writer would need that -wal file), so reading it as immutable is safe.
    if Path(f"{path}-wal").exists():
        raise StoreError(
            f"{path}: cannot be opened read-only ({first_error}); its directory is read-only and "
            f"{path.name}-wal holds changes not yet in the file"
        )
    try:
        conn = _open(f"{base}?immutable=1", uri=True)
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: cannot be opened read-only ({err})") from None


def _check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise StoreError(f"{path}: the database file is read-only, so nothing can be stored in it")
    if not os.access(path.parent, os.W_OK):
        raise StoreError(
            f"{path}: its directory {path.parent} is read-only, and SQLite in WAL mode must create "
            f"{path.name}-wal and {path.name}-shm next to the file to write it"
        )


def _open_read_only(path: Path, version: int | None) -> sqlite3.Connection:
    if version is None:
        raise StoreError(f"{path}: no such database (check --db / BAROMETER_DB)")
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by an older version (schema {version}, now {SCHEMA_VERSION}) and opened "
            "read-only, so it cannot be upgraded: open it once with write access"
        )
    return _reader(path)


def _set_wal(conn: sqlite3.Connection) -> None:
    # Switching to WAL needs a moment alone with the file; another process opening it at the same
    # time makes the pragma fail at once instead of waiting, so wait and retry.
    for attempt in range(100):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 99:
                raise
            time.sleep(0.05)


def _migrate(conn: sqlite3.Connection, pair: str) -> None:
    if _schema_version(conn) == SCHEMA_VERSION:
        return
    # Read the version again inside the write lock: another process may have migrated meanwhile.
    with transaction(conn):
        for target in range(_schema_version(conn) + 1, SCHEMA_VERSION + 1):
            for statement in statements(MIGRATIONS[target]):
                conn.execute(with_backfill_pair(statement, pair))
            conn.execute(f"PRAGMA user_version = {target}")


def _schema_version(conn: sqlite3.Connection) -> int:
    # Checked again on the open connection: another program may have upgraded the file meanwhile.
    path = conn.execute("PRAGMA database_list").fetchone()["file"] or "database"
    return _refuse_newer(conn.execute("PRAGMA user_version").fetchone()[0], path)


@contextmanager
def transaction(conn: sqlite3.Connection, savepoint: str | None = None) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT (or a savepoint inside an open transaction), rolled back on any
    exception so stored data stays intact."""
    conn.execute(f"SAVEPOINT {savepoint}" if savepoint else "BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if savepoint:
            conn.execute(f"ROLLBACK TO {savepoint}")
            conn.execute(f"RELEASE {savepoint}")
        else:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute(f"RELEASE {savepoint}" if savepoint else "COMMIT")
    except sqlite3.Error:
        # A failed COMMIT (say, a full disk) leaves the transaction open: end it, or every later
        # write on this connection would fail with "cannot start a transaction within a transaction".
        if not savepoint and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
