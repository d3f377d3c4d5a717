"""The ``watch`` subcommands: parse nothing (``pipeline.cli`` does), call the library, print."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Never

from tqdm import tqdm

from ..report import STATUS_LABELS, Outcome
from ..settings import Settings, parse_duration
from ..store import Store, WatchedSource
from .alerts import alert_line
from .manage import ago, change, delivery_note, next_poll_words, when_utc
from .poll import PollReport, Watcher, utc_now
from .sources import discover, save_found
from .webhook import webhook_problem

EXIT_OK, EXIT_NOTHING_DONE, EXIT_USAGE = 0, 1, 2


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``watch add|list|remove|pause|resume|run|alerts``; the exit status."""
    try:
        parse_duration(settings.watch_every, "BAROMETER_WATCH_EVERY")  # the default of every source
        every = parse_duration(args.every, "--every") if getattr(args, "every", None) is not None else None
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
    with Store.open(settings.db, pair=settings.watched_pair()) as db:
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
    with Store.open(settings.db, pair=settings.watched_pair()) as db:
        sources = db.sources()
    if not sources:
        print("No sources are watched. Add one with `python -m pipeline watch add URL`.")
        return EXIT_OK
    now = utc_now()
    for s in sources:
        last = "never" if s.last_poll is None else f"{when_utc(s.last_poll)} ({ago(_when(s.last_poll), now)})"
        print(f"#{s.id} {s.name or s.url} [{s.status}] {s.kind} {s.url}")
        print(
            f"    last poll {last}; next poll {next_poll_words(s, now)}; "
            f"found {s.found}, stored {s.stored}, waiting {s.pending}; every {_span(s.every_s)}"
        )
        if s.leased(_iso(now)):
            print(f"    {_held(s)}")
        if s.last_error:
            print(f"    last error: {s.last_error}")
    return EXIT_OK


def _run(args: argparse.Namespace, settings: Settings, every: int | None) -> int:
    if problem := webhook_problem(settings):
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    bar = _LinkBar(not args.no_progress)
    # Alerts are printed as they are raised, before the line of the source whose poll raised them; each
    # source's line as soon as it is polled (a pass over many sources is followed as it goes).
    watcher = Watcher(settings, on_alert=lambda alert: bar.say(alert_line(alert)))
    with Store.open(settings.db, pair=settings.watched_pair()) as db:
        if not args.once and not args.all:
            print(f"Watching (owner {watcher.owner}); Ctrl-C stops, and a restart continues.", file=sys.stderr)
            try:  # pragma: no cover (the loop ends by a signal)
                watcher.run_forever(db, every_s=every, say=bar.say, progress=bar)
            finally:
                bar.close()
                watcher.close(db, timeout=1.0)  # what is not sent by then waits in the database
            return EXIT_OK  # pragma: no cover
        try:
            results = watcher.poll_due(db, all_sources=args.all, every_s=every, progress=bar, on_polled=bar.polled)
        finally:
            bar.close()
        held = [s for s in db.sources() if s.status == "active" and s.leased(_iso(utc_now()))]
        # The webhook sends in the background; a bounded wait for it, then what is left waits in the database.
        if not watcher.close(db, timeout=settings.total_timeout):
            print("The alert webhook has not taken every alert yet; the next run sends the rest.", file=sys.stderr)
        if not results:
            print(_idle(db.sources(), held))
    for source in held:  # polled by another watcher, or held by a killed one until its lease runs out
        print(f"#{source.id} {source.name or source.url}: skipped, {_held(source)}")
    return EXIT_OK


class _LinkBar:
    """A progress bar of the links a pass fetches, on stderr; the lines printed above it."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: tqdm[Never] | None = None

    def __call__(self, done: int, total: int, outcome: Outcome) -> None:
        if not self.enabled:
            return
        if self.bar is not None and done <= self.bar.n:  # a new pass of `watch run` (for ever) counts afresh
            self.close()
        if self.bar is None:
            self.bar = tqdm(total=total, unit="link", file=sys.stderr, dynamic_ncols=True, leave=False)
        self.bar.total = total  # grows with each source of the pass
        self.bar.update(done - self.bar.n)
        self.bar.set_postfix_str(STATUS_LABELS.get(outcome.status, outcome.status), refresh=False)

    def say(self, line: str) -> None:
        tqdm.write(line, file=sys.stdout)  # above the bar, which is drawn again below it
        sys.stdout.flush()

    def polled(self, result: PollReport) -> None:
        self.say(result.line())

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _idle(sources: list[WatchedSource], held: list[WatchedSource]) -> str:
    """Why a pass polled nothing, in words."""
    active = [s for s in sources if s.status == "active"]
    if not sources:
        return "No sources are watched. Add one with `python -m pipeline watch add URL`."
    if not active:
        return "Nothing to poll: every source is paused or disabled (`watch resume N` polls one again)."
    waiting = [s for s in active if s not in held]
    if not waiting:
        return "Nothing polled: every active source is held by another watcher (see below)."
    first = min(waiting, key=lambda s: s.next_poll)
    return (
        f"Nothing due: the next is #{first.id} {first.name or first.url}, {next_poll_words(first, utc_now())} "
        "(use --all to poll every active source now)."
    )


def _alerts(settings: Settings, limit: int) -> int:
    with Store.open(settings.db, pair=settings.watched_pair()) as db:
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


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _held(source: WatchedSource) -> str:
    return (
        f"held by the watcher {source.lease_owner} until {when_utc(source.lease_until)} "
        "(one that was killed lets go then)"
    )
