"""Command line: `python -m pipeline <command>`: the parser and the dispatch. Each command (cli_ingest,
cli_stored) parses nothing, calls the library, prints.

Exit status: 0 when the command did its job (an ingest where some URLs failed is still 0 and lists
them), 1 when nothing could be done, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from .batch.command import add_parser as batch_parser
from .cli_ingest import cmd_batch, cmd_demo, cmd_ingest, cmd_ingest_html, cmd_watch
from .cli_output import ALL_PAIRS, EXIT_NOTHING_DONE, EXIT_USAGE
from .cli_stored import cmd_correct, cmd_export, cmd_migrate, cmd_rescore, cmd_score
from .resources import DEFAULT_PAIR, DataFileError, data_files
from .scoring.actors import ACTORS
from .scoring.pair_data import pair_title, watched_pair_title
from .settings import Settings, load_settings
from .store import STANCES, Store, StoreError

ALL_PAIR_COMMANDS = ("export", "rescore", "demo")


def _named_pair(argv: Sequence[str]) -> str:
    """The pair ``--pair`` names in ``argv`` (else BAROMETER_PAIR, else the default), for the help text,
    which is built before the arguments are parsed."""
    for i, arg in enumerate(argv):
        if arg == "--pair" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--pair="):
            return arg.removeprefix("--pair=")
    return os.environ.get("BAROMETER_PAIR") or DEFAULT_PAIR


def _pair_ids() -> list[str]:
    """The ids of the pair files found (the user's data directory's and the package's)."""
    return [name.removesuffix(".toml") for name in data_files(ACTORS, "*.toml", os.environ.get("BAROMETER_DATA_DIR"))]


def _parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    named = _named_pair(argv)
    title = watched_pair_title() if named == ALL_PAIRS else pair_title(named, os.environ.get("BAROMETER_DATA_DIR", ""))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--pair",
        metavar="ID",
        help=f"the pair of countries (now {named}: {title}): an id ({', '.join(_pair_ids())}) or a .toml path; "
        f"default env BAROMETER_PAIR, else {DEFAULT_PAIR}; export and rescore also take all: every pair the "
        "database follows; demo all: every shipped pair's demo, each article scored under all of them",
    )
    common.add_argument(
        "--db",
        help="SQLite database: a path or a sqlite:/// URL (default data/barometer.sqlite in a checkout, "
        "$XDG_DATA_HOME/bilateral-barometer/barometer.sqlite when installed; env BAROMETER_DB); ingest and "
        "demo create a missing file (not its directory), the other commands refuse it",
    )
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description=f"bilateral-barometer: ingest news, score {title} tension, export the series.",
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
    """The settings the arguments give (``--pair all`` leaves the watched pair at its default: the
    command reads ``args.pair`` for the others). Raises ValueError naming a bad value."""
    pair = getattr(args, "pair", None)
    if pair == ALL_PAIRS:
        if args.command not in ALL_PAIR_COMMANDS:
            raise ValueError(f"--pair all: {args.command} works for one pair; all applies to export, rescore and demo")
        pair = None
    try:
        return load_settings(
            db=args.db,
            pair=pair,
            allow_private=getattr(args, "allow_private", None),
            concurrency=getattr(args, "concurrency", None),
            workers=getattr(args, "workers", None),
            score=False if getattr(args, "no_score", False) else None,
        )
    except DataFileError as err:
        named = pair is not None and "pair file" in str(err)  # the flag's pair, not a lexicon, is the problem
        raise DataFileError(f"--pair {pair}: {err}" if named else str(err)) from err


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
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
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(argv)
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


__all__ = ["main"]
