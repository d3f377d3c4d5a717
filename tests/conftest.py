"""Shared fixtures: a real SQLite file in tmp_path, a real PostgreSQL database (``store_db`` gives
either, ``postgres_url`` the latter; tests/postgres.py), a real HTTP server on 127.0.0.1, test settings.

Every test runs with ``BAROMETER_DB`` pointing at a throwaway file, and the session fails if the
user's own database (``data/barometer.sqlite``) was created or changed while the tests ran.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.settings import DEFAULT_DB, Settings, load_settings
from tests import postgres
from tests.browser import dashboard  # noqa: F401  (the real-browser tests' fixture: streamlit on a free port)
from tests.httpserver import TestServer
from tests.postgres import postgres_url  # noqa: F401  (a fresh database on the session's PostgreSQL server)

USER_DB = DEFAULT_DB


def user_db_state(path: Path = USER_DB) -> list[tuple[str, int, int, bytes]]:
    """Name, size, modification time and first bytes of the database and its -wal / -shm files."""
    state = []
    for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if part.exists():
            info = part.stat()
            with part.open("rb") as fh:
                state.append((part.name, info.st_size, info.st_mtime_ns, fh.read(4096)))
    return state


_user_db_before = user_db_state()  # when pytest loads this file, before any test runs


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    postgres.stop()
    after = user_db_state()
    if after != _user_db_before:
        changed = ", ".join(name for name, *_ in after) or "its files were removed"
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"the tests created or changed the user's database {USER_DB} ({changed})"
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_sep("!", message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def throwaway_default_database(tmp_path_factory):
    """Point BAROMETER_DB at a temporary file for the whole session (AppTest runs and worker
    processes inherit it), so a test that forgets its own database cannot write the user's."""
    path = tmp_path_factory.mktemp("default-db") / "barometer.sqlite"
    saved = os.environ.get("BAROMETER_DB")
    os.environ["BAROMETER_DB"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("BAROMETER_DB", None)
    else:
        os.environ["BAROMETER_DB"] = saved


@pytest.fixture(scope="session", autouse=True)
def throwaway_cache_directory(tmp_path_factory):
    """Point XDG_CACHE_HOME (the unpacked language model, pipeline.langid_model) at a temporary directory."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture
def rules_only(monkeypatch):
    """Score with the rules alone, without the word-stem model: for the tests that pin what one rule does
    (a cue matched or not, a turn, a share). test_stems.py pins the stem model, and the end-to-end
    tests (ingest, demo, export, alerts) score with both, as users do."""
    import pipeline.scoring.score as score
    from pipeline.scoring.stems import NO_STEMS

    monkeypatch.setattr(score, "load_stems", lambda data_dir="": NO_STEMS)


@pytest.fixture
def server():
    with TestServer("127.0.0.1") as srv:
        yield srv


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "barometer.sqlite"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request, tmp_path):
    """The database of a test run on both backends: a SQLite file's path, or a fresh PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "t.sqlite")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def settings(db_path) -> Settings:
    # Short timeouts and backoff keep the failure tests fast; the guard is off to reach 127.0.0.1.
    return load_settings(
        db=str(db_path),
        allow_private=True,
        connect_timeout=2.0,
        total_timeout=2.0,
        retries=2,
        backoff=0.05,
        max_retry_after=3.0,
        workers=1,
    )
