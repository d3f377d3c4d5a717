"""The commands that bring articles in: ingest, ingest-html, demo, watch and batch."""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator

from . import ingest as ingest_mod
from .cli_output import ALL_PAIRS, EXIT_NOTHING_DONE, EXIT_OK, EXIT_USAGE, Bar, print_report
from .inputs import BadRow, InputError, stream_url_file
from .models import UrlRequest
from .settings import Settings


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
    bar = Bar(not args.no_progress, "url")
    try:
        # only what is printed is kept: stored and present URLs are counted, not held in memory
        report = ingest_mod.ingest_urls(inputs, settings, progress=bar, keep=("duplicate", "failed"))
    finally:
        bar.close()
    return print_report(report)


def cmd_ingest_html(args: argparse.Namespace, settings: Settings) -> int:
    items, failed = ingest_mod.read_html_files(args.files, max_bytes=settings.max_bytes)
    bar = Bar(not args.no_progress, "page")
    try:
        report = ingest_mod.ingest_html(items, settings, failed=failed, progress=bar)
    finally:
        bar.close()
    return print_report(report)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from .demo import DEMO_LABEL, demo_dir, load_demo, load_demos, no_demo_message, remove_demo, shipped_pairs

    if args.remove:
        print(f"Removed {remove_demo(settings)} demo articles and the demo's key events; your own are untouched.")
        return EXIT_OK
    if args.pair == ALL_PAIRS:  # every shipped pair's demo in one database, each article scored under all
        print(f"Loading the demos of {', '.join(shipped_pairs())} ({DEMO_LABEL}).")
        bar = Bar(True, "page")
        try:
            report = load_demos(settings, [ALL_PAIRS], progress=bar)
        finally:
            bar.close()
        return print_report(report)
    pair = settings.watched_pair()
    if demo_dir(pair.id, settings.data_dir) is None:
        load_demo(settings)  # the pair's key events, which it may have without a demo
        print(f"error: {no_demo_message(pair.title)}".replace("`", ""), file=sys.stderr)
        return EXIT_NOTHING_DONE
    print(f"Loading the demo corpus ({DEMO_LABEL}).")
    bar = Bar(True, "page")
    try:
        report = load_demo(settings, progress=bar)
    finally:
        bar.close()
    return print_report(report)


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    from .watch.commands import cmd_watch as run_watch

    return run_watch(args, settings)


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    from .batch.command import cmd_batch as run_batch

    return run_batch(args, settings, print_report)
