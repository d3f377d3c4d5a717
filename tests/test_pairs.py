"""The shipped pairs (kz-ru, am-ru, uz-ru, kz-cn) as a user switches between them: invented articles
scored under their own pair and not under Kazakhstan–Russia, the pair's title on the page and in the
CLI help, its own key events and its own demo (no other pair's), and a scorer version that follows the data."""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline import SCORER_VERSION, score_article
from pipeline.cli import _parser, main
from pipeline.demo import demo_dir, demo_pages, load_events, pair_events
from pipeline.ingest import HtmlItem, ingest_html
from pipeline.rescore import rescore_all
from pipeline.resources import PACKAGE_DATA
from pipeline.scoring.actors import check_pair, load_pair, sides_in
from pipeline.scoring.lexicon import LEXICON_DIR
from pipeline.scoring.pair_data import scorer_version, watched_pair_title
from pipeline.scoring.score import SCORER_BASE
from pipeline.scoring.sentences import split_sentences, tokenize
from pipeline.settings import load_settings
from pipeline.store import Store
from tests.httpserver import article_html

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ("am-ru", "uz-ru", "kz-cn")
TITLES = {
    "kz-ru": "Kazakhstan–Russia",
    "am-ru": "Armenia–Russia",
    "uz-ru": "Uzbekistan–Russia",
    "kz-cn": "Kazakhstan–China",
}
COUNTED, TENSE = 0.3, 0.2  # the defaults: relevance that counts an article, tension that calls it tense


def _items() -> list[tuple[str, dict]]:
    return [
        (pair, json.loads(line))
        for pair in PAIRS
        for line in (Path(__file__).parent / "data" / "pairs" / f"{pair}.jsonl").read_text("utf-8").splitlines()
    ]


@pytest.mark.parametrize(("pair", "item"), _items(), ids=lambda v: v["id"] if isinstance(v, dict) else v)
def test_an_invented_article_scores_right_under_its_pair_and_is_not_about_kazakhstan_russia(pair, item):
    own = score_article(item["text"], item["title"], item["language"], pair=pair)
    if item["label"] == "offtopic":
        assert own.relevance < COUNTED
    else:
        assert own.relevance >= COUNTED
        assert own.tension > TENSE if item["label"] == "tension" else own.tension < -TENSE
    assert score_article(item["text"], item["title"], item["language"], pair="kz-ru").relevance < COUNTED


def test_each_language_of_the_new_pairs_has_test_articles():
    languages = {(pair, item["language"]) for pair, item in _items()}
    assert {("am-ru", "hy"), ("uz-ru", "uz"), ("kz-cn", "kk")} <= languages
    assert all((pair, code) in languages for pair in PAIRS for code in ("en", "ru"))


@pytest.mark.parametrize(
    ("pair", "language", "words", "side"),
    [
        ("am-ru", "hy", "Հայաստանը", "a"),
        ("am-ru", "hy", "Երևանում", "a"),
        ("am-ru", "hy", "Ռուսաստանի", "b"),
        ("uz-ru", "uz", "O'zbekiston", "a"),
        ("uz-ru", "uz", "Ўзбекистон", "a"),
        ("uz-ru", "uz", "Rossiya", "b"),
        ("kz-cn", "zh", "中国", "b"),
        ("kz-cn", "zh", "中國", "b"),
        ("kz-cn", "zh", "哈萨克斯坦", "a"),
        ("kz-cn", "kk", "Қытайдың", "b"),
        ("kz-cn", "ru", "Пекином", "b"),
    ],
)
def test_a_pair_names_its_sides_in_the_countrys_own_language(pair, language, words, side):
    assert check_pair(pair) is None
    assert side in sides_in(tokenize(words), language, pair)


def test_armenian_statement_is_not_a_people_name():
    # "հայ*" would also match հայտարարեց (declared): the people's name is listed by its forms
    assert "a" not in sides_in(tokenize("Պուտինը հայտարարեց"), "hy", "am-ru")


