"""A wheel built from the repository and installed into a fresh virtual environment, outside the checkout,
scores as the checkout does: the lexicons, the pairs and the demo travel inside it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from pipeline.demo import demo_pages

ROOT = Path(__file__).resolve().parent.parent
# Invented: Moscow bans imports from Kazakhstan, Astana protests and summons the ambassador.
RU_TENSION = "Россия запретила ввоз казахстанской продукции. Астана выразила протест Москве и вызвала посла России."

# Run by the installed copy, from a directory outside the checkout.
PROBE = """
import json, sys
import pipeline
from pipeline import score_article
from pipeline.demo import demo_pages
score = score_article(sys.argv[1])
print(json.dumps({
    "file": pipeline.__file__,
    "tension": score.tension,
    "evidence": [e.sentence for e in score.evidence],
    "demo_pages": [p.name for p in demo_pages()],
}))
"""


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args}: {result.stderr[-3000:]}"
    return result


def test_an_installed_wheel_scores_with_its_own_data_outside_the_checkout(tmp_path):
    # Build from a copy of the package's sources: a build writes build/ and *.egg-info into the tree.
    source = tmp_path / "source"
    shutil.copytree(ROOT / "pipeline", source / "pipeline", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    _run(sys.executable, "-m", "pip", "wheel", source, "--no-deps", "-q", "-w", tmp_path / "wheels", cwd=tmp_path)
    (wheel,) = (tmp_path / "wheels").glob("bilateral_barometer-*.whl")

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = (sys.executable, "-m", "pip", "--python", python)
    _run(*pip, "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    # The dependencies (streamlit, polars, ...) are borrowed from this environment rather than installed
    # again (a minute and a half): a plain path line in a .pth file, so this environment's own .pth
    # files, among them the editable install of the checkout, are not run.
    target = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path)
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(target.stdout.strip()) / "borrowed-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAROMETER_", "PYTHON"))}
    probe = json.loads(_run(python, "-c", PROBE, RU_TENSION, cwd=elsewhere, env=env).stdout)

    installed = Path(probe["file"]).resolve()
    assert installed.is_relative_to(venv.resolve()) and not installed.is_relative_to(ROOT)
    assert probe["tension"] > 0.5
    assert probe["evidence"] and all(sentence in RU_TENSION for sentence in probe["evidence"])
    assert probe["demo_pages"] == [p.name for p in demo_pages()] and len(probe["demo_pages"]) > 10

    # The command line of the installed copy too, on a file.
    article = elsewhere / "article.txt"
    article.write_text(RU_TENSION, encoding="utf-8")
    scored = json.loads(_run(python, "-m", "pipeline", "score", article, cwd=elsewhere, env=env).stdout)
    assert scored["tension"] == probe["tension"]

    # Without --db, the installed copy keeps its database in the user's data directory (not in
    # site-packages' parent folder), made on first use.
    page = elsewhere / "page.html"
    page.write_text(f"<html><body><article><p>{RU_TENSION}</p></article></body></html>", encoding="utf-8")
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    _run(python, "-m", "pipeline", "ingest-html", page, cwd=elsewhere, env=env)
    assert (tmp_path / "xdg" / "bilateral-barometer" / "barometer.sqlite").is_file()
