"""Benchmark: the read path and the trend, articles and export pages at 10,000 to 3,000,000 synthetic articles.

    python benchmarks/dashboard.py [--articles 10000,100000,1000000] [--repeat 3] [--pages trend,articles,export]
                                   [--db /tmp/barometer-bench/dashboard-{n}.sqlite] [--no-read] [--write-readme]

Per size, in the same run: the read path (database → the articles frame) as a fresh process meets it
after a write (the snapshot file plus the changed articles, ``pipeline.store.frames``) and with no
snapshot at all (every row read); beside it the baseline, Polars reading the same columns from a
Parquet file written from the same frame. Then each page's first view after a write, each in a fresh
process running ``dashboard.py`` opened on that page under Streamlit's AppTest (modules imported and
Streamlit started on an empty script before the clock starts), then in that process a filter moved,
the page's own step (the articles page: a search matching every article; the export page: the click
that builds the article CSV), the view after one more write, and the process's peak memory; each
with its ratio to the smallest size's. Medians of ``--repeat`` runs, with the spread (lowest–highest).
Databases are built once with ``Store.insert_articles_bulk`` and reused (``{n}`` in ``--db`` is the size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from pipeline.models import Article, Evidence, Score  # noqa: E402
from pipeline.store import Store, frames  # noqa: E402

SOURCES = [f"Source {i}" for i in range(50)]
LANGUAGES = ["ru", "kk", "en", "pl"]
SENTENCES = [
    "Astana and Moscow signed a new agreement on oil transit through the northern pipeline.",
    "The foreign ministry summoned the Russian ambassador over remarks questioning the border.",
    "Officials in both capitals praised the strategic partnership and promised more trade.",
    "Kazakhstan declined to recognise the breakaway regions, angering commentators in Moscow.",
    "The Eurasian Economic Union summit ended without a deal on gas tariffs.",
]
README = ROOT / "benchmarks" / "README.md"
SECTION = "## Dashboard"


def synthetic(n: int, seed: int = 20240603) -> Iterator[tuple[Article, Score]]:
    """n scored articles over ten years (2015–2024) from 50 sources in four languages; 3% undated."""
    rng = random.Random(seed)
    first = dt.date(2015, 1, 1)
    for i in range(n):
        tension = max(-1.0, min(1.0, rng.gauss(0.05, 0.35)))
        evidence = [Evidence(rng.choice(SENTENCES), round(rng.uniform(-1, 1), 3)) for _ in range(rng.randint(1, 4))]
        published = None if rng.random() < 0.03 else first + dt.timedelta(days=rng.randrange(3650))
        url = f"https://news{i % 50}.example/articles/{i}"
        article = Article(
            url=url,
            canonical_url=url,
            title=f"Synthetic article {i} about Kazakhstan and Russia",
            text="",
            published=published,
            source=rng.choice(SOURCES),
            language=rng.choice(LANGUAGES),
            fingerprint="",
            date_origin="page" if published else None,
        )
        score = Score(
            tension=tension,
            sentiment=rng.uniform(-1, 1),
            relevance=rng.random(),
            language=article.language,
            evidence=evidence,
            goldstein=-10 * tension,
            version="synthetic",
        )
        yield article, score


def build(db: Path, n: int, articles: Callable[[int], Iterator[tuple[Article, Score]]] | None = None) -> float:
    """Create the database from ``articles(n)`` (default: ``synthetic``), or reuse it when it already
    holds ``n`` articles; returns seconds spent."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(db) as store:
        if store.article_count() == n:
            return 0.0
        started = time.perf_counter()
        store.insert_articles_bulk((articles or synthetic)(n))
        return time.perf_counter() - started


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def a_write(db: Path, rng: random.Random) -> None:
    """One analyst's correction on a random article: the write after which the next view is measured."""
    with Store.open(db) as store:
        article_id = rng.randint(1, store.article_count())
        store.set_override(article_id, stance=rng.choice(["tension", "cooperation"]))


def read_path(db: Path, repeat: int, rng: random.Random) -> dict[str, object]:
    """The read path after a write, with no snapshot, and Polars on Parquet, in seconds."""
    with Store.open(db) as store:
        full, frame = timed(lambda: store.articles_frame(cached=False), repeat)
    assert isinstance(frame, pl.DataFrame)
    with tempfile.TemporaryDirectory() as folder:
        parquet = Path(folder) / "frame.parquet"
        frame.write_parquet(parquet)
        baseline, _ = timed(lambda: pl.scan_parquet(parquet).select(frame.columns).collect(), repeat)
    frames.forget()
    with Store.open(db) as store:
        store.articles_frame()  # the dashboard's last read before the write: writes the snapshot (≥ 20,000 rows)
    after: list[float] = []
    for _ in range(repeat):
        a_write(db, rng)
        frames.forget()  # as a fresh process: only the snapshot file is there
        with Store.open(db) as store:
            after += timed(store.articles_frame, 1)[0]
    return {
        "rows": frame.height,
        "after a write": after,
        "every row": full,
        "parquet": baseline,
        "served": frames.how_served(str(db)),
    }


