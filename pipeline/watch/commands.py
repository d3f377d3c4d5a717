"""The ``watch`` subcommands: parse nothing (``pipeline.cli`` does), call the library, print."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from ..settings import Settings
from ..store import Store
from .alerts import alert_line
from .manage import ago, change, delivery_note
from .poll import Watcher
from .sources import discover, parse_duration, save_found
from .webhook import webhook_problem

EXIT_OK, EXIT_NOTHING_DONE, EXIT_USAGE = 0, 1, 2


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``watch add|list|remove|pause|resume|run|alerts``; the exit status."""
    try:
        every = parse_duration(args.every, "--every") if getattr(args, "every", None) else None
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "add":
        return _add(args, settings, every)
    if args.action == "list":
        return _list(settings)
    if args.action == "run":
        return _run(args, settings, every)
    if args.action == "alerts":
        return _alerts(settings, args.limit)
    try:
        print(change(settings, args.source, args.action))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    return EXIT_OK


def _add(args: argparse.Namespace, settings: Settings, every: int | None) -> int:
    every = every or parse_duration(settings.watch_every, "BAROMETER_WATCH_EVERY")
    found = discover(args.url, settings)
    if not found.found:
        print(f"error: {found.reason()}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    with Store.open(settings.db) as db:
        saved = save_found(db, found.found, name=args.name or "", every_s=every)
    for item, source_id in saved:
        where = f" (announced on {item.found_on})" if item.found_on else ""
        if source_id is None:
            print(f"Already watched: {item.kind} {item.url}{where}")
        else:
            print(
                f"Added #{source_id}: {item.kind} {item.url}{where}, {item.entries} entries now, "
                f"polled every {_span(every)}"
            )
    return EXIT_OK


def _list(settings: Settings) -> int:
    with Store.open(settings.db) as db:
        sources = db.sources()
    if not sources:
        print("No sources are watched. Add one with `python -m pipeline watch add URL`.")
        return EXIT_OK
    for s in sources:
        last = "never" if s.last_poll is None else f"{s.last_poll} ({ago(_when(s.last_poll))})"
        print(f"#{s.id} {s.name or s.url} [{s.status}] {s.kind} {s.url}")
        print(
            f"    last poll {last}; next poll {s.next_poll if s.status == 'active' else '-'}; "
            f"found {s.found}, stored {s.stored}, waiting {s.pending}; every {_span(s.every_s)}"
        )
        if s.last_error:
            print(f"    last error: {s.last_error}")
    return EXIT_OK


def _run(args: argparse.Namespace, settings: Settings, every: int | None) -> int:
    if problem := webhook_problem(settings):
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    # Alerts are printed as they are raised, before the line of the source whose poll raised them.
    watcher = Watcher(settings, on_alert=lambda alert: print(alert_line(alert), flush=True))
    with Store.open(settings.db) as db:
        if not args.once and not args.all:
            print(f"Watching (owner {watcher.owner}); Ctrl-C stops, and a restart continues.", file=sys.stderr)
            try:  # pragma: no cover (the loop ends by a signal)
                watcher.run_forever(db, every_s=every)
            finally:
                watcher.close(db, timeout=1.0)  # what is not sent by then waits in the database
            return EXIT_OK  # pragma: no cover
        results = watcher.poll_due(db, all_sources=args.all, every_s=every)
        # The webhook sends in the background; a bounded wait for it, then what is left waits in the database.
        if not watcher.close(db, timeout=settings.total_timeout):
            print("The alert webhook has not taken every alert yet; the next run sends the rest.", file=sys.stderr)
    if not results:
        print("Nothing due: every active source was polled recently (use --all to poll them now).")
    for result in results:
        print(result.line())
    return EXIT_OK


def _alerts(settings: Settings, limit: int) -> int:
    with Store.open(settings.db) as db:
        alerts = db.alerts(limit)
    if not alerts:
        print("No alerts yet.")
    for alert in alerts:
        print(f"{alert.raised_at} {alert_line(alert)}")
        if alert.delivery != "sent" and (note := delivery_note(alert)):
            print(f"    {note}")
    return EXIT_OK


def _span(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso)
