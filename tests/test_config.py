"""Explicit configuration: the pair and the data directory are settings, read from the environment only by
``load_settings``; an unknown pair or a missing data file is an error that names it, never a neutral score."""

from __future__ import annotations

import csv
import json
import pickle
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline import resources, score_article
from pipeline.resources import PACKAGE_DATA, DataFileError
from pipeline.scoring.actors import check_pair, load_pair
from pipeline.settings import load_settings
from tests.httpserver import article_html
from tests.test_actors import ARMENIA_RUSSIA
from tests.test_cli_ingest import ROOT, cli

# Invented: Moscow bans imports from Kazakhstan and Astana protests (a clear tension article).
RU_TENSION = "Россия запретила ввоз казахстанской продукции. Астана выразила протест Москве и вызвала посла России."
# Invented, with a made-up conflict verb that only the user's own cue file knows.
AM_FROBNICATED = "Armenia frobnicated Russia over the gas deal."


@pytest.fixture
def user_data(tmp_path) -> Path:
    """A user's data directory: the Armenia–Russia pair, and an English cue file with one extra conflict cue."""
    data = tmp_path / "user-data"
    (data / "actors").mkdir(parents=True)
    (data / "actors" / "am-ru.toml").write_text(ARMENIA_RUSSIA, encoding="utf-8")
    (data / "lexicons").mkdir()
    package_cues = (PACKAGE_DATA / "lexicons" / "cues-en.toml").read_text(encoding="utf-8")
    assert package_cues.count("\n[conflict]\n") == 1
    cues = package_cues.replace("\n[conflict]\n", '\n[conflict]\n"frobnicat*" = 2.0\n')
    (data / "lexicons" / "cues-en.toml").write_text(cues, encoding="utf-8")
    return data


def test_the_environment_does_not_choose_the_pair_below_the_settings(monkeypatch):
    # Only load_settings reads BAROMETER_PAIR; the scorer, given no pair, scores the default pair.
    monkeypatch.setenv("BAROMETER_PAIR", "nope")
    assert load_pair().id == "kz-ru"
    score = score_article(RU_TENSION)
    assert score.tension > 0.5 and score.relevance > 0.5
    assert score == score_article(RU_TENSION, pair="kz-ru")
    with pytest.raises(DataFileError, match=r"pair file nope\.toml not found"):
        load_settings()


def test_an_unknown_pair_given_to_the_scorer_is_an_error_not_a_neutral_score():
    with pytest.raises(DataFileError) as caught:
        score_article(RU_TENSION, pair="nope")
    assert "pair file nope.toml not found in " + str(PACKAGE_DATA / "actors") in str(caught.value)
    assert isinstance(caught.value, ValueError)  # callers that catch bad settings catch it too


def test_a_pair_may_be_given_as_an_id_a_path_or_a_loaded_pair(tmp_path):
    path = tmp_path / "am-ru.toml"
    path.write_text(ARMENIA_RUSSIA, encoding="utf-8")
    text = "Yerevan recalled its ambassador from Moscow after Russia banned Armenian brandy."
    by_path = score_article(text, pair=str(path))
    assert by_path.relevance > 0.3 and by_path.tension > 0
    assert score_article(text, pair=load_pair(str(path))) == by_path
    assert score_article(text, pair=path) == by_path  # a pathlib.Path as well as its string
    assert score_article(text, pair="kz-ru").relevance == 0.0  # for the default pair it is another pair's story


def test_load_settings_validates_the_pair_and_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("BAROMETER_PAIR", "nope")
    with pytest.raises(DataFileError, match="nope"):
        load_settings()
    monkeypatch.delenv("BAROMETER_PAIR")
    monkeypatch.setenv("BAROMETER_DATA_DIR", str(tmp_path / "missing"))
    with pytest.raises(DataFileError, match=f"BAROMETER_DATA_DIR: {tmp_path / 'missing'} is not a directory"):
        load_settings()


def test_a_users_data_directory_comes_before_the_package_file_by_file(user_data, monkeypatch):
    monkeypatch.setenv("BAROMETER_PAIR", "am-ru")
    monkeypatch.setenv("BAROMETER_DATA_DIR", str(user_data))
    settings = load_settings()
    assert (settings.pair, settings.data_dir) == ("am-ru", str(user_data))
    pair = settings.watched_pair()
    assert pair.labels == ("Armenia", "Russia")
    score = score_article(AM_FROBNICATED, pair=pair)
    assert score.tension > 0.3 and score.relevance > 0.3
    assert [e.sentence for e in score.evidence] == [AM_FROBNICATED]
    # With the pair alone (the package's cue files) "gas deal" alone speaks: cooperation.
    pair_only = user_data.parent / "pair-only"
    shutil.copytree(user_data / "actors", pair_only / "actors")
    assert score_article(AM_FROBNICATED, pair=load_pair("am-ru", str(pair_only))).tension < 0
    assert score_article(RU_TENSION, pair=pair).relevance == 0.0  # the user's pair: Kazakhstan is not in it
    with pytest.raises(DataFileError, match=r"ge-ru\.toml not found"):
        load_pair("ge-ru")  # the package has no such pair (it ships am-ru: the user's file above hides it)