#: The pages timed, as ``dashboard.py`` registers them (file under ui/ = URL path).
PAGES = ("trend", "articles", "export")
#: A search on the articles page that matches every synthetic article: the most rows to search and count.
SEARCH = "synthetic"


def first_view(db: Path, page: str, repeat: int, rng: random.Random) -> dict[str, list[float]]:
    """A page's first view after a write, each in a fresh process, and what follows it there."""
    runs: dict[str, list[float]] = {}
    for _ in range(repeat):
        a_write(db, rng)
        out = subprocess.run(
            [sys.executable, __file__, "--first-view", str(db), "--page", page], capture_output=True, text=True
        )
        if out.returncode:
            sys.exit(f"the {page} page at {db} failed:\n{out.stderr[-3000:]}")
        for name, value in json.loads(out.stdout.strip().splitlines()[-1]).items():
            runs.setdefault(name, []).append(value)
    return runs


def run_first_view(db: str, page: str) -> None:
    """In the child process: import what the dashboard and its pages import, then time the first run
    of ``page``, a filter moved (the period: every page reads it), the page's own step (a search, a
    click on the article CSV), and the rerun after one more write; then the process's peak memory."""
    import importlib

    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import AppTest

    for module in ("plotly.graph_objects", "pipeline.views", "pipeline.charts", "pipeline.demo", "ui.shared"):
        importlib.import_module(module)
    importlib.import_module("pipeline.scoring.score")  # the store asks it for the current scorer version
    AppTest.from_string("import streamlit").run()  # Streamlit's own start-up (its components scan, ~1 s)

    deferred: dict[str, Callable[[], bytes]] = {}

    class Recording(MediaFileManager):  # keeps deferred downloads' callables, so the child can click one
        def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
            file_id = super().add_deferred(data_callable, mimetype, coordinates, file_name, element_id=element_id)
            deferred[file_id] = data_callable
            return file_id

    app_test_module.MediaFileManager = Recording  # type: ignore[misc]
    os.environ["BAROMETER_DB"] = db
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    if page != "trend":
        at.switch_page(f"ui/{page}.py")  # the page's URL path is its file name: opened as /{page}

    def timed(step: Callable[[], object]) -> float:
        started = time.perf_counter()
        step()
        assert not at.exception, [e.value for e in at.exception]
        return time.perf_counter() - started

    result = {"first view": timed(at.run)}
    shown = {"trend": "plotly_chart", "articles": "dataframe", "export": "download_button"}[page]
    assert at.get(shown), f"the {page} page drew no {shown}"
    result["a filter moved"] = timed(lambda: at.sidebar.radio(key="freq").set_value("month").run())
    if page == "articles":
        result["own step"] = timed(lambda: at.text_input(key="search").set_value(SEARCH).run())
    if page == "export":
        button = next(b for b in at.download_button if b.label == "Article table (CSV)")
        result["own step"] = timed(lambda: deferred[button.proto.deferred_file_id]())
    a_write(Path(db), random.Random(result["first view"]))
    result["next write"] = timed(at.run)
    result["peak MB"] = peak_rss_mb()
    print(json.dumps(result))


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ``getrusage``'s ru_maxrss: Linux carries the
    parent's peak into a child across fork and exec, so a child of this benchmark would report the
    parent's frames."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kilobytes) / 1024


