"""Several pairs in one database, through the command line: --pair on every command, each article
scored for every followed pair, export per pair and --pair all, rescore per pair after a lexicon edit.

The articles are invented: an Armenia–Russia quarrel (Yerevan, Pashinyan, the CSTO) and a
Kazakhstan–Russia agreement (Astana, Moscow), a week apart.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.report import IngestReport
from pipeline.resources import PACKAGE_DATA
from tests.httpserver import article_html

ROOT = Path(__file__).resolve().parent.parent
COUNTED, TENSE = 0.3, 0.2  # the defaults: relevance that counts an article, tension that calls it tense

ARMENIA = [
    "Yerevan froze its participation in the CSTO on Tuesday and accused Moscow of abandoning Armenia, "
    "a sharp escalation of the quarrel between the two allies.",
    "Prime Minister Pashinyan said Russian peacekeepers had failed to protect Armenians and warned that "
    "Yerevan would close the door on the Russian-led bloc.",
    "The Kremlin condemned the statement as hostile and threatened retaliation, while protesters in Yerevan "
    "demanded the withdrawal of the Russian base in Gyumri.",
]
KAZAKHSTAN = [
    "Kazakhstan and Russia signed an agreement in Astana on Monday to expand grain transit and modernise "
    "the railway crossings on their border.",
    "President Tokayev and the Russian prime minister praised the strategic partnership and agreed to deepen "
    "cooperation on energy and trade.",
    "Officials in Moscow said the new customs arrangements would help exporters in both countries.",
]
# export --pair all on the two articles: each pair counts its own article, in its own week.
GOLDEN_ALL = [
    "period_start,pair,articles,mean_tension,ci_low,ci_high,mean_sentiment,share_tension",
    '"2024-05-06","am-ru","1","0.7261","","","-0.3413","1.0000"',
    '"2024-05-13","kz-ru","1","-0.9998","","","0.4023","0.0000"',
]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's data directory holding a copy of the package's English cue file (edited by one test)."""
    directory = tmp_path / "data"
    (directory / "lexicons").mkdir(parents=True)
    shutil.copy(PACKAGE_DATA / "lexicons" / "cues-en.toml", directory / "lexicons" / "cues-en.toml")
    monkeypatch.setenv("BAROMETER_DATA_DIR", str(directory))
    return directory


@pytest.fixture
def two_pairs(tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A database following kz-ru and am-ru: the Kazakhstan article ingested for kz-ru, then the Armenia
    article for am-ru (scored for kz-ru as well, a followed pair), then `rescore --pair all`."""
    db = str(tmp_path / "pairs.sqlite")
    kz, am = tmp_path / "kz.html", tmp_path / "am.html"
    kz.write_text(article_html("Astana and Moscow sign a grain transit deal", KAZAKHSTAN, date="2024-05-13"))
    am.write_text(article_html("Armenia freezes its CSTO membership", ARMENIA, date="2024-05-07"))
    assert _run(capsys, "ingest-html", "--pair", "kz-ru", "--db", db, "--no-progress", str(kz))[0] == 0
    assert _run(capsys, "ingest-html", "--pair", "am-ru", "--db", db, "--no-progress", str(am))[0] == 0
    code, out, _ = _run(capsys, "rescore", "--pair", "all", "--db", db)
    # Only the Kazakhstan article lacked an am-ru score; both had their kz-ru one.
    assert code == 0 and "(am-ru): 1 articles scored" in out and "(kz-ru): 0 articles scored" in out
    return db


def _scores(db: str) -> dict[tuple[str, str], tuple[float, float, str]]:
    """(article title, pair) -> (tension, relevance, scorer version)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.title, s.pair, s.tension, s.relevance, s.scorer_version FROM scores s "
            "JOIN articles a ON a.id = s.article_id"
        ).fetchall()
    return {
        (title.split()[0], pair): (tension, relevance, version) for title, pair, tension, relevance, version in rows
    }


def test_each_article_is_scored_for_every_followed_pair(two_pairs):
    scores = _scores(two_pairs)
    assert sorted(scores) == [("Armenia", "am-ru"), ("Armenia", "kz-ru"), ("Astana", "am-ru"), ("Astana", "kz-ru")]
    tension, relevance, _ = scores[("Armenia", "am-ru")]
    assert tension > TENSE and relevance >= COUNTED
    assert scores[("Armenia", "kz-ru")][1] < COUNTED  # not about Kazakhstan–Russia
    assert scores[("Astana", "kz-ru")][1] >= COUNTED and scores[("Astana", "am-ru")][1] < COUNTED


