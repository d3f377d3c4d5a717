"""What the real-browser tests share: `streamlit run dashboard.py` on a free port over a temporary
database (a fixture), headless Debian Chromium through playwright (`launch_browser`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.httpserver import free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
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


def wait_until_serving(url: str, proc: subprocess.Popen, log: Path, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')}")


@pytest.fixture
def dashboard(tmp_path):
    """`streamlit run dashboard.py` on a free port over an empty database; yields its URL."""
    port = free_port()
    env = dict(
        os.environ,
        BAROMETER_DB=str(tmp_path / "barometer.sqlite"),
        BAROMETER_ALLOW_PRIVATE="1",
        BAROMETER_RETRIES="0",
    )
    log = tmp_path / "streamlit.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
