"""A real PostgreSQL server for the tests: Debian's binaries, a cluster made by ``initdb`` in a
temporary directory, listening on a free port of 127.0.0.1, one fresh database per test.

Written here rather than taken from pytest-postgresql: the fixture is fifty lines, and running as
root (CI does) needs the server started as another user (``runuser -u postgres``, the user Debian's
package creates), which that plugin does not do. Under CI (``CI`` set) a server that cannot start
fails the tests that need it; elsewhere they are skipped, with the reason.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

USER = "barometer"
PASSWORD = "test-s3cret"  # host connections use scram-sha-256, so URLs carry a password as in production


def _binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` with initdb, or the directory of ``initdb`` on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """One PostgreSQL cluster in a temporary directory, started on construction; ``stop()`` removes it."""

    def __init__(self) -> None:
        bin_dir = _binaries()
        if bin_dir is None:
            raise RuntimeError("no PostgreSQL binaries (install Debian's postgresql package)")
        self._bin = bin_dir
        # Outside pytest's tmp_path: that one is private to its owner, and as root the server runs
        # as the postgres user, who must reach its directory.
        self.dir = Path(tempfile.mkdtemp(prefix="barometer-pg-"))
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.dir, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self._names = itertools.count(1)

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self._as, *command], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()}")

    def _start(self) -> None:
        password_file = self.dir / "password"
        password_file.write_text(PASSWORD)
        if self._as:
            shutil.chown(password_file, "postgres")
        data = self.dir / "data"
        self._run(
            str(self._bin / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            f"--pwfile={password_file}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        for attempt in range(5):  # the port found free may be taken before the server binds it
            self.port = _free_port()
            # Durability is not under test here: without fsync the suite does not wait on the disk.
            options = (
                f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
                " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            try:
                self._run(
                    str(self._bin / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(self.dir / "log"),
                    "-w",
                    "-o",
                    options,
                    "start",
                )
                return
            except RuntimeError:
                if attempt == 4:
                    log = (self.dir / "log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the PostgreSQL server did not start: {log}") from None

    def url(self, database: str) -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def admin(self):  # a psycopg connection to the maintenance database, autocommit
        import psycopg

        return psycopg.connect(self.url("postgres"), autocommit=True)

    def create_database(self) -> str:
        """A new empty database; its URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def stop(self) -> None:
        if (self.dir / "data" / "postmaster.pid").exists():
            subprocess.run(
                [*self._as, str(self._bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.dir, ignore_errors=True)


_server: Server | None = None
_failure: str | None = None


def server() -> Server:
    """The session's server, started on first use; a test that needs it fails under CI and is
    skipped elsewhere when it cannot start."""
    global _server, _failure
    if _server is None and _failure is None:
        try:
            import psycopg  # noqa: F401
        except ImportError as err:
            _failure = f"psycopg is not installed ({err})"
        else:
            try:
                _server = Server()
            except (RuntimeError, OSError, subprocess.SubprocessError, KeyError, LookupError) as err:
                _failure = str(err)
    if _server is None:
        reason = f"PostgreSQL server unavailable: {_failure}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return _server


def stop() -> None:
    """Stop the session's server (at the end of the session)."""
    global _server
    if _server is not None:
        _server.stop()
        _server = None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database, dropped after the test."""
    srv = server()
    url = srv.create_database()
    yield url
    from pipeline.store import postgres

    postgres.close_pools()
    srv.drop_database(url)


def is_url(db: object) -> bool:
    return isinstance(db, str) and db.startswith("postgresql://")


def query(db: object, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    """Rows of one statement run outside the store on a SQLite file or a PostgreSQL URL (``?`` marks)."""
    if is_url(db):
        import psycopg

        with psycopg.connect(str(db), autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params) if params else conn.execute(sql)
            return [tuple(row) for row in cur.fetchall()] if cur.description else []
    import sqlite3

    conn = sqlite3.connect(db, isolation_level=None)
    try:
        return [tuple(row) for row in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()
