"""What the real-browser tests share: `streamlit run dashboard.py` on a free port over a temporary
database (a fixture), headless Debian Chromium through playwright (`launch_browser`)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from scripts.streamlit_server import CHROMIUM, CHROMIUM_ARGS, DashboardError, running_dashboard

# Screenshots for a person to look at after a run: outside the checkout (tests write only to temporary
# places), in BAROMETER_TEST_ARTIFACTS when set (a CI job can keep that folder).
ARTIFACTS = Path(os.environ.get("BAROMETER_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "barometer-test-artifacts")
COUNT = re.compile(r"(\d+) articles? in the database")


def require_chromium() -> None:
    """Skip outside CI when Debian's Chromium is missing; fail in CI, where scripts/test.sh installs it."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def launch_browser(pw):
    """Headless Chromium from Debian (playwright never downloads a browser here)."""
    require_chromium()
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def article_count(page) -> int:
    """The article count in the header's caption."""
    text = page.get_by_text(COUNT).first.inner_text()
    return int(COUNT.search(text).group(1))


@pytest.fixture
def dashboard(tmp_path):
    """`streamlit run dashboard.py` on a free port over an empty database; yields its URL."""
    env = {"BAROMETER_ALLOW_PRIVATE": "1", "BAROMETER_RETRIES": "0"}
    try:
        with running_dashboard(tmp_path / "barometer.sqlite", tmp_path / "streamlit.log", env) as url:
            yield url
    except DashboardError as err:
        pytest.fail(str(err))
