"""Only the store speaks to the database drivers: no module outside pipeline/store imports sqlite3,
psycopg or psycopg_pool."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "pipeline" / "store"
DRIVERS = ("sqlite3", "psycopg", "psycopg_pool")


def driver_imports(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line`` of each import of a database driver (or a submodule) in one Python file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name.split(".")[0] in DRIVERS for name in names):
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_module_outside_the_store_imports_a_database_driver():
    modules = [p for p in (ROOT / "pipeline").rglob("*.py") if STORE not in p.parents]
    modules.append(ROOT / "dashboard.py")
    assert len(modules) > 20  # the scan sees the package (a wrong ROOT would pass vacuously)
    assert [hit for path in modules for hit in driver_imports(path)] == []


def test_the_scan_finds_every_form_of_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import os, sqlite3\nfrom sqlite3 import Connection\nimport sqlite3.dbapi2 as db\nfrom .store import sqlite\n"
        "import psycopg\nfrom psycopg.rows import dict_row\nfrom psycopg_pool import ConnectionPool\n"
        "import psycopg2x\n",
        encoding="utf-8",
    )
    assert driver_imports(module, tmp_path) == ["m.py:1", "m.py:2", "m.py:3", "m.py:5", "m.py:6", "m.py:7"]