def test_export_of_one_pair_counts_its_own_article(two_pairs, capsys):
    for pair, week, tension in (("kz-ru", "2024-05-13", "-0.9998"), ("am-ru", "2024-05-06", "0.7261")):
        code, out, _ = _run(capsys, "export", "--pair", pair, "--db", two_pairs)
        lines = out.splitlines()
        assert code == 0 and lines[0] == GOLDEN_ALL[0].replace(",pair", "")  # today's columns exactly
        assert [line.split(",")[:3] for line in lines[1:]] == [[f'"{week}"', '"1"', f'"{tension}"']], pair


def test_export_of_every_pair_has_the_pair_column_second(two_pairs, capsys):
    code, out, _ = _run(capsys, "export", "--pair", "all", "--db", two_pairs)
    assert code == 0 and out.splitlines() == GOLDEN_ALL
    code, out, _ = _run(capsys, "export", "--pair", "all", "--by", "source", "--db", two_pairs)
    assert out.splitlines()[0].startswith("period_start,pair,source,articles,")
    weeks = [line.split(",")[:2] for line in out.splitlines()[1:]]
    assert weeks == [['"2024-05-06"', '"am-ru"'], ['"2024-05-13"', '"kz-ru"']]
    code, out, _ = _run(capsys, "export", "--pair", "all", "--articles", "--db", two_pairs)
    header, *rows = out.splitlines()
    assert header.startswith("id,pair,") and len(rows) == 4  # each article once per pair


def test_a_correction_is_the_pairs_own(two_pairs, capsys):
    with sqlite3.connect(two_pairs) as conn:
        [(armenia,)] = conn.execute("SELECT id FROM articles WHERE title LIKE 'Armenia%'").fetchall()
    assert _run(capsys, "correct", str(armenia), "not-relevant", "--pair", "am-ru", "--db", two_pairs)[0] == 0
    assert _run(capsys, "export", "--pair", "am-ru", "--db", two_pairs)[1].count("\n") == 1  # the header alone
    assert _run(capsys, "export", "--pair", "all", "--db", two_pairs)[1].splitlines() == [GOLDEN_ALL[0], GOLDEN_ALL[2]]


def test_editing_a_lexicon_makes_rescore_redo_that_pairs_scores(two_pairs, data_dir):
    before = _scores(two_pairs)
    cues = data_dir / "lexicons" / "cues-en.toml"
    cues.write_text(cues.read_text("utf-8").replace("[conflict]\n", '[conflict]\n"grain*" = 2.0\n', 1), "utf-8")
    # A new process, as a user's next command: this one has read the data files already.
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "rescore", "--pair", "am-ru", "--db", two_pairs],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BAROMETER_DATA_DIR": str(data_dir)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "(am-ru): 2 articles scored, 0 already had this version's score, 2 older scores retired" in done.stdout
    after = _scores(two_pairs)
    for key, (_, _, version) in after.items():
        changed = key[1] == "am-ru"  # kz-ru's scores wait for its own rescore
        assert (version != before[key][2]) == changed, key
    assert "am-ru" in done.stderr  # the progress bar names the pair


@pytest.mark.parametrize("command", [["export"], ["rescore"], ["score", "x.txt"], ["correct", "1", "none"]])
def test_an_unknown_pair_is_a_usage_error_naming_it(command, tmp_path, capsys):
    code, _, err = _run(capsys, *command, "--pair", "nope", "--db", str(tmp_path / "none.sqlite"))
    assert code == 2 and "--pair nope: pair file nope.toml not found" in err


def test_all_pairs_is_for_export_rescore_and_demo_only(tmp_path, capsys):
    code, _, err = _run(capsys, "correct", "1", "none", "--pair", "all", "--db", str(tmp_path / "none.sqlite"))
    assert code == 2 and "--pair all" in err and "export, rescore and demo" in err


def test_demo_all_loads_every_shipped_pairs_demo(tmp_path, capsys, monkeypatch):
    """`demo --pair all` hands every shipped pair to load_demos (which tests/test_pair_demos.py tests)."""
    from pipeline import demo

    asked = []
    monkeypatch.setattr(demo, "load_demos", lambda settings, ids, progress=None: asked.append(ids) or IngestReport())
    code, out, _ = _run(capsys, "demo", "--pair", "all", "--db", str(tmp_path / "all.sqlite"))
    assert (code, asked) == (0, [["all"]])
    assert "am-ru, kz-cn, kz-ru, uz-ru" in out


