"""Batch ingest on a real Dask cluster (pipeline.batch): the same store as `ingest`, resumable after a
failure, loaded once, and clear about a scheduler that does not answer."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from pipeline.batch.run import run_batch
from pipeline.cli import main
from pipeline.ingest import ingest_urls
from pipeline.inputs import stream_url_file
from tests.httpserver import Reply, article_html, free_port
from tests.test_ingest import EN_PARAGRAPHS

# Stories that name neither side score fast (all zeros); the wire story (EN_PARAGRAPHS) names both.
WORDS = [
    *("pipeline", "tariff", "border", "grain", "talks", "ministers", "summit", "transit", "railway", "customs"),
    *("envoy", "trade", "sanctions", "uranium", "wheat", "parliament", "election", "oil", "gas", "deal"),
    *("visit", "treaty", "bank", "harvest", "port", "bridge"),
]


@pytest.fixture(scope="module")
def cluster():
    """One worker process with one thread; a worker killed mid-partition fails that partition at once,
    and the per-host leases it held are freed within seconds (Dask's default lease timeout is 30 s)."""
    with (
        dask.config.set(
            {
                "distributed.scheduler.allowed-failures": 0,
                "distributed.scheduler.locks.lease-timeout": "3s",
                "distributed.scheduler.locks.lease-validation-interval": "500ms",
            }
        ),
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as local,
    ):
        yield local


def story(i: int) -> list[str]:
    """Three paragraphs of a made-up story of its own (other numbers give texts far apart)."""
    pick = random.Random(i)
    return [" ".join(pick.choice(WORDS) for _ in range(40)) + "." for _ in range(3)]


def serve_list(server, tmp_path: Path) -> Path:
    """Routes for ten stories, a wire copy of the first, a 404, a PDF, and a list of them with a bad
    line and a repeat; the list's path."""
    for i in range(10):
        server.routes[f"/s{i}"] = Reply(body=article_html(f"Story {i}", story(i), date=f"2024-03-{i + 1:02d}").encode())
    wire = [*EN_PARAGRAPHS, "Reporting by the wire desk; editing by the Almaty bureau, which added detail."]
    server.routes["/s0"] = Reply(body=article_html("Deal", wire, date="2024-03-01", site="Wire").encode())
    copy = [*wire[:2], "The agreement was announced in a joint statement.", wire[2]]
    server.routes["/copy"] = Reply(body=article_html("Accord", copy, date="2024-03-02", site="Reprint").encode())
    server.routes["/pdf"] = Reply(body=b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"})
    urls = [server.url(f"/s{i}") for i in range(10)]
    lines = [*urls[:5], server.url("/copy"), "not a url", server.url("/gone"), urls[1], server.url("/pdf"), *urls[5:]]
    listed = tmp_path / "urls.txt"
    listed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listed


def contents(db: Path) -> dict[str, object]:
    """What a database holds, without ids and times: articles, scores, failures, stories by URL."""
    conn = sqlite3.connect(db)
    columns = "url, canonical_url, final_url, title, text, published, date_origin, source, language, fingerprint"
    articles = sorted(conn.execute(f"SELECT {columns}, decode_note FROM articles"))
    scores = sorted(
        conn.execute(
            "SELECT a.url, s.scorer_version, s.tension, s.sentiment, s.relevance, s.goldstein, s.language, "
            "s.certain, s.evidence, s.top_evidence FROM scores s JOIN articles a ON a.id = s.article_id"
        )
    )
    failures = Counter(conn.execute("SELECT url, reason, stage FROM failures"))
    stories: dict[int, set[str]] = {}
    for url, story_id in conn.execute("SELECT url, story_id FROM articles"):
        stories.setdefault(story_id, set()).add(url)
    conn.close()
    return {
        "articles": articles,
        "scores": scores,
        "failures": failures,
        "stories": sorted(sorted(s) for s in stories.values()),
    }


def test_a_batch_stores_what_ingest_stores(server, settings, tmp_path, cluster):
    listed = serve_list(server, tmp_path)
    by_ingest = tmp_path / "ingest.sqlite"
    ingested = ingest_urls(stream_url_file(str(listed)), replace(settings, db=str(by_ingest)))
    result = run_batch(
        stream_url_file(str(listed)), settings, tmp_path / "work", scheduler=cluster.scheduler_address, size=4
    )
    assert result.partitions == 4 and result.computed == 4 and not result.failed
    assert sorted(p.name for p in (tmp_path / "work").glob("part-*.parquet")) == [
        p.name for p in sorted((tmp_path / "work").glob("part-*.parquet"))
    ]
    assert result.report.summary() == ingested.summary()
    assert (
        result.report.summary() == "10 stored, 0 already present, 1 duplicate story, 1 repeated in the input, 3 failed"
    )
    expected = contents(by_ingest)
    assert contents(Path(settings.db)) == expected
    assert len(expected["scores"]) == 11 and len(expected["stories"]) == 10  # the copy joined its story


def test_each_worker_loads_the_data_files_once(server, settings, tmp_path, cluster):
    listed = serve_list(server, tmp_path)
    result = run_batch(
        stream_url_file(str(listed)), settings, tmp_path / "work", scheduler=cluster.scheduler_address, size=3
    )
    assert result.computed == 5
    assert list(result.loads.values()) == [1]  # one worker, five partitions, one load


def test_a_rerun_after_a_killed_worker_computes_only_the_failed_partitions(server, settings, tmp_path, cluster):
    listed = serve_list(server, tmp_path)
    client = Client(cluster)
    [worker_pid] = client.run(os.getpid).values()
    client.close()
    healthy = server.routes["/s7"]

    def kill_the_worker(hit: int) -> Reply:
        os.kill(worker_pid, signal.SIGKILL)  # the worker dies while fetching this partition's pages
        return healthy

    server.routes["/s7"] = kill_the_worker
    work = tmp_path / "work"
    first = run_batch(stream_url_file(str(listed)), settings, work, scheduler=cluster.scheduler_address, size=4)
    assert first.failed and first.computed == first.partitions - len(first.failed)
    assert all("KilledWorker" in reason for _, reason in first.failed)
    failed_parts = {name for name, _ in first.failed}
    assert failed_parts.isdisjoint(p.name for p in work.glob("part-*.parquet"))

    server.routes["/s7"] = healthy
    hits_before = dict(server.hits)
    second = run_batch(stream_url_file(str(listed)), settings, work, scheduler=cluster.scheduler_address, size=4)
    assert (second.computed, second.reused, second.failed) == (len(failed_parts), first.computed, [])
    refetched = {path for path, n in server.hits.items() if n > hits_before.get(path, 0)}
    assert "/s7" in refetched and len(refetched) <= 4 * len(failed_parts)  # only the failed partitions' pages
    assert len(contents(Path(settings.db))["articles"]) == 11


def test_loading_the_parts_again_stores_nothing_twice(server, settings, tmp_path, cluster):
    listed = serve_list(server, tmp_path)
    work = tmp_path / "work"
    run_batch(stream_url_file(str(listed)), settings, work, scheduler=cluster.scheduler_address, size=4)
    once, hits = contents(Path(settings.db)), dict(server.hits)
    again = run_batch(stream_url_file(str(listed)), settings, work, scheduler=cluster.scheduler_address, size=4)
    assert (again.computed, again.reused) == (0, 4)
    assert dict(server.hits) == hits  # nothing fetched again
    assert contents(Path(settings.db)) == once  # no article, score or failure twice
    assert (
        again.report.summary() == "0 stored, 12 already present, 0 duplicate story, 0 repeated in the input, 3 failed"
    )
    # Another database (a new file at another path) gets everything from the same parts.
    fresh = tmp_path / "other.sqlite"
    run_batch(
        stream_url_file(str(listed)),
        replace(settings, db=str(fresh)),
        work,
        scheduler=cluster.scheduler_address,
        size=4,
    )
    assert contents(fresh) == once


def test_the_command_runs_a_local_cluster_and_prints_the_dashboard(server, tmp_path, capsys):
    listed = serve_list(server, tmp_path)
    db = tmp_path / "cli.sqlite"
    status = main(
        ["batch", "--from", str(listed), "--db", str(db), "--workers", "1", "--allow-private", "--no-progress"]
    )
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "Dask dashboard: http://" in err
    assert "Partitions: 1 (1 computed, 0 done before, 0 failed)" in out
    assert "Summary: 10 stored, 0 already present, 1 duplicate story, 1 repeated in the input, 3 failed." in out
    assert len(list((tmp_path / "urls.txt.batch").glob("part-0000-*.parquet"))) == 1


def test_a_scheduler_that_does_not_answer_is_named_in_the_error(tmp_path, capsys):
    listed = tmp_path / "urls.txt"
    listed.write_text("https://example.org/a\n", encoding="utf-8")
    address = f"tcp://127.0.0.1:{free_port()}"
    status = main(
        ["batch", "--from", str(listed), "--db", str(tmp_path / "b.sqlite"), "--scheduler", address, "--timeout", "1"]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert f"error: the Dask scheduler at {address} does not answer" in err
    assert "Traceback" not in err and "Created a new database" not in err
    assert not (tmp_path / "b.sqlite").exists()


def test_the_command_line_imports_no_dask_until_a_batch_runs():
    code = "import sys, pipeline.cli; print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    helped = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, check=True)
    assert "batch" in helped.stdout


def test_without_dask_the_command_says_how_to_install_it(tmp_path):
    listed = tmp_path / "urls.txt"
    listed.write_text("https://example.org/a\n", encoding="utf-8")
    code = (
        "import sys; sys.modules['distributed'] = None; from pipeline.cli import main; "
        f"sys.exit(main(['batch', '--from', {str(listed)!r}, '--db', {str(tmp_path / 'b.sqlite')!r}]))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 1
    assert "error: the batch command needs Dask" in run.stderr and "pip install -e '.[cluster]'" in run.stderr
    assert not (tmp_path / "urls.txt.batch").exists()
