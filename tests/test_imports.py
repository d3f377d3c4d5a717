"""Imports run downward: the reading side of the dashboard (views, charts, jobs) does not load the
ingest or trafilatura. Each import runs in a fresh interpreter, so modules earlier tests loaded
do not hide a wrong edge."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Modules a reader of the database needs; none of them may pull in the writing side.
READING_SIDE = ("pipeline.charts", "pipeline.views", "pipeline.jobs")
WRITING_SIDE = ("trafilatura", "pipeline.ingest", "pipeline.extract", "pipeline.fetch")


def loaded_after_import(module: str) -> set[str]:
    """The names in ``sys.modules`` after a fresh interpreter imports ``module``."""
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"importing {module} failed:\n{done.stderr}"
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("module", READING_SIDE)
def test_reading_side_does_not_import_the_ingest_or_trafilatura(module):
    loaded = loaded_after_import(module)
    assert module in loaded
    assert not loaded & set(WRITING_SIDE), f"{module} imports {sorted(loaded & set(WRITING_SIDE))}"


def test_the_ingest_still_reaches_its_report_types_through_the_old_names():
    """Callers that import the report types from ``pipeline.ingest`` (the CLI, scripts) keep working."""
    from pipeline import ingest, jobs, report

    assert ingest.IngestReport is report.IngestReport and ingest.Outcome is report.Outcome
    assert ingest.Progress is report.Progress is jobs.Progress
    assert ingest.STATUS_LABELS is report.STATUS_LABELS
