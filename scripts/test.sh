#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it (lint + types + pytest).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k ingest`.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Debian's Chromium drives the end-to-end browser test (playwright never downloads a browser here).
if [ ! -x /usr/bin/chromium ] || ! python3 -c "import ensurepip" >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium python3-venv >/dev/null
fi

# Debian's PostgreSQL server: tests/postgres.py starts a throwaway cluster from its binaries (the
# packaged cluster itself is not used; the package is installed for /usr/lib/postgresql/*/bin).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# LibreOffice Calc, headless, opens our CSVs in tests/test_spreadsheet.py to check that no cell is a formula.
if ! command -v soffice >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
fi

if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,cluster]"  # cluster: Dask, for tests/test_batch.py

.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/python -m mypy  # files and strictness: [tool.mypy] in pyproject.toml
.venv/bin/python -m pytest "$@"
