"""Evaluate the scorer on a labelled set: per-language AUC, sign accuracy, Spearman, relevance AUC.

    python -m pipeline.scoring.evaluate [tests/data/devset.jsonl]

prints a markdown table for the scorer and for two baselines: plain VADER compound on the whole text
(tension = -compound) and "both countries named" for relevance. Each line of the set is a JSON object
with ``language``, ``label`` (tension / cooperation / mixed / off-topic), ``strength`` (-2 strong
cooperation ... +2 strong tension, 0 mixed, null off-topic), ``title`` and ``text``.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .actors import SIDE_A, SIDE_B, actor_matcher
from .score import score_article
from .sentences import split_sentences, tokenize

DEFAULT_DEVSET = Path(__file__).resolve().parents[2] / "tests" / "data" / "devset.jsonl"
ON_TOPIC = ("tension", "cooperation", "mixed")
Item = dict[str, Any]  # one labelled item as its JSON line holds it: text, title, language, label, strength


def load_devset(path: str | Path = DEFAULT_DEVSET) -> list[Item]:
    """The labelled items, one JSON object per line."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    if not positives or not negatives:
        return float("nan")
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties); nan when undefined."""
    if len(x) < 3:
        return float("nan")
    rx, ry = _ranks(x), _ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else float("nan")


@dataclass(frozen=True)
class Figures:
    n: int
    tension_auc: float
    sign_accuracy: float
    spearman: float
    relevance_auc: float


def figures(items: Sequence[Item], tensions: Sequence[float], relevances: Sequence[float]) -> Figures:
    """The four figures for items with their predicted tension and relevance."""
    pos = [t for it, t in zip(items, tensions, strict=True) if it["label"] == "tension"]
    neg = [t for it, t in zip(items, tensions, strict=True) if it["label"] == "cooperation"]
    signed = [t > 0 for t in pos] + [t < 0 for t in neg]
    graded = [(it["strength"], t) for it, t in zip(items, tensions, strict=True) if it["label"] in ON_TOPIC]
    on = [r for it, r in zip(items, relevances, strict=True) if it["label"] in ON_TOPIC]
    off = [r for it, r in zip(items, relevances, strict=True) if it["label"] == "off-topic"]
    return Figures(
        n=len(items),
        tension_auc=auc(pos, neg),
        sign_accuracy=sum(signed) / len(signed) if signed else float("nan"),
        spearman=spearman([g for g, _ in graded], [t for _, t in graded]),
        relevance_auc=auc(on, off),
    )


Scorer = Callable[[Item], tuple[float, float]]  # item -> (tension, relevance)


def scorer_prediction(item: Item) -> tuple[float, float]:
    s = score_article(item["text"], title=item.get("title", ""), language=None)
    return s.tension, s.relevance


def _vader() -> Any:  # vaderSentiment ships no type information
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def baseline_prediction(item: Item, _analyzer: Any = None) -> tuple[float, float]:
    """Plain VADER compound of the whole text as tension; "both sides named" as relevance."""
    analyzer = _analyzer or _vader()
    text = f"{item.get('title', '')}\n{item['text']}"
    tension = -float(analyzer.polarity_scores(text)["compound"])
    matcher = actor_matcher(item["language"])
    kinds = {m.pattern.kind for s in split_sentences(text) for m in matcher.find(tokenize(s))}
    return tension, 1.0 if {SIDE_A, SIDE_B} <= kinds else 0.0


def evaluate(items: Sequence[Item], predict: Scorer = scorer_prediction) -> dict[str, Figures]:
    """Figures per language and for all items ("all")."""
    predictions = [predict(it) for it in items]
    out: dict[str, Figures] = {}
    languages = sorted({it["language"] for it in items})
    for language in [*languages, "all"]:
        chosen = [i for i, it in enumerate(items) if language in ("all", it["language"])]
        out[language] = figures(
            [items[i] for i in chosen],
            [predictions[i][0] for i in chosen],
            [predictions[i][1] for i in chosen],
        )
    return out


def markdown_table(rows: Iterable[tuple[str, str, Figures]]) -> str:
    """A markdown table of figures, one row per (method, language)."""
    lines = [
        "| method | language | items | tension AUC | sign right | Spearman | relevance AUC |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]

    def fmt(value: float, spec: str) -> str:
        return "–" if math.isnan(value) else format(value, spec)

    for method, language, f in rows:
        lines.append(
            f"| {method} | {language} | {f.n} | {fmt(f.tension_auc, '.2f')} | {fmt(f.sign_accuracy, '.0%')} | "
            f"{fmt(f.spearman, '.2f')} | {fmt(f.relevance_auc, '.2f')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.scoring.evaluate",
        description="The scorer and a VADER baseline on a labelled set (JSON lines), as a Markdown table.",
    )
    parser.add_argument("file", nargs="?", default=str(DEFAULT_DEVSET), help="labelled set (default: the dev set)")
    args = parser.parse_args(argv)
    if not Path(args.file).is_file():
        parser.error(f"{args.file}: no such labelled set")
    items = load_devset(args.file)
    ours = evaluate(items)
    analyzer = _vader()
    base = evaluate(items, lambda it: baseline_prediction(it, analyzer))
    rows = [("scorer", lang, f) for lang, f in ours.items()]
    rows += [("VADER / both named", lang, f) for lang, f in base.items()]
    print(markdown_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