def test_the_help_names_the_pair(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--pair", "am-ru", "--help"])
    assert "am-ru: Armenia–Russia" in " ".join(capsys.readouterr().out.split())


def test_a_batch_part_keeps_the_scores_of_every_pair(tmp_path):
    """batch's workers score for every followed pair too: a part file carries each pair's score."""
    from pipeline.batch import parts
    from pipeline.extract import extract_article
    from pipeline.scoring.score import score_article

    html = article_html("Armenia freezes its CSTO membership", ARMENIA, date="2024-05-07")
    article = extract_article(html.encode(), "https://news.example/am")
    assert not isinstance(article, parts.FetchFailure)
    scores = tuple(score_article(article.text, title=article.title, pair=pair) for pair in ("am-ru", "kz-ru"))
    path = tmp_path / "part-0000-x.parquet"
    parts.write_part(path, parts.encode([(article.url, article, scores)]))
    assert parts.read_part(path) == [(article.url, article, scores)]
    assert [score.pair for score in scores] == ["am-ru", "kz-ru"] and scores[0] != scores[1]


def test_a_followed_pair_whose_file_is_gone_is_skipped_with_a_warning(tmp_path, data_dir, capsys):
    db = str(tmp_path / "gone.sqlite")
    own = (PACKAGE_DATA / "actors" / "am-ru.toml").read_text("utf-8").replace('id = "am-ru"', 'id = "zz-ru"')
    (data_dir / "actors").mkdir()
    (data_dir / "actors" / "zz-ru.toml").write_text(own, "utf-8")
    am, kz = tmp_path / "am.html", tmp_path / "kz.html"
    am.write_text(article_html("Armenia freezes its CSTO membership", ARMENIA, date="2024-05-07"))
    kz.write_text(article_html("Astana and Moscow sign a grain transit deal", KAZAKHSTAN, date="2024-05-13"))
    assert _run(capsys, "ingest-html", "--pair", "zz-ru", "--db", db, "--no-progress", str(am))[0] == 0
    (data_dir / "actors" / "zz-ru.toml").unlink()
    # A new process, as a user's next command: this one holds the pair it loaded.
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest-html", "--db", db, "--no-progress", str(kz)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BAROMETER_DATA_DIR": str(data_dir)},
        timeout=300,
    )
    assert done.returncode == 0 and "1 stored" in done.stdout, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "zz-ru" in line]
    assert len(warnings) == 1 and "not scored" in warnings[0] and "zz-ru.toml not found" in warnings[0], warnings
    assert sorted(_scores(db)) == [("Armenia", "zz-ru"), ("Astana", "kz-ru")]  # the kz-ru article alone scored


def test_the_watcher_keeps_a_piece_about_any_followed_pair_and_scores_it_for_each(server, settings, db_path):
    """A kz-ru watcher on a database that follows am-ru too: the Armenia piece is stored (relevant to
    am-ru), the weather piece is not; both followed pairs' scores are written."""
    from pipeline.store import Store
    from pipeline.watch import Watcher
    from tests.httpserver import Reply
    from tests.watch_fixtures import OFF_TOPIC, RSS_TYPE, Clock, rss, watch_settings

    server.routes["/am"] = Reply(body=article_html("Armenia freezes its CSTO membership", ARMENIA).encode())
    server.routes["/weather"] = Reply(body=article_html("Weather", OFF_TOPIC).encode())
    server.routes["/feed"] = Reply(body=rss(server, ["/am", "/weather"]), headers=RSS_TYPE)
    clock = Clock()
    with Store.open(db_path, pair=settings.watched_pair()) as db:
        assert db.follow("am-ru")
        db.add_source(server.url("/feed"), name="Gazette", kind="feed", every_s=1800, now=clock())
        [result] = Watcher(watch_settings(settings), clock=clock).poll_due(db)
    assert result.outcomes == {"stored": 1, "not_relevant": 1}
    scores = _scores(str(db_path))
    assert sorted(scores) == [("Armenia", "am-ru"), ("Armenia", "kz-ru")]
    assert scores[("Armenia", "am-ru")][1] >= COUNTED > scores[("Armenia", "kz-ru")][1]


def test_ingest_of_urls_scores_for_every_followed_pair(server, tmp_path, capsys):
    from pipeline.store import Store
    from tests.httpserver import Reply

    db = str(tmp_path / "urls.sqlite")
    with Store.open(db) as store:
        store.follow("am-ru")
    server.routes["/am"] = Reply(body=article_html("Armenia freezes its CSTO membership", ARMENIA).encode())
    code, out, _ = _run(capsys, "ingest", "--allow-private", "--no-progress", "--db", db, server.url("/am"))
    assert code == 0 and "1 stored" in out
    assert sorted(_scores(db)) == [("Armenia", "am-ru"), ("Armenia", "kz-ru")]
