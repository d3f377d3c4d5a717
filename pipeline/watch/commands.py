"""The ``watch`` subcommands: parse nothing (``pipeline.cli`` does), call the library, print."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from ..settings import Settings
from ..store import Store
from .manage import ago, change
from .poll import Watcher
from .sources import discover, parse_duration, save_found

EXIT_OK, EXIT_NOTHING_DONE, EXIT_USAGE = 0, 1, 2


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``watch add|list|remove|pause|resume|run``; the exit status."""
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
    watcher = Watcher(settings)
    with Store.open(settings.db) as db:
        if not args.once and not args.all:
            print(f"Watching (owner {watcher.owner}); Ctrl-C stops, and a restart continues.", file=sys.stderr)
            watcher.run_forever(db, every_s=every)
            return EXIT_OK  # pragma: no cover (the loop ends by a signal)
        results = watcher.poll_due(db, all_sources=args.all, every_s=every)
    if not results:
        print("Nothing due: every active source was polled recently (use --all to poll them now).")
    for result in results:
        print(result.line())
    return EXIT_OK


def _span(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso)
