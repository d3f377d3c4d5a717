"""Several pairs through batch, end to end on a real Dask cluster: a database that follows kz-ru and
am-ru gets each article's score under both pairs, the same as ingest stores, with the golden figures
of tests/test_pair_cli.py's invented pieces."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from pipeline.batch.run import run_batch
from pipeline.cli import main
from pipeline.ingest import ingest_urls
from pipeline.inputs import stream_url_file
from pipeline.scoring.actors import load_pair
from pipeline.store import Store
from tests.httpserver import Reply, article_html
from tests.test_batch import cluster  # noqa: F401  (a module's one-worker LocalCluster)
from tests.test_pair_cli import ARMENIA, COUNTED, GOLDEN_ALL, KAZAKHSTAN, TENSE


def follow_am_ru(db: str) -> None:
    """A database that follows am-ru besides the watched kz-ru, before anything is stored."""
    with Store.open(db, pair=load_pair("kz-ru")) as store:
        store.follow("am-ru")
        assert store.pairs() == ["am-ru", "kz-ru"]


def scores(db: str) -> dict[tuple[str, str], tuple[float, float, float, str]]:
    """(first word of the title, pair) -> (tension, sentiment, relevance, scorer version)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.title, s.pair, s.tension, s.sentiment, s.relevance, s.scorer_version FROM scores s "
            "JOIN articles a ON a.id = s.article_id"
        ).fetchall()
    return {(title.split()[0], pair): tuple(rest) for title, pair, *rest in rows}


def test_a_batch_scores_each_article_for_every_followed_pair(server, settings, tmp_path, cluster, capsys):  # noqa: F811
    server.routes["/am"] = Reply(
        body=article_html("Armenia freezes its CSTO membership", ARMENIA, date="2024-05-07").encode()
    )
    server.routes["/kz"] = Reply(
        body=article_html("Astana and Moscow sign a grain transit deal", KAZAKHSTAN, date="2024-05-13").encode()
    )
    listed = tmp_path / "urls.txt"
    listed.write_text(f"{server.url('/am')}\n{server.url('/kz')}\n", encoding="utf-8")
    by_ingest = replace(settings, db=str(tmp_path / "ingest.sqlite"))
    for db in (settings.db, by_ingest.db):
        follow_am_ru(db)

    result = run_batch(stream_url_file(listed), settings, tmp_path / "work", scheduler=cluster.scheduler_address)
    ingest_urls(stream_url_file(listed), by_ingest)

    assert result.report.summary().startswith("2 stored") and not result.failed
    batched = scores(settings.db)
    assert sorted(batched) == [("Armenia", "am-ru"), ("Armenia", "kz-ru"), ("Astana", "am-ru"), ("Astana", "kz-ru")]
    assert batched == scores(by_ingest.db)  # every pair's figures, as ingest stores them
    tension, _, relevance, _ = batched[("Armenia", "am-ru")]
    assert round(tension, 4) == 0.7261 and relevance >= COUNTED and tension > TENSE
    assert round(batched[("Astana", "kz-ru")][0], 4) == -0.9998
    assert batched[("Armenia", "kz-ru")][2] < COUNTED and batched[("Astana", "am-ru")][2] < COUNTED

    # The dashboard's and export's reads find each pair's own article, in its own week.
    assert main(["export", "--pair", "all", "--db", settings.db]) == 0
    assert capsys.readouterr().out.splitlines() == GOLDEN_ALL
