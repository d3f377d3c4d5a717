"""Command line: `python -m pipeline <command>`. Each command parses, calls the library, prints.

Exit status: 0 when the command did its job (an ingest where some URLs failed is still 0 and lists
them), 1 when nothing could be done, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import getpass
import itertools
import json
import sys
from collections.abc import Iterator, Sequence
from typing import Never

from tqdm import tqdm

from . import ingest as ingest_mod
from .batch.command import add_parser as batch_parser
from .inputs import BadRow, InputError, stream_url_file
from .models import UrlRequest
from .scoring.pair_data import watched_pair_title
from .settings import Settings, load_settings
from .store import STANCES, Store, StoreError

EXIT_OK, EXIT_NOTHING_DONE, EXIT_USAGE = 0, 1, 2
# No tqdm monitor thread: ingest forks its workers only from a process without threads (else it uses
# a slower fork server), and a bar may already exist then (URLs already stored are reported first).
tqdm.monitor_interval = 0


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        help="SQLite database: a path or a sqlite:/// URL (default data/barometer.sqlite in a checkout, "
        "$XDG_DATA_HOME/bilateral-barometer/barometer.sqlite when installed; env BAROMETER_DB); ingest and "
        "demo create a missing file (not its directory), the other commands refuse it",
    )
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description=f"bilateral-barometer: ingest news, score {watched_pair_title()} tension, export the series.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    fetching = argparse.ArgumentParser(add_help=False)
    fetching.add_argument(
        "--allow-private",
        action="store_true",
        default=None,
        help="also fetch private, loopback and link-local addresses (env BAROMETER_ALLOW_PRIVATE=1)",
    )
    fetching.add_argument("--concurrency", type=int, help="pages in flight, downloading or extracted (default 32)")
    fetching.add_argument("--workers", type=int, help="extraction processes (default: one per core)")
    fetching.add_argument("--no-progress", action="store_true", help="no progress bar")
    fetching.add_argument(
        "--no-score", action="store_true", help="store without scoring (faster bulk loads; run `rescore` afterwards)"
    )

    p = sub.add_parser("ingest", parents=[common, fetching], help="fetch, extract, score and store URLs")
    p.add_argument("urls", nargs="*", metavar="URL", help="web addresses of articles (http or https)")
    p.add_argument(
        "--from",
        dest="from_file",
        metavar="FILE",
        help=".txt (one URL a line) or .csv (url column; optional date, source)",
    )

    p = sub.add_parser("ingest-html", parents=[common, fetching], help="the same for saved HTML files")
    p.add_argument("files", nargs="+", metavar="FILE", help="saved HTML pages")

    p = sub.add_parser(
        "export",
        parents=[common],
        help="aggregated CSV of the tension series",
        description="Write the aggregated tension series as CSV (one row per period, oldest first), "
        "or the article-level table with --articles; stored articles are only read.",
    )
    p.add_argument(
        "--freq",
        choices=("day", "week", "month"),
        default="week",
        help="length of one period: day, week (ISO, starting Monday) or month (default: week)",
    )
    p.add_argument(
        "--by",
        choices=("source", "language"),
        help="one series per source or per language, the group in the second column (default: one series)",
    )
    p.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    p.add_argument(
        "--extra",
        action="store_true",
        help="after the contract columns, add tension_z, spike, top_evidence and top_evidence_id",
    )
    p.add_argument(
        "--articles",
        action="store_true",
        help="export the article-level table instead (CSV, or Parquet when FILE ends in .parquet); "
        "--freq and --by do not apply",
    )

    p = sub.add_parser("score", parents=[common], help="print the JSON score of one text or HTML file")
    p.add_argument("file", metavar="FILE", help="a text (.txt) or HTML (.html) file")

    sub.add_parser("rescore", parents=[common], help="re-score every stored article with the current scorer")
    p = sub.add_parser("demo", parents=[common], help="load the bundled demo corpus into the database")
    p.add_argument("--remove", action="store_true", help="remove the demo articles instead")
    p = sub.add_parser("correct", parents=[common], help="record the analyst's correction of one stored article")
    p.add_argument("id", type=int, metavar="ID", help="the article's id (the dashboard's id column)")
    p.add_argument("reading", choices=[*STANCES, "not-relevant", "none"], help="the correction; none undoes it")
    p.add_argument("--note", default="", help="why (kept with the correction)")
    p.add_argument("--author", help="who corrects (default: the operating-system user)")
    _watch_parser(sub, common, fetching)
    p = sub.add_parser(
        "migrate",
        help="copy a database (SQLite or PostgreSQL) into another, verified",
        description="Copy every table of a database into another (created when missing), ids kept, "
        "and verify the counts and a checksum; the source is only read.",
    )
    p.add_argument("--from", dest="source", required=True, metavar="DB", help="the database to copy: a path or URL")
    p.add_argument("--to", dest="target", required=True, metavar="DB", help="where to copy it: a path or URL")
    p.add_argument("--replace", action="store_true", help="overwrite a target that already holds data")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(db=None)  # the two databases are named by --from and --to
    batch_parser(sub, common)  # pipeline.batch: Dask is imported only when the command runs
    return parser


def _watch_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    fetching: argparse.ArgumentParser,
) -> None:
    """``watch add|list|remove|pause|resume|run|alerts`` (pipeline.watch; docs/watch.md)."""
    watch = sub.add_parser("watch", help="watch feeds and sitemaps: add, list, remove, pause, resume, run")
    actions = watch.add_subparsers(dest="action", required=True, metavar="ACTION", help="what to do")
    p = actions.add_parser(
        "add", parents=[common, fetching], help="watch a feed, a sitemap, or the feeds/sitemaps found on a homepage"
    )
    p.add_argument("url", metavar="URL", help="an RSS/Atom feed, a sitemap (index, .gz, Google News) or a homepage")
    p.add_argument("--name", help="the name shown for it (default: the feed's title or the host)")
    p.add_argument("--every", help="how often to poll it: 30m, 2h, 1d (default 30m; env BAROMETER_WATCH_EVERY)")
    actions.add_parser("list", parents=[common], help="each source: last and next poll, found, stored, last error")
    for action, verb in (
        ("remove", "stop watching a source"),
        ("pause", "stop polling a source, keeping it"),
        ("resume", "poll a paused or disabled source again, from now"),
    ):
        p = actions.add_parser(action, parents=[common], help=verb)
        p.add_argument("source", metavar="SOURCE", help="its number (as `watch list` shows it) or URL")
    p = actions.add_parser(
        "run", parents=[common, fetching], help="poll the sources that are due and ingest what is new"
    )
    p.add_argument("--once", action="store_true", help="one pass over the due sources, then exit (for cron)")
    p.add_argument("--all", action="store_true", help="poll every active source now, due or not, then exit")
    p.add_argument("--every", help="poll each source this often (30m, 2h, 1d), instead of its own interval")
    p = actions.add_parser("alerts", parents=[common], help="the latest alerts, newest first, with their evidence")
    p.add_argument("--limit", type=int, default=20, help="how many to show (default 20)")


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        db=args.db,
        allow_private=getattr(args, "allow_private", None),
        concurrency=getattr(args, "concurrency", None),
        workers=getattr(args, "workers", None),
        score=False if getattr(args, "no_score", False) else None,
    )


class _Bar:
    """A tqdm progress bar on stderr, fed by the library's progress callback."""

    def __init__(self, enabled: bool, unit: str):
        self.bar: tqdm[Never] | None = None  # a bar without an iterable, fed by update()
        self.enabled, self.unit = enabled, unit

    def __call__(self, done: int, total: int, outcome: ingest_mod.Outcome) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(total=total, unit=self.unit, file=sys.stderr, dynamic_ncols=True)
        self.bar.total = total  # a streamed list's total grows as it is read
        self.bar.update(1)
        self.bar.set_postfix_str(ingest_mod.STATUS_LABELS[outcome.status], refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _print_report(report: ingest_mod.IngestReport) -> int:
    print(f"Summary: {report.summary()}.")
    for outcome in report.outcomes:
        if outcome.status == "duplicate":
            print(f"  duplicate story: {outcome.url} ({outcome.detail})")
    if report.failures:
        print("Failed:")
        for outcome in report.failures:
            print(f"  {outcome.url}: {outcome.detail}")
    useful = report.total - report.count("failed")
    return EXIT_OK if useful or not report.total else EXIT_NOTHING_DONE


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    requests = [UrlRequest(url=u) for u in args.urls]
    listed: Iterator[UrlRequest | BadRow] = iter(())
    if args.from_file:
        try:
            listed = stream_url_file(args.from_file)  # read lazily: a long list starts at once
        except InputError as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_NOTHING_DONE
    first = next(listed, None)
    if not requests and first is None:
        if args.from_file:
            print(f"error: {args.from_file}: no URLs in the file", file=sys.stderr)
            return EXIT_NOTHING_DONE
        print("error: no URLs given (pass URLs or --from FILE)", file=sys.stderr)
        return EXIT_USAGE
    inputs = itertools.chain(requests, [first] if first is not None else [], listed)
    bar = _Bar(not args.no_progress, "url")
    try:
        # only what is printed is kept: stored and present URLs are counted, not held in memory
        report = ingest_mod.ingest_urls(inputs, settings, progress=bar, keep=("duplicate", "failed"))
    finally:
        bar.close()
    return _print_report(report)


def cmd_ingest_html(args: argparse.Namespace, settings: Settings) -> int:
    items, failed = ingest_mod.read_html_files(args.files, max_bytes=settings.max_bytes)
    bar = _Bar(not args.no_progress, "page")
    try:
        report = ingest_mod.ingest_html(items, settings, failed=failed, progress=bar)
    finally:
        bar.close()
    return _print_report(report)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from .aggregate import aggregate, article_table, contract_frame
    from .export import extended_frame, write_csv, write_parquet

    # A database that cannot be written (read-only file or directory) is read without WAL's files.
    with Store.open(settings.db, create=False, read_only=Store.is_read_only(settings.db)) as db:
        frame = db.articles_frame()
    if args.articles:
        table = article_table(frame, relevance_threshold=settings.relevance_threshold)
        if args.out and args.out.lower().endswith(".parquet"):
            write_parquet(table, args.out)
        else:
            write_csv(table, args.out or sys.stdout)
        return EXIT_OK
    series = aggregate(
        frame,
        freq=args.freq,
        by=args.by,
        relevance_threshold=settings.relevance_threshold,
        tension_threshold=settings.tension_threshold,
    )
    write_csv(extended_frame(series) if args.extra else contract_frame(series), args.out or sys.stdout)
    return EXIT_OK


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    from .scoring.score import score_article
    from .textfile import read_scorable

    try:
        title, text = read_scorable(args.file)
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    score = score_article(text, title=title, pair=settings.watched_pair())
    print(
        _json(
            {
                "file": args.file,
                "title": title,
                "tension": score.tension,
                "sentiment": score.sentiment,
                "relevance": score.relevance,
                "goldstein": score.goldstein,
                "language": score.language,
                "certain": score.certain,
                "scorer_version": score.version,
                "evidence": [{"sentence": e.sentence, "weight": e.weight} for e in score.evidence],
            }
        )
    )
    return EXIT_OK


def cmd_rescore(args: argparse.Namespace, settings: Settings) -> int:
    from .rescore import rescore_all

    bar = tqdm(unit="article", file=sys.stderr, dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        report = rescore_all(settings, progress)
    finally:
        bar.close()
    print(
        f"Scorer {report.version}: {report.scored} articles scored, {report.already} already had this "
        f"version's score, {report.retired} older scores retired."
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from .demo import DEMO_LABEL, demo_dir, load_demo, no_demo_message, remove_demo

    if args.remove:
        print(f"Removed {remove_demo(settings)} demo articles and the demo's key events; your own are untouched.")
        return EXIT_OK
    pair = settings.watched_pair()
    if demo_dir(pair.id, settings.data_dir) is None:
        load_demo(settings)  # the pair's key events, which it may have without a demo
        print(f"error: {no_demo_message(pair.title)}".replace("`", ""), file=sys.stderr)
        return EXIT_NOTHING_DONE
    print(f"Loading the demo corpus ({DEMO_LABEL}).")
    bar = _Bar(True, "page")
    try:
        report = load_demo(settings, progress=bar)
    finally:
        bar.close()
    return _print_report(report)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from .store.migrate import migrate

    bars: list[tqdm[Never]] = []  # made at the first batch: a refusal prints no empty bar

    def progress(table: str, done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit="row", file=sys.stderr, dynamic_ncols=True))
        bars[0].n = done
        bars[0].set_postfix_str(table, refresh=False)
        bars[0].refresh()

    try:
        report = migrate(
            args.source, args.target, replace=args.replace, progress=None if args.no_progress else progress
        )
    except KeyboardInterrupt:
        for bar in bars:
            bar.close()
        print(f"interrupted: {Store.display_name(args.target)} was rolled back to what it held before", file=sys.stderr)
        return 130
    finally:
        for bar in bars:
            bar.close()
    print("\n".join(report.lines()))
    return EXIT_OK


def cmd_correct(args: argparse.Namespace, settings: Settings) -> int:
    try:
        author = args.author if args.author is not None else getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor the password database
        author = ""
    with Store.open(settings.db) as db:
        if args.reading == "none":
            print(f"Article {args.id}: " + ("correction undone." if db.clear_override(args.id) else "no correction."))
            return EXIT_OK
        try:
            relevant = args.reading != "not-relevant"
            stance = args.reading if relevant else None
            db.set_override(args.id, stance=stance, not_relevant=not relevant, note=args.note, author=author)
        except ValueError as err:  # no such article
            print(f"error: {err}", file=sys.stderr)
            return EXIT_NOTHING_DONE
    print(f"Article {args.id}: corrected to {args.reading}" + (f" by {author}." if author else "."))
    return EXIT_OK


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    from .watch.commands import cmd_watch as run_watch

    return run_watch(args, settings)


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    from .batch.command import cmd_batch as run_batch

    return run_batch(args, settings, _print_report)


COMMANDS = {
    "batch": cmd_batch,
    "watch": cmd_watch,
    "ingest": cmd_ingest,
    "ingest-html": cmd_ingest_html,
    "export": cmd_export,
    "score": cmd_score,
    "rescore": cmd_rescore,
    "demo": cmd_demo,
    "migrate": cmd_migrate,
    "correct": cmd_correct,
}


#: Commands that open the database; the first two kinds may create it (``demo --remove`` may not).
DATABASE_COMMANDS = ("ingest", "ingest-html", "demo", "export", "rescore", "watch", "correct", "batch")
CREATING_COMMANDS = ("ingest", "ingest-html", "demo", "batch")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m pipeline``; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
    except ValueError as err:  # a malformed setting, or a pair or lexicon file missing or broken
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        creating = _check_database(args, settings)
        try:
            return COMMANDS[args.command](args, settings)
        finally:
            if creating and Store.exists(settings.db):
                print(f"Created a new database at {Store.display_name(settings.db)}.", file=sys.stderr)
    except StoreError as err:  # names the database and the reason
        print(f"error: {err}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    except OSError as err:  # e.g. a --db path that cannot be opened
        print(f"error: database {Store.display_name(settings.db)}: {err}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    except KeyboardInterrupt:
        print(
            "interrupted: everything stored so far is kept; run the same command again to continue",
            file=sys.stderr,
        )
        return 130


def _check_database(args: argparse.Namespace, settings: Settings) -> bool:
    """Refuse a database that is missing (for commands that only read or change stored articles) or
    that cannot be created, before any work; True when the command will create it."""
    if args.command not in DATABASE_COMMANDS:
        return False
    create = args.command in CREATING_COMMANDS and not getattr(args, "remove", False)
    create = create or getattr(args, "action", None) == "add"  # `watch add` starts a database
    return Store.check_database(settings.db, create=create) is None


def _json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


__all__ = ["main"]
