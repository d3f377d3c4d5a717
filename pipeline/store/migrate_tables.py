"""Whole tables read from and written to either engine, for ``pipeline.store.migrate``: each side's
catalogue (tables, columns, foreign keys) read from the database itself, rows in batches, and the
fast write of each engine (``executemany`` on SQLite, ``COPY ... FROM STDIN`` on PostgreSQL).

What is the engine's own is left out of the catalogue and rebuilt by the target: SQLite's internal,
virtual (full-text) and shadow tables, generated columns, PostgreSQL's ``schema_version`` row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import sqlite_files
from .base import StoreError

#: Rows read or written at a time: large enough that the per-batch cost vanishes, small enough to
#: keep a batch of article texts in memory.
BATCH = 5_000
#: The trigger function of PostgreSQL's change counter and article stamps (postgres_schema).
COUNTER_FUNCTION = "count_change"


@dataclass(frozen=True)
class Table:
    """One table as its database declares it: copyable columns in order, the tables its foreign keys
    reference, and the columns that give its rows their insertion order."""

    name: str
    columns: tuple[str, ...]
    references: frozenset[str] = field(default_factory=frozenset)
    order: tuple[str, ...] = ()


class Side(Protocol):
    """One database opened for a copy: the source (read in one snapshot) or the target (one transaction)."""

    name: str

    def catalogue(self) -> dict[str, Table]:
        """Every table with data of ours, by name."""

    def count(self, table: str) -> int:
        """Rows in ``table``."""

    def rows(self, table: str, columns: Sequence[str], order: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
        """The rows' ``columns``, ``BATCH`` at a time, in ``order`` (the source's insertion order)."""

    def clear(self, tables: Sequence[str]) -> None:
        """Delete every row of ``tables`` (given children first)."""

    def write(self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows`` into ``table``."""

    def after_copy(self, tables: dict[str, Table]) -> None:
        """Make the next insert get a fresh id (PostgreSQL's sequences) once every row is in."""

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        """Run one statement (``?`` marks)."""

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside the block all see one state of the database."""

    def counter_paused(self) -> AbstractContextManager[None]:
        """Inside the block (and the target's transaction), writes do not bump the change counter."""

    def transaction(self) -> AbstractContextManager[None]:
        """Writes inside the block commit together, or not at all."""

    def close(self) -> None:
        """Close the connection."""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(names: Sequence[str]) -> str:
    return ", ".join(_quoted(c) for c in names)


class SQLiteSide:
    """A SQLite file on one connection of its own (read-only for a source)."""

    def __init__(self, path: str, *, write: bool) -> None:
        self.name = path
        self._conn = sqlite_files.connect(path, create=False, read_only=not write)
        self._conn.row_factory = None  # plain tuples: the same rows as psycopg's

    def catalogue(self) -> dict[str, Table]:
        tables = {}
        # table_list types the FTS5 index "virtual" and its storage "shadow": the engine's, rebuilt
        # by the target's own triggers from the articles it receives.
        for name, without_rowid in self._conn.execute(
            "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
            " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        ):
            info = self._conn.execute("SELECT name, hidden, pk FROM pragma_table_xinfo(?) ORDER BY cid", (name,))
            described = info.fetchall()
            columns = tuple(c for c, hidden, _ in described if hidden == 0)  # 2, 3: generated columns
            keys = tuple(c for c, _, pk in sorted(described, key=lambda d: d[2]) if pk)
            references = {r[0] for r in self._conn.execute('SELECT "table" FROM pragma_foreign_key_list(?)', (name,))}
            tables[name] = Table(name, columns, frozenset(references - {name}), keys if without_rowid else ("rowid",))
        return tables

    def count(self, table: str) -> int:
        return int(self._conn.execute(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()[0])

    def rows(self, table: str, columns: Sequence[str], order: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
        by = f" ORDER BY {_columns(order)}" if order else ""
        cursor = self._conn.execute(f"SELECT {_columns(columns)} FROM {_quoted(table)}{by}")
        while batch := cursor.fetchmany(BATCH):
            yield batch

    def clear(self, tables: Sequence[str]) -> None:
        for table in tables:
            self._conn.execute(f"DELETE FROM {_quoted(table)}")

    def write(self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(columns))
        self._conn.executemany(f"INSERT INTO {_quoted(table)} ({_columns(columns)}) VALUES ({marks})", rows)

    def after_copy(self, tables: dict[str, Table]) -> None:
        pass  # an INTEGER PRIMARY KEY's next value is one past the largest stored

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        """Run one statement (``?`` marks)."""
        self._conn.execute(statement, params)

    @contextmanager
    def counter_paused(self) -> Iterator[None]:
        yield  # SQLite's counter triggers update their row in place: cheap, so left to run

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        self._conn.execute("BEGIN")  # deferred: the first read fixes the snapshot (WAL), writers go on
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def transaction(self) -> AbstractContextManager[None]:
        return sqlite_files.transaction(self._conn)

    def close(self) -> None:
        self._conn.close()

    def same_file(self, other: str) -> bool:
        """True when ``other`` names this very file (a copy onto itself would empty it)."""
        try:
            return Path(other).exists() and Path(self.name).samefile(other)
        except OSError:
            return False


class PostgresSide:
    """A PostgreSQL database on one connection of its own (not from the store's pool)."""

    #: The schema's version row: each database keeps its own, written by its migrations.
    ENGINE_TABLES = frozenset({"schema_version"})

    def __init__(self, url: str, name: str) -> None:
        import psycopg

        from .postgres_connect import CONNECT_TIMEOUT_S

        self.name = name
        self._conn = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True)

    def catalogue(self) -> dict[str, Table]:
        found = self._conn.execute(
            "SELECT c.relname, c.oid FROM pg_class c WHERE c.relkind IN ('r', 'p')"
            " AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname"
        ).fetchall()
        tables = {}
        for name, oid in found:
            if name in self.ENGINE_TABLES:
                continue
            columns = tuple(
                row[0]
                for row in self._conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped"
                    " AND attgenerated = '' ORDER BY attnum",
                    (oid,),
                )
            )
            references = {
                row[0]
                for row in self._conn.execute(
                    "SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = %s AND contype = 'f'", (oid,)
                )
            }
            keys = tuple(
                row[0]
                for row in self._conn.execute(
                    "SELECT a.attname FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)"
                    " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                    " WHERE i.indrelid = %s AND i.indisprimary ORDER BY k.n",
                    (oid,),
                )
            )
            # ``seq`` stands for SQLite's rowid (postgres_schema): the order rows were inserted in.
            order = ("seq",) if "seq" in columns else keys
            tables[name] = Table(name, columns, frozenset(r.strip('"') for r in references) - {name}, order)
        return tables

    def count(self, table: str) -> int:
        row = self._conn.execute(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()
        return int(row[0]) if row else 0

    def rows(self, table: str, columns: Sequence[str], order: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
        by = f" ORDER BY {_columns(order)}" if order else ""
        # A server-side cursor: the table streams in batches instead of arriving whole.
        with self._conn.cursor(name=f"migrate_{table}") as cursor:
            cursor.itersize = BATCH
            cursor.execute(f"SELECT {_columns(columns)} FROM {_quoted(table)}{by}")
            while batch := cursor.fetchmany(BATCH):
                yield batch

    def clear(self, tables: Sequence[str]) -> None:
        if tables:  # one TRUNCATE for all: no row triggers, and foreign keys between them allowed
            self._conn.execute(f"TRUNCATE {_columns(tables)}")

    def write(self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        with self._conn.cursor().copy(f"COPY {_quoted(table)} ({_columns(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def after_copy(self, tables: dict[str, Table]) -> None:
        # Ids were copied as they were: each identity (or serial) sequence is moved past the largest,
        # else the next insert would be given an id already taken.
        for table in tables.values():
            for column in table.columns:
                found = self._conn.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)", (_quoted(table.name), column)
                ).fetchone()
                if found and found[0]:
                    self._conn.execute(
                        f"SELECT setval(%s, COALESCE(MAX({_quoted(column)}), 0) + 1, false) FROM {_quoted(table.name)}",
                        (found[0],),
                    )

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        """Run one statement (``?`` marks, as SQLite's)."""
        self._conn.execute(statement.replace("?", "%s"), params)

    @contextmanager
    def counter_paused(self) -> Iterator[None]:
        # Each row written to articles, scores or overrides runs ``count_change`` (postgres_schema),
        # which updates the one ``changes`` row: within one transaction every update adds a version of
        # that row the next must step over, so a copy of 100,000 rows would take hours. Its triggers
        # are off while the tables are copied (inside the transaction: a rollback turns them back on).
        triggers = self._conn.execute(
            "SELECT t.tgrelid::regclass::text, t.tgname FROM pg_trigger t WHERE NOT t.tgisinternal"
            " AND t.tgfoid = %s::regproc AND t.tgenabled <> 'D'",
            (COUNTER_FUNCTION,),
        ).fetchall()
        for switch in ("DISABLE", "ENABLE"):
            for table, trigger in triggers:
                self._conn.execute(f"ALTER TABLE {table} {switch} TRIGGER {_quoted(trigger)}")
            if switch == "DISABLE":
                yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with self._conn.transaction():
            self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._conn.transaction():
            yield

    def close(self) -> None:
        self._conn.close()

    def token(self) -> str:
        """The database's own token (``changes.token``): two URLs with the same token name one database."""
        row = self._conn.execute("SELECT token FROM changes WHERE id = 1").fetchone()
        return str(row[0]) if row else ""


def driver_errors() -> tuple[type[BaseException], ...]:
    """The exceptions of both engines' drivers (psycopg's when it is installed)."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


def open_side(db: str, *, write: bool) -> SQLiteSide | PostgresSide:
    """A connection of its own to the database ``db`` (already created and migrated by ``Store.open``)."""
    from .database import Store, postgres_url, sqlite_path

    url = postgres_url(db)
    if url is None:
        path = sqlite_path(db)
        if path == sqlite_files.MEMORY:
            raise StoreError(f"{db}: an in-memory database cannot be copied to or from (name a file)")
        try:
            return SQLiteSide(path, write=write)
        except sqlite3.Error as err:
            raise StoreError.wrap(path, err) from err
    import psycopg

    name = Store.display_name(url)
    try:
        return PostgresSide(url, name)
    except psycopg.Error as err:
        from .postgres_connect import reason

        raise StoreError(f"database {name}: {reason(err, url)}") from err
