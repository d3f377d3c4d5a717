"""The demo corpora of the four shipped pairs: each pair's pages are what scripts/build_demo.py renders
from its articles.toml (kz-ru's unchanged), every page passes scripts/check_demo.py, the three new
corpora have the agreed shape, and ``load_demos`` loads several pairs into one database, each pair's
pages scored under that pair."""

from __future__ import annotations

import importlib
import sqlite3
import subprocess
import sys
import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pipeline import demo
from pipeline.demo import load_demos, pair_events, shipped_pairs
from pipeline.report import IngestReport
from pipeline.resources import PACKAGE_DATA
from pipeline.scoring.actors import load_pair
from pipeline.scoring.pair_data import scorer_version
from pipeline.scoring.score import SCORER_BASE
from pipeline.settings import load_settings
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ("am-ru", "kz-cn", "kz-ru", "uz-ru")
OWN_LANGUAGE = {"am-ru": "hy", "uz-ru": "uz", "kz-cn": "kk"}


@pytest.fixture
def scripts(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType]:
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    return importlib.import_module("build_demo"), importlib.import_module("check_demo")


def _articles(pair: str) -> list[dict[str, Any]]:
    with (PACKAGE_DATA / "pairs" / pair / "demo" / "articles.toml").open("rb") as fh:
        return list(tomllib.load(fh)["article"])


@pytest.mark.parametrize("pair", PAIRS)
def test_each_pairs_pages_are_what_build_demo_renders_from_its_toml(pair, scripts, tmp_path):
    build_demo, _ = scripts
    articles_file, pages_dir = build_demo.demo_paths(pair)
    written = build_demo.build(articles_file, tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in pages_dir.glob("*.html"))
    for page in written:
        assert page.read_bytes() == (pages_dir / page.name).read_bytes(), f"{pair}/{page.name} is stale"


def test_the_scripts_take_a_pair_all_or_the_default_and_name_an_unknown_one(scripts):
    build_demo, _ = scripts
    assert build_demo.demo_pairs() == list(PAIRS)
    assert build_demo.chosen_pairs([]) == ["kz-ru"]
    assert build_demo.chosen_pairs(["--pair", "all"]) == list(PAIRS)
    with pytest.raises(SystemExit, match="no demo for pair 'ge-ru'"):
        build_demo.chosen_pairs(["--pair", "ge-ru"])


def test_check_demo_passes_every_page_of_every_pair():
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_demo.py"), "--pair", "all"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    summaries = [line for line in run.stdout.splitlines() if line.startswith("pages checked")]
    assert summaries == [
        f"pages checked: {n}; passed: {n}; failed: 0" for n in (len(_articles(pair)) for pair in PAIRS)
    ]


def test_check_demo_finds_chrome_in_the_text_and_a_language_the_page_is_not_in(scripts, tmp_path):
    build_demo, check_demo = scripts
    articles_file, pages_dir = build_demo.demo_paths("am-ru")
    article = next(a for a in build_demo.load_articles(articles_file) if a.id == "hy-01")
    page = (pages_dir / "hy-01.html").read_text(encoding="utf-8")
    assert check_demo.check_article(article, [], pages_dir) == []
    # the newsletter's words slipped into the article body: the text is no longer exactly the body
    (tmp_path / "hy-01.html").write_text(
        page.replace("</p>\n</div>", "</p>\n<p>Բաժանորդագրվեք լրատուին ամեն առավոտ։</p>\n</div>", 1), encoding="utf-8"
    )
    assert any("not exactly the body" in p for p in check_demo.check_article(article, [], tmp_path))
    # an Armenian article filed as Uzbek
    problems = check_demo.check_article(replace(article, language="uz"), [], pages_dir)
    assert "language identified as 'hy', not 'uz'" in problems
    assert any("not Uzbek in the Latin alphabet" in p for p in problems)


