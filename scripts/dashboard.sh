#!/usr/bin/env bash
# Install the project in .venv and open the dashboard (it loads the bundled demo corpus on first run).
# Extra arguments go to `streamlit run`, e.g. `bash scripts/dashboard.sh --server.port 8502`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import ensurepip" >/dev/null 2>&1; then
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv >/dev/null
fi
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
# Install once per version of pyproject.toml: later starts skip pip (it takes 15-20 s even when
# there is nothing to do).
stamp=".venv/.dashboard-installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e .
  rm -f .venv/.dashboard-installed-*
  touch "$stamp"
fi
exec .venv/bin/python -m streamlit run dashboard.py --browser.gatherUsageStats false "$@"
