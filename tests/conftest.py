"""Shared fixtures: a real SQLite file in tmp_path, a real HTTP server on 127.0.0.1, test settings."""

from __future__ import annotations

import pytest

from pipeline.settings import Settings, load_settings
from tests.httpserver import TestServer


@pytest.fixture
def server():
    with TestServer("127.0.0.1") as srv:
        yield srv


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "barometer.sqlite"


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