def test_missing_package_data_is_an_error_naming_where_it_was_looked_for(tmp_path, monkeypatch):
    # What an installed wheel without its package data would find.
    monkeypatch.setattr(resources, "PACKAGE_DATA", tmp_path)
    assert check_pair() == (
        f"pair file kz-ru.toml not found in {tmp_path / 'actors'} (the pair setting, BAROMETER_PAIR, names a file "
        "there or a .toml path)"
    )
    shutil.copytree(PACKAGE_DATA / "actors", tmp_path / "actors")
    assert check_pair() == (
        f"no lexicon files (cues-<language>.toml) in {tmp_path / 'lexicons'}: the package's data files are missing"
    )


def test_a_loaded_pair_travels_to_worker_processes_by_name():
    pair = load_pair()
    assert len(pickle.dumps(pair)) < 200  # not its thousands of patterns for every page
    assert pickle.loads(pickle.dumps(pair)) is pair  # read once per process: its matchers stay cached
    assert load_pair("kz-ru") is pair


def test_score_command_with_an_unknown_pair_exits_with_a_message_naming_it(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(RU_TENSION, encoding="utf-8")
    result = cli("score", str(article), env={"BAROMETER_PAIR": "nope"})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"error: pair file nope.toml not found in {PACKAGE_DATA / 'actors'} (the pair setting, BAROMETER_PAIR, "
        "names a file there or a .toml path)"
    )


def test_score_command_reads_the_pair_from_the_users_data_directory(user_data, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(AM_FROBNICATED, encoding="utf-8")
    result = cli("score", str(article), env={"BAROMETER_PAIR": "am-ru", "BAROMETER_DATA_DIR": str(user_data)})
    assert result.returncode == 0, result.stderr
    expected = score_article(AM_FROBNICATED, pair=load_pair("am-ru", str(user_data)))
    assert expected.tension > 0.3
    assert json.loads(result.stdout)["tension"] == expected.tension


def test_the_dashboard_names_an_unknown_pair(tmp_path, monkeypatch):
    monkeypatch.setenv("BAROMETER_DB", str(tmp_path / "b.sqlite"))
    monkeypatch.setenv("BAROMETER_PAIR", "nope")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    assert at.error[0].value.startswith("The pair of countries cannot be loaded: pair file nope.toml not found in ")
    assert not (tmp_path / "b.sqlite").exists()


def test_the_dashboard_names_a_watch_interval_that_is_no_duration(tmp_path, monkeypatch):
    # Checked when the settings load, so the Sources page's "save" and "check now" never meet it.
    monkeypatch.setenv("BAROMETER_DB", str(tmp_path / "b.sqlite"))
    monkeypatch.setenv("BAROMETER_WATCH_EVERY", "often")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    assert at.error[0].value == (
        "A setting is not valid: BAROMETER_WATCH_EVERY 'often' is not a duration "
        "(write 30m, 2h, 1d or a number of seconds)"
    )
    assert not (tmp_path / "b.sqlite").exists()


def test_ingest_worker_processes_score_with_the_pair_and_data_the_cli_was_given(user_data, tmp_path):
    pages = []
    for i in range(3):
        page = tmp_path / f"page{i}.html"
        paragraphs = [AM_FROBNICATED, f"Yerevan summoned the Russian ambassador on day {i + 1} of the dispute."]
        page.write_text(article_html(f"Dispute {i}", paragraphs, canonical=f"https://am.example/{i}"), encoding="utf-8")
        pages.append(str(page))
    env = {"BAROMETER_PAIR": "am-ru", "BAROMETER_DATA_DIR": str(user_data), "BAROMETER_PROCESS_THRESHOLD": "1"}
    db, out = str(tmp_path / "am.sqlite"), tmp_path / "articles.csv"
    result = cli("ingest-html", *pages, "--db", db, "--workers", "2", "--no-progress", env=env)
    assert result.returncode == 0, result.stderr
    # The export is am-ru's too (the same environment): a database scores for the pairs it follows.
    assert cli("export", "--articles", "--db", db, "--out", str(out), env=env).returncode == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    pair = load_pair("am-ru", str(user_data))
    for row in rows:
        i = int(row["title"].removeprefix("Dispute "))
        text = f"{AM_FROBNICATED}\n\nYerevan summoned the Russian ambassador on day {i + 1} of the dispute."
        expected = score_article(text, title=row["title"], pair=pair)
        assert (float(row["tension"]), float(row["relevance"])) == (expected.tension, expected.relevance)
        assert expected.tension > 0.3
    assert len(rows) == 3
