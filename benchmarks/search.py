"""Benchmark: the articles page's full-text search against the same query on the FTS5 index alone.

    python benchmarks/search.py [--articles 100000,1000000] [--repeat 5]
                                [--db /tmp/barometer-bench/search-{n}.sqlite|PATH,PATH] [--write-readme]

The articles are ``benchmarks/dashboard.py``'s synthetic ones (ten years, 50 sources, four languages,
3% undated) with texts of 40–80 words drawn, per language, from the word frequencies of the bundled
demo corpus (prose written for this project), and a rare word (a place name) in one text in 5,000.
Per size and per word (the rare one, and the commonest English word), with no filter and with a
language and date filter, in the same run: the page's search as the dashboard runs it with the
articles frame already cached (``pipeline.article_search.search_page``: the store opened, the first
page of 200 ranked ids filtered and cut by SQLite with their passages made in the same query, the
index's count, the page's rows with ``counted`` from the copies of their stories, found through the
frame's search index), and the index alone giving the same page of ranked ids, ``SELECT
rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 200`` (no filter: the index
holds none), a connection opened each time as the page opens its store. Medians of ``--repeat`` runs
after one warm-up, the two taken in turns, with the spread (lowest–highest), and the load average
around each row. The frame's search index (``article_search.frame_index``), made once per frame on its
first search (after each write, on the dashboard), is timed apart.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import os
import platform
import random
import re
import sqlite3
import statistics
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from dashboard import build, synthetic  # noqa: E402
from pipeline import article_search, views  # noqa: E402
from pipeline.models import Article, Score  # noqa: E402
from pipeline.resources import PACKAGE_DATA  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.store import Store  # noqa: E402
from pipeline.store.sqlite_search import FTS_TABLE, match_expression  # noqa: E402

README = ROOT / "benchmarks" / "README.md"
SECTION = "## Full-text search"
PAGE_ROWS = article_search.PAGE_ROWS  # the first page of search results
RARE_WORD, RARE_SHARE = "zhanaozen", 1 / 5000  # a place name, in one text in 5,000
WORD = re.compile(r"[^\W\d_]{2,}")
FILTERS = {
    "no filter": views.Filters(),
    "en + ru, 2017–2022": views.Filters(languages=("en", "ru"), start=dt.date(2017, 1, 1), end=dt.date(2022, 12, 31)),
}


def word_frequencies() -> dict[str, collections.Counter[str]]:
    """Per language, how often each word occurs in the demo corpus's bodies (lower case)."""
    with (PACKAGE_DATA / "pairs" / "kz-ru" / "demo" / "articles.toml").open("rb") as handle:
        corpus = tomllib.load(handle)["article"]
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for item in corpus:
        counts[item["language"]].update(w.lower() for w in WORD.findall(item["body"]))
    return counts


def with_texts(n: int, seed: int = 7) -> Iterator[tuple[Article, Score]]:
    """``dashboard.synthetic(n)`` with texts of 40–80 words drawn from the demo's word frequencies."""
    rng = random.Random(seed)
    tables = {}
    for language, counts in word_frequencies().items():
        words, weights = zip(*counts.most_common(), strict=True)
        tables[language] = (list(words), list(_cumulative(weights)))
    for article, score in synthetic(n):
        words, cumulative = tables.get(article.language) or tables["en"]
        picked = rng.choices(words, cum_weights=cumulative, k=rng.randint(40, 80))
        if rng.random() < RARE_SHARE:  # the demo's vocabulary is small: every word of it is common here
            picked[rng.randrange(len(picked))] = RARE_WORD
        text = " ".join(picked).capitalize() + "."
        yield dataclasses.replace(article, text=text), score


def _cumulative(weights: tuple[int, ...]) -> Iterator[int]:
    total = 0
    for weight in weights:
        total += weight
        yield total


def pick_words() -> dict[str, str]:
    """The rare word (in one text in 5,000) and the commonest English word (in nearly every English text)."""
    return {"rare": RARE_WORD, "common": word_frequencies()["en"].most_common(1)[0][0]}