@pytest.mark.parametrize("pair", sorted(OWN_LANGUAGE))
def test_a_new_pairs_demo_has_the_agreed_shape(pair):
    articles = _articles(pair)
    assert 24 <= len(articles) <= 30
    assert {a["language"] for a in articles} == {"en", "ru", OWN_LANGUAGE[pair]}
    for language in ("en", "ru", OWN_LANGUAGE[pair]):
        outlets = {a["source"] for a in articles if a["language"] == language}
        assert len(outlets) == 3, (pair, language, outlets)
    assert all(a["url"].split("/")[2].endswith(".example") for a in articles)
    assert 2 <= sum(a["stance"] == "offtopic" for a in articles) <= 4
    assert len([a for a in articles if a.get("syndicated_of")]) == 1
    assert all(date(2019, 1, 1) <= date.fromisoformat(a["date"]) <= date(2025, 12, 31) for a in articles)
    words = {a["id"]: len(a["body"].split()) for a in articles}
    assert all(120 <= n <= 220 for n in words.values()), words
    stances = {a["stance"] for a in articles}
    assert {"cooperation", "tension"} <= stances


def test_load_demos_scores_each_pairs_pages_under_that_pair_with_one_progress_count(tmp_path):
    settings = load_settings(db=str(tmp_path / "two.sqlite"))
    seen: list[tuple[int, int]] = []
    report = load_demos(settings, ["am-ru", "kz-cn"], progress=lambda done, total, _o: seen.append((done, total)))
    expected = len(_articles("am-ru")) + len(_articles("kz-cn"))
    assert report.total == expected and report.count("failed") == 0
    assert seen == [(n, expected) for n in range(1, expected + 1)]
    versions = {pair: scorer_version(SCORER_BASE, load_pair(pair)) for pair in ("am-ru", "kz-cn")}
    with sqlite3.connect(settings.db) as conn:
        scored = set(
            conn.execute("SELECT a.url, s.scorer_version FROM articles a JOIN scores s ON s.article_id = a.id")
        )
        labels = {row[0] for row in conn.execute("SELECT label FROM events")}
    for pair in ("am-ru", "kz-cn"):
        assert {(a["url"], versions[pair]) for a in _articles(pair)} <= scored
    assert labels == {e.label for e in pair_events("am-ru") + pair_events("kz-cn")}
    again = load_demos(settings, ["kz-cn"])
    assert again.count("stored") == 0 and again.total == len(_articles("kz-cn"))


def test_load_demos_has_a_store_of_several_pairs_follow_each_pair_before_ingesting(tmp_path, monkeypatch):
    calls: list[tuple[str, str]] = []

    def follow(self: Store, pair_id: str) -> bool:
        calls.append(("follow", pair_id))
        return True

    def add_demo_events(self: Store, events: list[Any], pair: str | None = None) -> int:
        calls.append(("events", str(pair)))
        return 0

    def ingest(items: list[Any], settings: Any, **_kw: Any) -> IngestReport:
        calls.append(("ingest", settings.pair))
        return IngestReport()

    monkeypatch.setattr(Store, "follow", follow, raising=False)
    monkeypatch.setattr(Store, "add_demo_events", add_demo_events)
    monkeypatch.setattr(demo, "ingest_html", ingest)
    load_demos(load_settings(db=str(tmp_path / "f.sqlite")), ["uz-ru", "am-ru"])
    assert calls == [
        ("follow", "uz-ru"),
        ("follow", "am-ru"),
        ("ingest", "uz-ru"),
        ("events", "uz-ru"),
        ("ingest", "am-ru"),
        ("events", "am-ru"),
    ]


def test_all_means_every_shipped_pair_once_and_an_unknown_pair_is_named(tmp_path):
    assert shipped_pairs() == list(PAIRS)
    assert demo._pair_ids(["kz-ru", "all"], "") == ["kz-ru", "am-ru", "kz-cn", "uz-ru"]
    with pytest.raises(ValueError, match="pair 'ge-ru'"):
        load_demos(load_settings(db=str(tmp_path / "x.sqlite")), ["ge-ru"])
