"""`python -m pipeline watch ...`: add, list, run, pause, resume, remove, and their errors, through
the CLI's entry point against a local server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from pipeline.cli import main
from pipeline.store import Store
from pipeline.watch import source_rows
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
    # The next poll in words, to the minute: 2h from the poll above, which took well under a minute.
    when = r"in 1 hour 59 minutes \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)"
    assert re.fullmatch(
        rf"Nothing due: the next is #1 Gazette, {when} \(use --all to poll every active source now\)\.\n", out
    )

    code, out, _ = watch(capsys, db_path, "list")
    assert re.search(rf"last poll \S+ \S+ UTC \(just now\); next poll {when}; found 2, stored 2, waiting 0", out)

    assert watch(capsys, db_path, "pause", "1")[1] == "Paused #1 Gazette.\n"
    assert (
        "[paused]" in watch(capsys, db_path, "list")[1] and "next poll - (paused);" in watch(capsys, db_path, "list")[1]
    )
    assert watch(capsys, db_path, "run", "--all", "--allow-private")[1] == (
        "Nothing to poll: every source is paused or disabled (`watch resume N` polls one again).\n"
    )
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


def test_a_source_held_by_another_watcher_is_named_with_its_hold_not_called_recent(server, db_path, capsys):
    server.routes["/feed"] = Reply(body=rss(server, []), headers=RSS_TYPE)
    now = datetime.now(UTC)
    with Store.open(db_path) as db:
        db.add_source(server.url("/feed"), name="Gazette", kind="feed", every_s=1800, now=now - timedelta(hours=1))
        db.claim_source("otherhost:4242:cafe", now=now, lease_s=600)  # a watcher elsewhere, or killed
    until = (now + timedelta(seconds=600)).strftime("%Y-%m-%d %H:%M UTC")
    held = f"held by the watcher otherhost:4242:cafe until {until} (one that was killed lets go then)"
    code, out, _ = watch(capsys, db_path, "run", "--once", "--allow-private")
    assert (code, out) == (
        0,
        f"Nothing polled: every active source is held by another watcher (see below).\n#1 Gazette: skipped, {held}\n",
    )
    assert server.hits["/feed"] == 0
    assert watch(capsys, db_path, "list")[1].splitlines()[2] == f"    {held}"
    [row] = source_rows(str(db_path))  # the dashboard's table says so too
    assert (row["health"], row["next poll"]) == (f"being polled (held until {until})", "due now")


def test_watch_run_without_sources_and_a_bad_interval_setting_say_so(db_path, capsys, monkeypatch):
    Store.open(db_path).close()
    code, out, _ = watch(capsys, db_path, "run", "--once")
    assert (code, out) == (0, "No sources are watched. Add one with `python -m pipeline watch add URL`.\n")
    monkeypatch.setenv("BAROMETER_WATCH_EVERY", "often")
    code, _, err = watch(capsys, db_path, "run", "--once")
    assert (code, err) == (
        2,
        "error: BAROMETER_WATCH_EVERY 'often' is not a duration (write 30m, 2h, 1d or a number of seconds)\n",
    )