def timed_pair(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[list[float], list[float], object, object]:
    """Each step's times, taken in turns (first, second, first, …) so that both meet the same load on a
    shared machine, after one warm-up each (the file's pages in the OS cache, as on a dashboard in use)."""
    results = [first(), second()]
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for i, step in enumerate((first, second)):
            started = time.perf_counter()
            results[i] = step()
            times[i].append(time.perf_counter() - started)
    return times[0], times[1], results[0], results[1]


def fts_alone(db: Path, word: str) -> Callable[[], list[int]]:
    def run() -> list[int]:
        conn = sqlite3.connect(db)
        try:
            sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? ORDER BY rank LIMIT {PAGE_ROWS}"
            return [row[0] for row in conn.execute(sql, (match_expression(word),))]
        finally:
            conn.close()

    return run


def spread(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:,.0f} ms ({min(times) * 1000:,.0f}–{max(times) * 1000:,.0f})"


def measure(db: Path, repeat: int) -> tuple[list[dict[str, object]], float]:
    """The rows of the table, and how long the frame's search index took to make (once per frame)."""
    with Store.open(db) as store:
        frame = store.articles_frame()  # the dashboard holds it in its cache
        matches = {kind: store.search_count(word) for kind, word in pick_words().items()}
    started = time.perf_counter()
    article_search.frame_index(frame)  # on the dashboard: the first search of each new frame
    indexed = time.perf_counter() - started
    print(f"{frame.height:>9,} the frame's search index made in {indexed * 1000:,.0f} ms", flush=True)
    rows = []
    for kind, word in pick_words().items():
        for label, filters in FILTERS.items():
            load = os.getloadavg()[0]

            def page(filters: views.Filters = filters, word: str = word) -> article_search.Found:
                return article_search.search_page(db, frame, filters, Settings(), word, 0, PAGE_ROWS)

            alone, ours, ids, found = timed_pair(fts_alone(db, word), page, repeat)
            assert isinstance(found, article_search.Found) and isinstance(ids, list)
            if label == "no filter":  # the same ranked page as the index's, passages and all
                assert found.page.rows.get_column("id").to_list()[: len(ids)] == ids
            rows.append(
                {
                    "articles": frame.height,
                    "word": f"{kind} ({word!r}, {matches[kind]:,} matches)",
                    "filters": label,
                    "page": ours,
                    "alone": alone,
                    "listed": f"{found.page.total:,}" + ("" if found.exact else " (at most)"),
                    "ratio": statistics.median(ours) / statistics.median(alone),
                    "load": f"{load:.1f}–{os.getloadavg()[0]:.1f}",
                }
            )
            print(
                f"{frame.height:>9,} {kind:>6} {label:>20}: page {spread(ours)}, index alone {spread(alone)}, "
                f"{rows[-1]['ratio']:.2f}×, {rows[-1]['listed']} listed, load {rows[-1]['load']}",
                flush=True,
            )
    return rows, indexed


def section(rows: list[dict[str, object]], repeat: int, built: dict[int, float], indexed: dict[int, float]) -> str:
    machine = f"{os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    lines = [
        SECTION,
        "",
        f"`python benchmarks/search.py --articles {','.join(f'{n}' for n in built)} --repeat {repeat}` — "
        f"{machine}; median of {repeat} runs after a warm-up, the two taken in turns (lowest–highest), the "
        "load average (1 min) before–after each row. The page's search: the store opened, the first 200 "
        "ranked ids within the sidebar's filters and their 200 passages (ranked, filtered and cut by SQLite, "
        "the passages made in the same query), the index's count, the rows with `counted` from the copies "
        "of their stories (`pipeline.article_search.search_page`, the articles frame already cached as the "
        "dashboard holds it, and its search index made: see below). The index alone: the same page of ranked ids, "
        "`SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 200` with the same "
        "query (no filter: the index holds none). Texts of 40–80 words drawn from the demo corpus's "
        "word frequencies per language; the rare word is put in one text in 5,000, the common one is the "
        "commonest English word (in nearly every English text, a quarter of all). Bar (issue 14): the page "
        "under 3× the index alone at 1,000,000 articles.",
        "",
        "| articles | word | filters | page's search | index alone | ratio | listed | load |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['articles']:,} | {r['word']} | {r['filters']} | {spread(r['page'])} | {spread(r['alone'])} "
            f"| {r['ratio']:.2f}× | {r['listed']} | {r['load']} |"
        )
    lines += [
        "",
        "The frame's search index (its source names and its rows by story, `article_search.frame_index`), "
        "made once per frame on its first search (on the dashboard: the first search after each write): "
        + ", ".join(f"{n:,} articles {s * 1000:,.0f} ms" for n, s in indexed.items())
        + ".",
    ]
    lines += ["", "Building the databases (bulk insert, index kept by its triggers): "]
    lines[-1] += ", ".join(f"{n:,} articles {s / 60:.1f} min" for n, s in built.items() if s) or "reused."
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Replace (or append) this benchmark's section of benchmarks/README.md, leaving the others untouched."""
    current = README.read_text(encoding="utf-8")
    if SECTION in current:
        before, after = current.split(SECTION, 1)
        rest = after.split("\n## ", 1)
        current = before + text + ("\n## " + rest[1] if len(rest) > 1 else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    README.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--db", default="/tmp/barometer-bench/search-{n}.sqlite", help="path ({n}: the size), or one a size"
    )
    parser.add_argument("--write-readme", action="store_true", help=f"replace the {SECTION!r} section of {README}")
    args = parser.parse_args()
    rows, built, indexed = [], {}, {}
    sizes = [int(x) for x in args.articles.split(",")]
    paths = args.db.split(",")  # one pattern with {n}, or one path per size
    for i, n in enumerate(sizes):
        db = Path(paths[i if len(paths) == len(sizes) else 0].format(n=n))
        built[n] = build(db, n, with_texts)
        print(f"{n:,} articles in {db} (built in {built[n]:.0f} s)", flush=True)
        measured, indexed[n] = measure(db, args.repeat)
        rows += measured
    text = section(rows, args.repeat, built, indexed)
    print(text)
    if args.write_readme:
        write_section(text)


if __name__ == "__main__":
    main()
