"""Where an ingest worker's CPU time goes (``benchmarks/ingest.py --profile``): process_page over the
corpus pages in this process, timed stage by stage beside the same job with the work issue 12 cut put
back (every text through the scorer's passes, 1,500 characters for the language) and beside the plain
loop's ``trafilatura.extract``, the three taking turns in each round; then the lxml parses and tree
copies per page, and the work under cProfile with its own time summed by package."""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura
import trafilatura.core
from lxml import etree
from lxml.html import HtmlElement

import pipeline.extract as extract
import pipeline.ingest.extractor as extractor
import pipeline.scoring.language as language
import pipeline.scoring.score as score
from pipeline.models import Page, UrlRequest

# (module, function name, label); a function's time counts once, in its own stage
STAGES = (
    (extract, "decode_page", "decode the bytes"),
    (extract, "load_html", "parse (lxml, once)"),
    (extract, "page_metadata", "metadata: title, date (htmldate), site, canonical"),
    (extract, "_sections", "count paragraph pieces (sections check)"),
    (extract, "detect_language", "language (py3langid)"),
    (extract, "fingerprint", "fingerprint (MinHash)"),
    (extractor, "score_article", "score"),
)
# The plain loop's trafilatura.extract, by the same clock (trafilatura.core's own steps).
PLAIN_STAGES = (
    (trafilatura.core, "load_html", "decode and parse (lxml)"),
    (trafilatura.core, "trafilatura_sequence", "extraction: main extractor, readability and justext compared"),
    (trafilatura.core, "determine_returnstring", "text output"),
)
PACKAGES = ("trafilatura", "htmldate", "justext", "py3langid", "numpy", "pipeline/scoring", "pipeline", "lxml")


def _timed(module: object, name: str, label: str, spent: Counter[str]) -> Callable[[], None]:
    """Replace module.name with a wrapper adding its CPU time to spent[label]; returns the undo."""
    original = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - started

    setattr(module, name, wrapper)
    return lambda: setattr(module, name, original)


def _counting(counts: Counter[str]) -> Callable[[], None]:
    """Count lxml parses (every lxml.html parse goes through etree.fromstring) and tree copies."""
    parse, copy_, deepcopy_ = etree.fromstring, HtmlElement.__copy__, HtmlElement.__deepcopy__

    def fromstring(*args: object, **kwargs: object) -> object:
        counts["parses"] += 1
        return parse(*args, **kwargs)

    def copy(self: HtmlElement) -> HtmlElement:
        counts["whole-page copies" if self.getparent() is None else "part copies"] += 1
        return copy_(self)

    def deepcopy(self: HtmlElement, memo: object) -> HtmlElement:
        counts["whole-page copies" if self.getparent() is None else "part copies"] += 1
        return deepcopy_(self, memo)

    etree.fromstring, HtmlElement.__copy__, HtmlElement.__deepcopy__ = fromstring, copy, deepcopy

    def undo() -> None:
        etree.fromstring, HtmlElement.__copy__, HtmlElement.__deepcopy__ = parse, copy_, deepcopy_

    return undo


def _package(filename: str) -> str:
    if filename.startswith("~") or "lxml" in filename or filename == "<string>":
        return "lxml" if "lxml" in filename else "C built-ins (regex, str, lxml calls)"
    for package in PACKAGES:
        if f"/{package}/" in filename:
            return package
    return "standard library and other"


def _before() -> Callable[[], None]:
    """Put back the work issue 12 cut (as tests/test_ingest_same_results.py does); returns the undo."""
    shortcut, sample = score.may_name_a_side, language._SAMPLE_CHARS
    score.may_name_a_side = lambda *args: True  # type: ignore[assignment]
    language._SAMPLE_CHARS = 1500

    def undo() -> None:
        score.may_name_a_side, language._SAMPLE_CHARS = shortcut, sample

    return undo


def _stages(run: Callable[[], object], stages: tuple, spent: Counter[str]) -> float:
    """CPU seconds of ``run()``, each stage's share added to ``spent``."""
    undo = [_timed(module, name, label, spent) for module, name, label in stages]
    started = time.process_time()
    run()
    total = time.process_time() - started
    for step in undo:
        step()
    spent["total"] += total
    return total