def test_the_armenian_full_stop_ends_a_sentence():
    text = "Հայաստանը և Ռուսաստանը ստորագրեցին համաձայնագիր։ Փաշինյանը մեղադրեց Մոսկվային։"
    assert split_sentences(text) == [
        "Հայաստանը և Ռուսաստանը ստորագրեցին համաձայնագիր։",
        "Փաշինյանը մեղադրեց Մոսկվային։",
    ]
    evidence = score_article(text, language="hy", pair="am-ru").evidence
    assert len(evidence) == 2 and {e.weight > 0 for e in evidence} == {True, False}


@pytest.mark.parametrize("pair", ["", *TITLES])
def test_the_cli_help_and_the_page_title_name_the_watched_pair(monkeypatch, pair):
    monkeypatch.setenv("BAROMETER_PAIR", pair)
    title = TITLES[pair or "kz-ru"]
    assert watched_pair_title() == title
    assert f"score {title} tension" in " ".join(_parser().format_help().split())


def test_an_unreadable_pair_still_gets_a_help_text(monkeypatch):
    monkeypatch.setenv("BAROMETER_PAIR", "xx-yy")
    assert "score xx-yy tension" in " ".join(_parser().format_help().split())


def test_each_pair_has_its_own_key_events_and_its_own_demo():
    assert pair_events("kz-ru") == load_events() and len(load_events()) > 20
    labels = {pair: {e.label for e in pair_events(pair)} for pair in TITLES}
    for pair in PAIRS:
        assert 8 <= len(labels[pair]) <= 15 and not labels[pair] & labels["kz-ru"]
        assert demo_dir(pair) == PACKAGE_DATA / "pairs" / pair / "demo"
        assert all(len(e.label) <= 40 and e.note for e in pair_events(pair))
    assert demo_dir("kz-ru") == PACKAGE_DATA / "pairs" / "kz-ru" / "demo"


def test_an_empty_am_ru_database_gets_its_own_demo_on_the_page_and_only_its_own_key_events(tmp_path, monkeypatch):
    path = tmp_path / "am.sqlite"
    monkeypatch.setenv("BAROMETER_DB", str(path))
    monkeypatch.setenv("BAROMETER_PAIR", "am-ru")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    assert at.title[0].value == "Armenia–Russia barometer"
    with sqlite3.connect(path) as conn:
        stored = {row[0] for row in conn.execute("SELECT label FROM events")}
        urls = {row[0] for row in conn.execute("SELECT url FROM articles")}
    assert stored == {e.label for e in pair_events("am-ru")}
    assert len(urls) == len(demo_pages(demo_dir("am-ru"))) and all(".example/" in u for u in urls)
    assert urls == _demo_urls("am-ru")


def _demo_urls(pair: str) -> set[str]:
    with (PACKAGE_DATA / "pairs" / pair / "demo" / "articles.toml").open("rb") as fh:
        return {a["url"] for a in tomllib.load(fh)["article"]}


