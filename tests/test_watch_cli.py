"""`python -m pipeline watch ...`: add, list, run, pause, resume, remove, and their errors, through
the CLI's entry point against a local server."""

from __future__ import annotations

import re

from pipeline.cli import main
from pipeline.store import Store
from tests.httpserver import Reply
from tests.watch_fixtures import RSS_TYPE, rss, serve_articles


def watch(capsys, db_path, *args: str) -> tuple[int, str, str]:
    code = main(["watch", *args, "--db", str(db_path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_watch_commands_from_add_to_remove(server, db_path, capsys, monkeypatch):
    monkeypatch.setenv("BAROMETER_WATCH_HOST_GAP", "0")
    paths = serve_articles(server, 2)
    server.routes["/"] = Reply(
        body=b'<html><head><link rel="alternate" type="application/rss+xml" href="/stories"></head></html>'
    )
    server.routes["/stories"] = Reply(body=rss(server, paths), headers=RSS_TYPE)
    feed = server.url("/stories")

    code, out, _ = watch(capsys, db_path, "add", server.url("/"), "--name", "Gazette", "--allow-private")
    assert code == 0
    assert out == f"Added #1: feed {feed} (announced on {server.url('/')}), 2 entries now, polled every 30m\n"
    code, out, _ = watch(capsys, db_path, "add", feed, "--allow-private")
    assert (code, out) == (0, f"Already watched: feed {feed}\n")

    code, out, _ = watch(capsys, db_path, "list")
    assert out.splitlines()[0] == f"#1 Gazette [active] feed {feed}"
    assert "last poll never;" in out and "found 0, stored 0, waiting 0; every 30m" in out

    code, out, _ = watch(capsys, db_path, "run", "--once", "--allow-private", "--every", "2h")
    assert (code, out) == (0, "Gazette: 2 listed, 2 new; fetched: 2 stored\n")
    code, out, _ = watch(capsys, db_path, "run", "--once", "--allow-private")
    assert out == "Nothing due: every active source was polled recently (use --all to poll them now).\n"

    code, out, _ = watch(capsys, db_path, "list")
    assert re.search(r"last poll \S+ \(just now\); next poll \S+; found 2, stored 2, waiting 0", out)

    assert watch(capsys, db_path, "pause", "1")[1] == "Paused #1 Gazette.\n"
    assert "[paused]" in watch(capsys, db_path, "list")[1]
    assert watch(capsys, db_path, "run", "--all", "--allow-private")[1].startswith("Nothing due")
    assert watch(capsys, db_path, "resume", feed)[1] == "Resumed #1 Gazette: due now (it had been paused).\n"
    code, out, _ = watch(capsys, db_path, "remove", "1")
    assert out.startswith("Removed #1 Gazette; the links it listed stay remembered")
    assert watch(capsys, db_path, "list")[1].startswith("No sources are watched.")
    assert all(server.hits[p] == 1 for p in paths)


def test_watch_errors_name_the_input(server, db_path, capsys):
    server.routes["/"] = Reply(body=b"<html><body>nothing here</body></html>")
    code, _, err = watch(capsys, db_path, "add", server.url("/"), "--allow-private")
    assert code == 1 and err.startswith(f"error: {server.url('/')}: no feed or sitemap found (")
    code, _, err = watch(capsys, db_path, "list")
    assert (code, err) == (1, f"error: {db_path}: no such database (check --db / BAROMETER_DB)\n")
    Store.open(db_path).close()
    code, _, err = watch(capsys, db_path, "pause", "7")
    assert (code, err) == (1, "error: no watched source '7' (give its number or URL, as `watch list` shows them)\n")
    code, _, err = watch(capsys, db_path, "run", "--once", "--every", "soon")
    assert (code, err) == (2, "error: --every 'soon' is not a duration (write 30m, 2h, 1d or a number of seconds)\n")
