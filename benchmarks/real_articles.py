"""Score the real-article ledger and print the issue's figures per language.

    python benchmarks/real_articles.py --cache /work/real_cache [--errors] [--write before|after]

The ledger (``tests/data/real_articles.csv``) holds one row per published article an analyst read:
URL, date, language, the analyst's label and strength, and the scorer's figures. The article texts
are not in the repository; they live in a cache directory outside it, one file per article named
after the SHA-1 of its URL (first line the title, possibly empty, then the text). Items whose file
is missing, or whose text no longer matches the ledger's ``text_sha1``, are reported and left out.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.scoring.evaluate import auc, spearman  # noqa: E402
from pipeline.scoring.score import SCORER_VERSION, score_article  # noqa: E402

DEFAULT_LEDGER = ROOT / "tests" / "data" / "real_articles.csv"
CACHE_ENV = "BAROMETER_REAL_CACHE"
SIGN_MARGIN = 0.05  # a labelled tension/cooperation item scored within this of zero has no sign
MAIN_LANGUAGES = ("ru", "kk", "pl", "en")
# The issue's bars for a set of real articles.
BARS = {"tension AUC": 0.95, "sign right": 0.88, "Spearman": 0.78, "relevance AUC": 0.93}
COLUMNS = [
    "url",
    "published",
    "language",
    "relevant",
    "label",
    "strength",
    "why",
    "text_sha1",
    "chars",
    "before_tension",
    "before_relevance",
    "before_language",
    "after_tension",
    "after_relevance",
    "after_version",
]


@dataclass(frozen=True)
class Scored:
    """One ledger row with the scorer's verdict on its cached text."""

    row: dict
    tension: float
    relevance: float
    language: str
    evidence: str  # the strongest evidence sentence, "" when there is none
    script: str  # Latn / Cyrl / Arab: the text's dominant alphabet


def cache_path(cache: Path, url: str) -> Path:
    return cache / f"{hashlib.sha1(url.encode('utf-8')).hexdigest()}.txt"


