"""Benchmark: the articles and export pages, frame cached, at several sizes, old pages against new.

    python benchmarks/pages.py --before DIR [--articles 10000 100000 1000000] [--repeat 5] [--db-dir /tmp]

It prints the section of benchmarks/README.md that holds its figures.

DIR is a checkout of the code to compare with (``git archive <rev> | tar -x -C DIR``). Each
(code, size) pair runs in a fresh process that opens the dashboard through AppTest, reads the
articles frame once into the cache, then times views of each page in which the frame is cached but
the page's own work is new: the articles page with a new search each view (every search matches
every article), the export page with a new smoothing each view (a new filter: nothing of the page
cached). The child also times one click on "Article table (CSV)" (built on click by the new code,
with the page by the old) and reports its peak resident memory. Pairs run interleaved (old, new,
old, new …) so that both see the same machine. The databases come from ``benchmarks/dashboard.py``'s
generator and are reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Articles and export pages"
SEARCHES = ["synthetic", "article", "about", "kazakhstan", "russia", "and", "synthetic article", "about kaz"]


def child(root: Path, db: Path, repeat: int) -> dict[str, object]:
    """Time the pages of the dashboard under ``root`` over ``db`` (runs in its own process)."""
    sys.path.insert(0, str(root))  # before the installed copy: this process runs ``root``'s code
    os.environ["BAROMETER_DB"] = str(db)
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.testing.v1 import AppTest

    import pipeline

    assert Path(pipeline.__file__).is_relative_to(root), pipeline.__file__
    recorded = _recording(app_test_module)
    at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=900)
    at.run()  # the frame read and cached: every view below finds it in the cache

    def timed(view) -> float:
        started = time.perf_counter()
        view()
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])
        return time.perf_counter() - started

    at.switch_page("ui/articles.py").run()
    searches = iter(SEARCHES * repeat)
    articles = [timed(lambda: at.text_input(key="search").set_value(next(searches)).run()) for _ in range(repeat)]
    at.text_input(key="search").set_value("").run()
    at.switch_page("ui/export.py").run()
    smooths = iter(range(1, 13))
    export = [timed(lambda: at.sidebar.slider(key="smooth").set_value(next(smooths)).run()) for _ in range(repeat)]
    button = next(b for b in at.download_button if b.label == "Article table (CSV)")
    started = time.perf_counter()
    deferred = button.proto.deferred_file_id  # built on click; else built with the page, fetched by the click
    size = len(recorded[deferred]()) if deferred else -1
    click = time.perf_counter() - started
    return {
        "articles": articles,
        "export": export,
        "click": click,
        "csv_bytes": size,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _recording(app_test_module) -> dict:
    """Keep the callables of deferred downloads, so the child can click one (see tests/test_dashboard.py)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    recorded: dict = {}

    class Recording(MediaFileManager):
        def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
            file_id = super().add_deferred(data_callable, mimetype, coordinates, file_name, element_id=element_id)
            recorded[file_id] = data_callable
            return file_id

    app_test_module.MediaFileManager = Recording
    return recorded


def build(db: Path, n: int) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from dashboard import build as build_database  # the trend benchmark's generator

    build_database(db, n)


def spread(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} ({min(times):.3f}–{max(times):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with (required)")
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db-dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]), args.repeat)))
        return
    if args.before is None:
        parser.error("--before DIR is required: a checkout of the code to compare with")

    rows = []
    for n in args.articles:
        db = args.db_dir / f"pages-{n}.sqlite"
        build(db, n)
        results = {}
        for name, root in (("before", args.before.resolve()), ("after", ROOT)):
            command = [sys.executable, __file__, "--child", str(root), str(db), "--repeat", str(args.repeat)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode:
                sys.exit(f"the {name} run at {n:,} articles failed:\n{done.stderr[-3000:]}")
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
            print(n, name, results[name], file=sys.stderr)
        old, new = results["before"], results["after"]
        rows.append(
            f"| {n:,} | {spread(old['articles'])} | {spread(new['articles'])} | {spread(old['export'])} "
            f"| {spread(new['export'])} | {new['click']:.2f} | {old['peak_mb']:,.0f} | {new['peak_mb']:,.0f} |"
        )
    text = "\n".join(
        [
            SECTION,
            "",
            f"`python benchmarks/pages.py --before DIR` — {os.cpu_count()} CPU cores, Python "
            f"{platform.python_version()}; seconds per view through AppTest with the articles frame cached, "
            f"median (min–max) of {args.repeat} views, the old pages (before) and the new (after) in the same run. "
            "Articles: a new search each view, matching every article. Export: a new smoothing each view. "
            "Click: building the article CSV on click (new pages; the old built it, and the Parquet file, "
            "with every view). Peak: the process's resident memory.",
            "",
            "| articles | articles page, before | after | export page, before | after | CSV click, after "
            "| peak MB, before | after |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
        ]
    )
    print(text)


if __name__ == "__main__":
    main()
