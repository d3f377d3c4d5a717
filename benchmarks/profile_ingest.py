"""Where an ingest worker's CPU time goes (``benchmarks/ingest.py --profile``): process_page over the
corpus pages in this process, timed stage by stage, with the lxml parses and tree copies per page, then
the same work under cProfile with its own time summed by package."""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from lxml.html import HtmlElement

import pipeline.extract as extract
import pipeline.ingest.extractor as extractor
from pipeline.models import Page, UrlRequest

# (module, function name, label); a function's time counts once, in its own stage
STAGES = (
    (extract, "decode_page", "decode the bytes"),
    (extract, "load_html", "parse (lxml, once)"),
    (extract, "page_metadata", "metadata: title, date (htmldate), site, canonical"),
    (extract, "_sections", "count paragraph pieces (sections check)"),
    (extract, "detect_language", "language (py3langid, 800 characters)"),
    (extract, "fingerprint", "fingerprint (MinHash)"),
    (extractor, "score_article", "score"),
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


def profile_table(paths: list[Path]) -> None:
    """Print the stage table and the by-package table for process_page over ``paths``."""
    jobs = []
    for path in paths:
        url = f"http://127.0.0.1:8000/{path.name}"
        jobs.append((Page(url, "", 200, "text/html", path.read_bytes(), None), UrlRequest(url)))
    extractor._worker_init()
    for job in jobs[:10]:  # warm caches as a worker's first pages would
        extractor.process_page(*job)

    spent: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    undo = [_timed(module, name, label, spent) for module, name, label in STAGES]
    undo.append(_timed(extract, "_extract_text", "trafilatura", spent))
    undo.append(_counting(counts))
    started = time.process_time()
    for job in jobs:
        extractor.process_page(*job)
    total = time.process_time() - started
    for step in undo:
        step()
    n = len(jobs)
    print(f"# Where the worker's time goes: process_page over {n} pages, one process\n")
    print(f"{total * 1000 / n:.1f} ms of CPU a page ({n / total:.0f} pages/s on one core); per page:")
    print(f"{counts['parses'] / n:.2f} lxml parses (the page once, plus what the fallback extractors parse)")
    print(
        f"{counts['whole-page copies'] / n:.2f} copies of a whole tree and {counts['part copies'] / n:.2f} of a part "
        "(trafilatura and htmldate copy a tree they are given, and trafilatura copies inside its passes)\n"
    )
    print("| stage | ms a page | share |")
    print("| --- | ---: | ---: |")
    trafilatura = "trafilatura.bare_extraction (main pass; fallback pass on short pages)"
    rows = [(label, spent[label]) for _, _, label in STAGES[:4]]
    rows.append((trafilatura, spent["trafilatura"]))
    rows += [(label, spent[label]) for _, _, label in STAGES[4:]]
    rows.append(("the rest (Article, canonical URL, source, process_page)", total - sum(spent.values())))
    for label, seconds in rows:
        print(f"| {label} | {seconds * 1000 / n:.2f} | {seconds / total:.0%} |")

    profiler = cProfile.Profile()
    profiler.enable()
    for job in jobs:
        extractor.process_page(*job)
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