def spread(values: list[float], digits: int = 3) -> str:
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", default="10000,100000,1000000", help="sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", default="/tmp/barometer-bench/dashboard-{n}.sqlite", help="{n} is the size")
    parser.add_argument("--pages", default=",".join(PAGES), help="pages to time, comma-separated")
    parser.add_argument("--no-read", action="store_true", help="time the pages only (no read-path table)")
    parser.add_argument("--write-readme", action="store_true", help=f"replace the {SECTION!r} section of {README}")
    parser.add_argument("--first-view", help=argparse.SUPPRESS)  # the child process of first_view()
    parser.add_argument("--page", default="trend", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_view:
        run_first_view(args.first_view, args.page)
        return
    if args.write_readme and args.no_read:
        parser.error("--write-readme needs the read-path table: drop --no-read")

    rng = random.Random(12)
    sizes = [int(n) for n in args.articles.split(",")]
    pages = [page for page in args.pages.split(",") if page]
    if unknown := set(pages) - set(PAGES):
        parser.error(f"--pages: {', '.join(sorted(unknown))} is not one of {', '.join(PAGES)}")
    reads: dict[int, dict] = {}
    views: dict[str, dict[int, dict[str, list[float]]]] = {page: {} for page in pages}
    for n in sizes:
        db = Path(args.db.format(n=n))
        built = build(db, n)
        print(f"{n:,} articles: {db}" + (f" (built in {built:.0f} s)" if built else ""), flush=True)
        if not args.no_read:
            reads[n] = read_path(db, args.repeat, rng)
            print(f"  {reads[n]}", flush=True)
        for page in pages:
            views[page][n] = first_view(db, page, args.repeat, rng)
            print(f"  {page}: {views[page][n]}", flush=True)

    text = report(sizes, reads, views, args.repeat)
    print(text)
    if args.write_readme:
        write_section(text)


def _peak(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"


def _ratio(values: list[float], smallest: list[float]) -> str:
    return f"{statistics.median(values) / statistics.median(smallest):.2f}×"


OWN_STEP = {"articles": f"a search ({SEARCH!r}, every article)", "export": "the article CSV built (a click)"}


def view_table(page: str, sizes: list[int], runs: dict[int, dict[str, list[float]]]) -> list[str]:
    """One page's rows: first view, a filter moved, its own step, the next write, each with its ratio
    to the smallest size's, and the peak memory."""
    first = runs[sizes[0]]
    own = OWN_STEP.get(page)
    header = "| articles | first view | ratio | a filter moved then | ratio |"
    header += f" {own} | ratio |" if own else ""
    header += " after one more write | peak MB |"
    rows = [f"**{page.capitalize()} page**", "", header, "| ---: " * (header.count("|") - 1) + "|"]
    for n in sizes:
        view = runs[n]
        row = f"| {n:,} | {spread(view['first view'])} | {_ratio(view['first view'], first['first view'])} "
        row += f"| {spread(view['a filter moved'])} | {_ratio(view['a filter moved'], first['a filter moved'])} "
        if own:
            row += f"| {spread(view['own step'])} | {_ratio(view['own step'], first['own step'])} "
        rows.append(row + f"| {spread(view['next write'])} | {_peak(view['peak MB'])} |")
    return [*rows, ""]


def report(
    sizes: list[int], reads: dict[int, dict], views: dict[str, dict[int, dict[str, list[float]]]], repeat: int
) -> str:
    """The benchmark's section of benchmarks/README.md."""
    read_rows = []
    for n in sizes if reads else []:
        read = reads[n]
        parquet = statistics.median(read["parquet"])
        read_rows.append(
            f"| {n:,} | {spread(read['after a write'])} | {spread(read['parquet'])} | "
            f"{statistics.median(read['after a write']) / parquet:.2f}× | {spread(read['every row'], 2)} | "
            f"{statistics.median(read['every row']) / parquet:.1f}× |"
        )
    machine = f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, Polars {pl.__version__}"
    reading = [
        "The read path (database → the articles frame the views use), beside Polars reading the same "
        "columns from a Parquet file written from that frame in the same run (Polars' default zstd; the "
        "snapshot is lz4, quicker to decode):",
        "",
        "| articles | read after a write (snapshot + changed rows) | Polars on Parquet | ratio | "
        "read with no snapshot (every row) | ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        *read_rows,
        "",
        f"Below {frames.SNAPSHOT_MIN_ROWS:,} articles no snapshot file is kept (a full read is quick there): "
        "such a row is a full read in both columns. The last column is the first read of a database "
        "(or after its snapshot is deleted, or a rescore changed most rows).",
        "",
    ]
    return "\n".join(
        [
            SECTION,
            "",
            f"`python benchmarks/dashboard.py --articles {','.join(map(str, sizes))}` — synthetic articles "
            f"(ten years, 50 sources, four languages, 3% undated), {machine}; seconds, median of {repeat} runs "
            '(lowest–highest). Each "after a write" run first stores one correction.',
            "",
            *(reading if reads else []),
            "Each page's first view after a write, each in a fresh process (`dashboard.py` under AppTest opened "
            "on that page, modules imported and Streamlit started on an empty script before the clock starts); "
            "then, in that process, a filter moved (the period, which every page reads), the page's own step, "
            "and the rerun after one more correction (the frame held in the process, refreshed); ratios to "
            f"{sizes[0]:,} articles; the process's peak resident memory (VmHWM) at the end, the CSV click "
            "included:",
            "",
            *(line for page, runs in views.items() for line in view_table(page, sizes, runs)),
        ]
    )


def write_section(text: str) -> None:
    """Replace (or append) this benchmark's section of benchmarks/README.md, leaving the others untouched."""
    current = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if SECTION in current:
        before, after = current.split(SECTION, 1)
        rest = after.split("\n## ", 1)
        tail = "\n## " + rest[1] if len(rest) > 1 else ""
        current = before + text + tail
    else:
        current = current.rstrip("\n") + "\n\n" + text
    README.write_text(current, encoding="utf-8")


if __name__ == "__main__":
    main()