def test_the_demo_command_of_a_pair_without_a_demo_says_so_and_loads_no_other_pairs(tmp_path, monkeypatch, capsys):
    # A pair of the user's own (a copy of uz-ru's file under another id) has no demo and no key events.
    (tmp_path / "mine" / "actors").mkdir(parents=True)
    mine = (PACKAGE_DATA / "actors" / "uz-ru.toml").read_text(encoding="utf-8").replace('id = "uz-ru"', 'id = "xx-ru"')
    (tmp_path / "mine" / "actors" / "xx-ru.toml").write_text(mine, encoding="utf-8")
    path = tmp_path / "uz.sqlite"
    monkeypatch.setenv("BAROMETER_DATA_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("BAROMETER_PAIR", "xx-ru")
    assert main(["demo", "--db", str(path)]) == 1
    assert "There is no demo for Uzbekistan–Russia" in capsys.readouterr().err
    with Store.open(path) as db:
        assert db.article_count() == 0
    with sqlite3.connect(path) as conn:
        assert {row[0] for row in conn.execute("SELECT label FROM events")} == set()


def test_the_scorer_version_is_the_base_and_a_digest_of_the_data_files():
    assert re.fullmatch(re.escape(SCORER_BASE) + r"\+[0-9a-f]{6}", SCORER_VERSION)
    assert score_article("Kazakhstan and Russia signed a deal.").version == SCORER_VERSION
    versions = {score_article("Armenia and Russia signed a deal.", pair=pair).version for pair in TITLES}
    assert len(versions) == len(TITLES)  # each pair file is part of its scores' version
    assert scorer_version(SCORER_BASE, load_pair("am-ru")) == scorer_version(SCORER_BASE, load_pair("am-ru"))


def _data_dir(tmp: Path, name: str, conflict: str = "") -> str:
    """A user's data directory with the package's English cue file, plus ``conflict`` cue lines."""
    (tmp / name / "lexicons").mkdir(parents=True)
    cues = (LEXICON_DIR / "cues-en.toml").read_text(encoding="utf-8")
    if conflict:
        cues = cues.replace("[conflict]\n", f"[conflict]\n{conflict}\n", 1)
    (tmp / name / "lexicons" / "cues-en.toml").write_text(cues, encoding="utf-8")
    return str(tmp / name)


def test_editing_a_lexicon_changes_the_version_and_rescore_updates_the_scores(tmp_path):
    """The same data directory before and after an edit (two directories: a process reads its data once)."""
    db = str(tmp_path / "b.sqlite")
    before = load_settings(db=db, data_dir=_data_dir(tmp_path, "before"))
    after = load_settings(db=db, data_dir=_data_dir(tmp_path, "after", '"quota*" = 2.0'))
    page = article_html("Quotas", ["Kazakhstan and Russia discussed grain quotas in Astana on Monday."])
    ingest_html([HtmlItem("quota.html", page.encode())], before)
    old = scorer_version(SCORER_BASE, before.watched_pair())
    assert old != scorer_version(SCORER_BASE, after.watched_pair())
    with Store.open(db) as store:
        assert store.score_versions() == {old: 1}

    report = rescore_all(after)
    assert (report.scored, report.retired) == (1, 1) and report.version != old
    with sqlite3.connect(db) as conn:
        [(version, tension)] = conn.execute("SELECT scorer_version, tension FROM scores").fetchall()
    assert version == report.version and tension > TENSE
    assert rescore_all(after).scored == 0  # nothing left to redo


def test_a_database_scored_for_one_pair_is_rescored_for_another(tmp_path, monkeypatch):
    db = str(tmp_path / "b.sqlite")
    page = article_html("Talks", ["Armenia and Russia signed an agreement on gas supplies in Yerevan."])
    ingest_html([HtmlItem("gas.html", page.encode())], load_settings(db=db))
    monkeypatch.setenv("BAROMETER_PAIR", "am-ru")
    report = rescore_all(load_settings(db=db))
    assert report.scored == 1 and report.version == scorer_version(SCORER_BASE, load_pair("am-ru"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT relevance FROM scores WHERE pair = 'am-ru'").fetchone()[0] >= COUNTED


def test_a_pair_given_as_a_file_is_known_by_its_id_to_the_dashboards_reads(tmp_path):
    # BAROMETER_PAIR=/path/my-pair.toml: the database and the sidebar name it "my-pair", which no data
    # directory holds; it must still be that pair (its title, its current version), not "does not load".
    from pipeline import views
    from pipeline.store import Store

    text = (PACKAGE_DATA / "actors" / "am-ru.toml").read_text(encoding="utf-8")
    path = tmp_path / "my-pair.toml"
    path.write_text(
        re.sub(r'(?m)^id = ".*"$', 'id = "my-pair"', text).replace("Armenia–Russia", "Mine–Russia"), "utf-8"
    )
    watched = load_pair(str(path))
    with Store.open(tmp_path / "db.sqlite", pair=watched):
        pass
    assert views.pair_choices(tmp_path / "db.sqlite", watched) == [views.PairChoice("my-pair", "Mine–Russia")]
    assert views.pair_of("my-pair") is watched
    with pytest.raises(ValueError, match="not found"):
        load_pair("another-pair")  # an id never read from a file is still refused