def read_ledger(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if missing:
        raise SystemExit(f"{path}: the ledger lacks the columns {', '.join(missing)}")
    return rows


def write_ledger(path: Path, rows: Sequence[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)


def dominant_script(text: str) -> str:
    """Latn, Cyrl or Arab: whichever alphabet most of the letters belong to."""
    counts = {"Latn": 0, "Cyrl": 0, "Arab": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if 0x0400 <= code <= 0x04FF:
            counts["Cyrl"] += 1
        elif 0x0600 <= code <= 0x06FF:
            counts["Arab"] += 1
        elif code < 0x0250:
            counts["Latn"] += 1
    return max(counts, key=counts.get)


def cached_texts(rows: Sequence[dict], cache: Path) -> tuple[list[tuple[dict, str]], list[str]]:
    """(row, raw cached file) for every row whose text is present and unchanged; the others as problems."""
    found, problems = [], []
    for row in rows:
        path = cache_path(cache, row["url"])
        if not path.exists():
            problems.append(f"missing: {row['url']} (no file {path.name} in {cache})")
            continue
        raw = path.read_text(encoding="utf-8")
        if row.get("text_sha1") and hashlib.sha1(raw.encode("utf-8")).hexdigest() != row["text_sha1"]:
            problems.append(f"changed: {row['url']} ({path.name} no longer matches the ledger's text_sha1)")
            continue
        found.append((row, raw))
    return found, problems


def score_rows(rows: Sequence[dict], cache: Path) -> tuple[list[Scored], list[str]]:
    """Score every row whose cached text is present and unchanged; the others as problems in words."""
    scored = []
    found, problems = cached_texts(rows, cache)
    for row, raw in found:
        title, _, text = raw.partition("\n")
        s = score_article(text, title=title, language=None)
        top = max(s.evidence, key=lambda e: abs(e.weight)).sentence if s.evidence else ""
        scored.append(Scored(row, s.tension, s.relevance, s.language, top, dominant_script(raw)))
    return scored, problems


def wrong_sign(item: Scored) -> bool:
    """A tension item not clearly above zero, or a cooperation item not clearly below it."""
    label = item.row["label"]
    if label == "tension":
        return item.tension <= SIGN_MARGIN
    if label == "cooperation":
        return item.tension >= -SIGN_MARGIN
    return False


@dataclass(frozen=True)
class Figures:
    items: int
    relevant: int
    tension_auc: float
    sign_right: float
    signed: int
    spearman: float
    relevance_auc: float
    zeros: int


def figures(items: Sequence[Scored]) -> Figures:
    relevant = [i for i in items if i.row["relevant"] == "1"]
    tense = [i.tension for i in relevant if i.row["label"] == "tension"]
    coop = [i.tension for i in relevant if i.row["label"] == "cooperation"]
    signed = [i for i in relevant if i.row["label"] in ("tension", "cooperation")]
    graded = [(float(i.row["strength"]), i.tension) for i in relevant]
    return Figures(
        items=len(items),
        relevant=len(relevant),
        tension_auc=auc(tense, coop),
        sign_right=sum(not wrong_sign(i) for i in signed) / len(signed) if signed else float("nan"),
        signed=len(signed),
        spearman=spearman([g for g, _ in graded], [t for _, t in graded]),
        relevance_auc=auc([i.relevance for i in relevant], [i.relevance for i in items if i.row["relevant"] == "0"]),
        zeros=sum(i.tension == 0.0 for i in items),
    )


def groups(items: Sequence[Scored]) -> list[tuple[str, list[Scored]]]:
    """Rows of the table: the four main languages, Kazakh by alphabet, the others together, all."""
    out = [(lang, [i for i in items if i.row["language"] == lang]) for lang in MAIN_LANGUAGES]
    kk = [i for i in items if i.row["language"] == "kk"]
    for script in ("Cyrl", "Latn", "Arab"):
        chosen = [i for i in kk if i.script == script]
        if chosen and len(chosen) < len(kk):
            out.append((f"kk ({script})", chosen))
    others = [i for i in items if i.row["language"] not in MAIN_LANGUAGES]
    langs = ", ".join(sorted({i.row["language"] for i in others}))
    out.append((f"other ({langs})", others))
    out.append(("all", list(items)))
    return [(name, chosen) for name, chosen in out if chosen]


def fmt(value: float, spec: str) -> str:
    return "–" if math.isnan(value) else format(value, spec)


def table(items: Sequence[Scored]) -> str:
    lines = [
        "| language | items | relevant | tension AUC | sign right | Spearman | relevance AUC | scored 0 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, chosen in groups(items):
        f = figures(chosen)
        lines.append(
            f"| {name} | {f.items} | {f.relevant} | {fmt(f.tension_auc, '.3f')} | "
            f"{fmt(f.sign_right, '.1%')} ({f.signed}) | {fmt(f.spearman, '.2f')} | "
            f"{fmt(f.relevance_auc, '.3f')} | {f.zeros} |"
        )
    return "\n".join(lines)


def bars(items: Sequence[Scored]) -> str:
    f = figures(items)
    values = {
        "tension AUC": f.tension_auc,
        "sign right": f.sign_right,
        "Spearman": f.spearman,
        "relevance AUC": f.relevance_auc,
    }
    parts = []
    for name, bar in BARS.items():
        ok = not math.isnan(values[name]) and values[name] >= bar
        parts.append(f"{name} {fmt(values[name], '.3f')} {'>=' if ok else '<'} {bar} {'ok' if ok else 'MISSED'}")
    return "bars (all items): " + "; ".join(parts)


def errors(items: Sequence[Scored], threshold: float) -> str:
    """Misclassified items: wrong or no sign, and relevance on the wrong side of the threshold."""

    def line(i: Scored) -> str:
        ev = i.evidence.replace("\n", " ")
        ev = ev if len(ev) <= 80 else ev[:79] + "…"
        label = i.row["label"] or "off-topic"
        return (
            f"  {i.row['language']:>2} {label:<11} {i.row['strength'] or '':>2} "
            f"t={i.tension:+.3f} r={i.relevance:.2f} {i.row['url']}\n      why: {i.row['why']}\n      top: {ev}"
        )

    signs = [i for i in items if i.row["relevant"] == "1" and wrong_sign(i)]
    missed = [i for i in items if i.row["relevant"] == "1" and i.relevance < threshold]
    false_hits = [i for i in items if i.row["relevant"] == "0" and i.relevance >= threshold]
    out = [f"wrong or no sign ({len(signs)}):", *map(line, signs)]
    out += [f"relevant but relevance < {threshold} ({len(missed)}):", *map(line, missed)]
    out += [f"off-topic but relevance >= {threshold} ({len(false_hits)}):", *map(line, false_hits)]
    return "\n".join(out)


def fill(rows: list[dict], items: Sequence[Scored], which: str) -> int:
    """Write the scorer's figures into the before_* or after_* columns of the matching rows."""
    by_url = {i.row["url"]: i for i in items}
    for row in rows:
        item = by_url.get(row["url"])
        if item is None:
            continue
        row[f"{which}_tension"] = f"{item.tension:.3f}"
        row[f"{which}_relevance"] = f"{item.relevance:.3f}"
        if which == "before":
            row["before_language"] = item.language
        else:
            row["after_version"] = SCORER_VERSION
    return len(by_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, default=DEFAULT_LEDGER)
    parser.add_argument("--cache", type=Path, default=os.environ.get(CACHE_ENV) or None, help=f"default: ${CACHE_ENV}")
    parser.add_argument("--write", choices=("before", "after"), help="fill these columns of the ledger")
    parser.add_argument("--errors", action="store_true", help="list the misclassified items")
    parser.add_argument("--threshold", type=float, default=0.3, help="relevance counted as 'about the pair'")
    args = parser.parse_args(argv)
    if args.cache is None:
        parser.error(f"no cache directory: pass --cache or set {CACHE_ENV}")
    if not args.cache.is_dir():
        parser.error(f"cache directory {args.cache} does not exist")

    rows = read_ledger(args.ledger)
    items, problems = score_rows(rows, args.cache)
    print(f"scorer {SCORER_VERSION}; {len(items)} of {len(rows)} ledger items scored from {args.cache}")
    for problem in problems:
        print(problem)
    print(table(items))
    print(bars(items))
    if args.errors:
        print(errors(items, args.threshold))
    if args.write:
        n = fill(rows, items, args.write)
        write_ledger(args.ledger, rows)
        print(f"wrote {args.write}_* for {n} items to {args.ledger}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
