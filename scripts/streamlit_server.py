"""`streamlit run dashboard.py` on a free port of 127.0.0.1 over a given database, waited for until it
answers, and the Chromium that drives it: what scripts/screenshots.py and the real-browser tests
(tests/browser.py) share."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # Debian's: playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class DashboardError(RuntimeError):
    """Streamlit exited or did not answer; the message carries its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 45.0) -> None:
    """Return once `url`'s health check answers 200; raise DashboardError if streamlit exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DashboardError(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise DashboardError(f"streamlit did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')}")


@contextmanager
def running_dashboard(db: Path, log: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run the dashboard over `db` (an empty one loads the demo), its output in `log`; yield its URL."""
    port = free_port()
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
    environment = {**os.environ, **(env or {}), "BAROMETER_DB": str(db)}
    with log.open("wb") as out:
        # From the repository root, so that .streamlit/config.toml is read as it is by `streamlit run`.
        proc = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
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