def profile_table(paths: list[Path], rounds: int = 3) -> None:
    """Print the stage tables (ours now, ours with the cut work, the plain loop's extract) and the
    by-package table for process_page over ``paths``."""
    jobs = []
    for path in paths:
        url = f"http://127.0.0.1:8000/{path.name}"
        jobs.append((Page(url, "", 200, "text/html", path.read_bytes(), None), UrlRequest(url)))
    extractor._worker_init()
    for job in jobs[:10]:  # warm caches as a worker's first pages would
        extractor.process_page(*job)
        trafilatura.extract(job[0].body, url=job[0].url)
    ours = (*STAGES[:4], (extract, "_extract_text", "trafilatura"), *STAGES[4:])

    def our_run() -> None:
        for job in jobs:
            extractor.process_page(*job)

    def plain_run() -> None:
        for page, _ in jobs:
            trafilatura.extract(page.body, url=page.url)

    def before_run() -> None:
        undo = _before()
        try:
            our_run()
        finally:
            undo()

    runs = {"now": (our_run, ours), "before": (before_run, ours), "plain": (plain_run, PLAIN_STAGES)}
    spent: dict[str, list[Counter[str]]] = {label: [] for label in runs}
    for _ in range(rounds):  # the three take turns, so a change in the machine's load hits them alike
        for label, (run, stages) in runs.items():
            spent[label].append(Counter())
            _stages(run, stages, spent[label][-1])
    n = len(jobs)

    def ms(label: str, key: str) -> float:
        return statistics.median(c[key] for c in spent[label]) * 1000 / n

    def rest(label: str, stages: tuple) -> float:
        return statistics.median(c["total"] - sum(c[s[2]] for s in stages) for c in spent[label]) * 1000 / n

    print(f"# Where the worker's time goes: {n} pages, one process, {rounds} rounds taking turns\n")
    print(f"load average (1 min): {os.getloadavg()[0]:.1f}; CPU ms a page, median of the rounds\n")
    print("| stage | ours before the cuts | ours now | plain loop's trafilatura.extract |")
    print("| --- | ---: | ---: | ---: |")
    trafilatura_label = "trafilatura.bare_extraction (main pass; fallback pass on short pages)"
    for _, _, label in ours:
        name = trafilatura_label if label == "trafilatura" else label
        print(f"| {name} | {ms('before', label):.2f} | {ms('now', label):.2f} | |")
    print(
        f"| the rest (Article, canonical URL, source, process_page) "
        f"| {rest('before', ours):.2f} | {rest('now', ours):.2f} | |"
    )
    for _, _, label in PLAIN_STAGES:
        print(f"| plain: {label} | | | {ms('plain', label):.2f} |")
    print(f"| plain: the rest (options, checks) | | | {rest('plain', PLAIN_STAGES):.2f} |")
    totals = {label: [c["total"] * 1000 / n for c in spent[label]] for label in runs}
    cells = " | ".join(f"**{statistics.median(t):.1f}** ({min(t):.1f}–{max(t):.1f})" for t in totals.values())
    print(f"| **total** (range over the rounds) | {cells} |")

    counts: Counter[str] = Counter()
    undo = _counting(counts)
    our_run()
    undo()
    print(f"\n{counts['parses'] / n:.2f} lxml parses a page (the page once, plus what the fallback extractors parse)")
    print(
        f"{counts['whole-page copies'] / n:.2f} copies of a whole tree and {counts['part copies'] / n:.2f} of a part "
        "(trafilatura and htmldate copy a tree they are given, and trafilatura copies inside its passes)"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    our_run()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    own: Counter[str] = Counter()
    for (filename, _, _), (_, _, tottime, _, _) in stats.items():
        own[_package(filename)] += tottime
    whole = sum(own.values())
    print("\nUnder cProfile (which inflates Python calls against C ones), own time by package:\n")
    print("| package | share of own time |")
    print("| --- | ---: |")
    for package, seconds in own.most_common():
        print(f"| {package} | {seconds / whole:.0%} |")
