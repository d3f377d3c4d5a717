"""The commands that read or change stored articles: export, score, rescore, correct, migrate."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Never

from tqdm import tqdm

from .cli_output import ALL_PAIRS, EXIT_NOTHING_DONE, EXIT_OK, to_json
from .settings import Settings

if TYPE_CHECKING:
    import polars as pl

    from .scoring.actors import Pair
from .store import Store


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from .aggregate import aggregate, article_table, contract_frame
    from .export import extended_frame, stack_pairs, write_csv, write_parquet

    watched = settings.watched_pair()
    # A database that cannot be written (read-only file or directory) is read without WAL's files.
    with Store.open(settings.db, create=False, read_only=Store.is_read_only(settings.db), pair=watched) as db:
        followed: list[str] = []
        if args.pair == ALL_PAIRS:
            # Each followed pair whose file loads prefers its current scorer version; any other, its newest.
            followed = db.pairs(with_own=False)  # all = what the database follows, not also the default pair
            loaded = {p.id: p for p in settings.scoring_pairs(followed)}
            pairs: list[str | Pair] = [loaded.get(pair_id, pair_id) for pair_id in followed]
            frame = db.pairs_frame(pairs)
        else:
            frame = db.articles_frame()

    def table(frame: pl.DataFrame) -> pl.DataFrame:
        if args.articles:
            return article_table(frame, relevance_threshold=settings.relevance_threshold)
        series = aggregate(
            frame,
            freq=args.freq,
            by=args.by,
            relevance_threshold=settings.relevance_threshold,
            tension_threshold=settings.tension_threshold,
        )
        return extended_frame(series) if args.extra else contract_frame(series)

    out = stack_pairs(frame, table, followed) if args.pair == ALL_PAIRS else table(frame)
    if args.articles and args.out and args.out.lower().endswith(".parquet"):
        write_parquet(out, args.out)
    else:
        write_csv(out, args.out or sys.stdout)
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
        to_json(
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
    from .rescore import rescore_all, rescore_followed

    bars: dict[str, tqdm[Never]] = {}  # one per pair, named after it, made when its first batch is done

    def progress(pair: str, done: int, total: int) -> None:
        if pair not in bars:
            for bar in bars.values():
                bar.close()
            bars[pair] = tqdm(desc=pair, unit="article", file=sys.stderr, dynamic_ncols=True)
        bars[pair].total = total
        bars[pair].n = done
        bars[pair].refresh()

    try:
        if args.pair == ALL_PAIRS:
            reports = rescore_followed(settings, progress)
        else:
            pair = settings.watched_pair()
            reports = [rescore_all(settings, lambda done, total: progress(pair.id, done, total))]
    finally:
        for bar in bars.values():
            bar.close()
    for report in reports:
        print(
            f"Scorer {report.version} ({report.pair}): {report.scored} articles scored, {report.already} already "
            f"had this version's score, {report.retired} older scores retired."
        )
    return EXIT_OK


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
            args.source,
            args.target,
            replace=args.replace,
            progress=None if args.no_progress else progress,
            backfill=settings.watched_pair().id,  # an old source was used with BAROMETER_PAIR's pair
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
    with Store.open(settings.db, pair=settings.watched_pair()) as db:  # the correction is that pair's
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
