"""Leave-one-ledger-out: learn the stance model on sixteen real-article ledgers, measure it on the seventeenth.

    python benchmarks/cross_ledger.py [--caches DIR1 ... DIR17] [--methods NAME ...]

For each of the seventeen ledgers (tests/data/real_articles.csv, real_articles2.csv … real_articles17.csv)
every method is fitted on the other sixteen and scored on it; the table gives each held-out ledger's
figures, their mean, and the held-out predictions pooled per language. The rule scorer (the weights
the model starts from: the rules alone, without the word-stem model the shipped scorer adds) is the
baseline row; "rule + word stems" is the shipped method (scripts/train_stems.py). The texts
live outside the repository, one cache directory per ledger (see benchmarks/real_articles.py); the
directories come from --caches or from $BAROMETER_REAL_CACHES (separated by the path separator), else
/work/real_cache, /work/real_cache2 …
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

import numpy as np  # noqa: E402
import real_articles as ra  # noqa: E402
import train_scorer_model as train  # noqa: E402
import train_stems as stems_training  # noqa: E402

from pipeline.scoring.features import FEATURES  # noqa: E402
from pipeline.scoring.score import SCORER_VERSION, analyse  # noqa: E402
from pipeline.scoring.stance import CLASSES  # noqa: E402
from pipeline.scoring.stems import article_stems  # noqa: E402

LEDGER_NUMBERS = ("", *(str(n) for n in range(2, 18)))  # real_articles.csv, real_articles2.csv … 17
LEDGER_NAMES = tuple(f"real_articles{n}.csv" for n in LEDGER_NUMBERS)
CACHES_ENV = "BAROMETER_REAL_CACHES"
DEFAULT_CACHES = tuple(f"/work/real_cache{n}" for n in LEDGER_NUMBERS)
BASELINE = f"rule scorer {SCORER_VERSION}"
# The scorer as it was before each ledger was read (the ledger's before_* columns): the rules were
# written from these ledgers, so only this row says how the rule scorer does on articles unseen.
BEFORE = "rule scorer before the ledger was read"
# Two alternatives that are not weighings of the rule's features: a steeper final tanh (the scale that
# puts most training items outside the sign margin), and the rule's logit stacked with a ridge model of
# the article's word stems (first five letters of each word), fitted out of fold on the training ledgers.
STEEPER = "steeper tanh (scale fitted)"
STEMS = "rule + word stems (stacked)"
SCALES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0)
# The methods compared: which features each learns (the rest keep the rule's weights).
METHODS: dict[str, tuple[str, ...]] = {
    BEFORE: (BEFORE,),
    STEEPER: (STEEPER,),
    STEMS: (STEMS,),
    BASELINE: (),
    "lean": ("cued",),
    "sides + lean": ("tension_stance", "cooperation_stance", "cued"),
    "classes + lean": ("cued", *CLASSES),
    "all features": FEATURES,
}


@dataclass(frozen=True)
class Item:
    """One ledger row read by the scorer up to the model: its feature vector and relevance."""

    ledger: str
    row: dict
    script: str
    vector: tuple[float, ...]
    relevance: float
    language: str
    stems: frozenset[str] = frozenset()  # for the word-stem model: held in memory, never written


def add_cache_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--caches", nargs=len(LEDGER_NAMES), type=Path, metavar="DIR", help=f"one per ledger; default: ${CACHES_ENV}"
    )


def ledgers_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[tuple[Path, Path]]:
    """(ledger, cache directory) pairs from --caches, the environment or the default paths; checked."""
    caches = args.caches
    if caches is None:
        env = os.environ.get(CACHES_ENV)
        caches = [Path(p) for p in env.split(os.pathsep)] if env else [Path(p) for p in DEFAULT_CACHES]
    if len(caches) != len(LEDGER_NAMES):
        parser.error(f"${CACHES_ENV} names {len(caches)} directories; {len(LEDGER_NAMES)} are needed, one per ledger")
    for cache in caches:
        if not cache.is_dir():
            parser.error(f"cache directory {cache} does not exist")
    return [(ROOT / "tests" / "data" / name, cache) for name, cache in zip(LEDGER_NAMES, caches, strict=True)]


def load(ledgers: Sequence[tuple[Path, Path]]) -> list[Item]:
    """Every ledger row whose cached text is there, analysed once; missing texts are reported."""
    items = []
    for ledger, cache in ledgers:
        found, problems = ra.cached_texts(ra.read_ledger(ledger), cache)
        for problem in problems:
            print(f"{ledger.name}: {problem}", file=sys.stderr)
        for row, raw in found:
            title, _, text = raw.partition("\n")
            a = analyse(text, title)
            stems = article_stems(a.tokens, a.linked, stems_training.LETTERS, stems_training.MIN_LENGTH)
            items.append(Item(ledger.name, row, ra.dominant_script(raw), a.vector, a.relevance, a.language, stems))
    return items


def predict(beta: np.ndarray, items: Sequence[Item]) -> list[ra.Scored]:
    """The items as the real-article benchmark's Scored, with the model's tension (rounded as the scorer does)."""
    out = []
    for i in items:
        raw = float(np.dot(beta, i.vector))
        out.append(ra.Scored(i.row, round(math.tanh(raw), 4), round(i.relevance, 4), i.language, "", i.script))
    return out


def as_before(items: Sequence[Item]) -> list[ra.Scored]:
    """The items with the tension and relevance the ledger recorded before its rules were written."""
    return [
        ra.Scored(i.row, float(i.row["before_tension"]), float(i.row["before_relevance"]), i.language, "", i.script)
        for i in items
        if i.row.get("before_tension") and i.row.get("before_relevance")
    ]


def _stacked(train_items: Sequence[Item], test_items: Sequence[Item]) -> list[ra.Scored]:
    """The word-stem model (scripts/train_stems.py) fitted on the training ledgers, applied to the held-out one."""
    rule_scale, scale, weights = stems_training.fit(train_items, lambda i: float(np.dot(train.PRIOR, i.vector)))
    out = []
    for i in test_items:
        stem = stems_training.stems_gate(i) * stems_training.stem_logit(weights, i.stems)
        raw = rule_scale * float(np.dot(train.PRIOR, i.vector)) + scale * stem
        out.append(ra.Scored(i.row, round(math.tanh(raw), 4), round(i.relevance, 4), i.language, "", i.script))
    return out


def leave_one_out(items: Sequence[Item], free: Sequence[str]) -> dict[str, tuple[list[ra.Scored], float]]:
    """Held-out ledger -> its items scored by the method fitted on the others, and the penalty chosen."""
    out = {}
    for held in LEDGER_NAMES:
        train_items = [i for i in items if i.ledger != held]
        test_items = [i for i in items if i.ledger == held]
        if free == (BEFORE,):
            out[held] = (as_before(test_items), float("nan"))
            continue
        if free == (STEMS,):
            out[held] = (_stacked(train_items, test_items), float("nan"))
            continue
        if free == (STEEPER,):
            scale = max(SCALES, key=lambda s: (train.sign_rate(train.PRIOR * s, train_items), -s))
            out[held] = (predict(train.PRIOR * scale, test_items), scale)
            continue
        if not free:
            out[held] = (predict(train.PRIOR, test_items), float("nan"))
            continue
        penalty = train.choose_penalty(train_items, free)
        out[held] = (predict(train.fit(train_items, free, penalty), test_items), penalty)
    return out


def _cells(f: ra.Figures) -> str:
    return (
        f"{ra.fmt(f.tension_auc, '.3f')} | {ra.fmt(f.sign_right, '.1%')} ({f.signed}) | "
        f"{ra.fmt(f.spearman, '.2f')} | {ra.fmt(f.relevance_auc, '.3f')}"
    )


def report(results: dict[str, dict[str, tuple[list[ra.Scored], float]]]) -> str:
    head = "| tension AUC | sign right | Spearman | relevance AUC |"
    lines = [f"| held-out ledger | method | items | {head[2:]}", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for held in LEDGER_NAMES:
        for method, folds in results.items():
            scored, penalty = folds[held]
            kind = "scale" if method == STEEPER else "pull"
            note = "" if math.isnan(penalty) else f" ({kind} {penalty:g})"
            lines.append(f"| {held} | {method}{note} | {len(scored)} | {_cells(ra.figures(scored))} |")
    lines += [
        "",
        f"Mean over the {len(LEDGER_NAMES)} held-out ledgers:",
        "",
        f"| method | {head[2:]}",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for method, folds in results.items():
        per = [ra.figures(scored) for scored, _ in folds.values()]
        means = [statistics.fmean(getattr(f, k) for f in per) for k in ("tension_auc", "sign_right", "spearman")]
        rel = statistics.fmean(f.relevance_auc for f in per)
        lines.append(f"| {method} | {means[0]:.3f} | {means[1]:.1%} | {means[2]:.2f} | {rel:.3f} |")
    lines += ["", "Held-out predictions pooled, per language:", ""]
    lines += [f"| language | method | items | {head[2:]}", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    pooled = {method: [s for scored, _ in folds.values() for s in scored] for method, folds in results.items()}
    names = [name for name, _ in ra.groups(next(iter(pooled.values())))]
    for name in names:
        for method, scored in pooled.items():
            chosen = dict(ra.groups(scored))[name]
            lines.append(f"| {name} | {method} | {len(chosen)} | {_cells(ra.figures(chosen))} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_cache_arguments(parser)
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS), metavar="METHOD")
    args = parser.parse_args(argv)
    items = load(ledgers_from(args, parser))
    print(f"scorer {SCORER_VERSION}; {len(items)} ledger items; leave-one-ledger-out over {len(LEDGER_NAMES)} ledgers")
    results = {method: leave_one_out(items, METHODS[method]) for method in args.methods}
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
