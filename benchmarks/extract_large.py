"""Extraction of large pages: `extract_article` against the plain trafilatura call it used to make.

Builds pages of distinct paragraphs (plain, and with a link and a bold phrase in each: five text
pieces a paragraph) of 0.5 to 8 MB and times, in the same run, trafilatura's main extractor on the
whole page (`bare_extraction(..., fast=True)`, what pipeline/extract.py called before it cut large
pages into sections) and the whole extraction stage (`extract_article`: metadata, sections,
language, fingerprint). Median of 3 with the spread, wall clock and CPU time of this process; the
plain call is skipped at a size where quadratic growth from the size before predicts over --budget
seconds a run. Also says whether both give the same text.

Usage: python benchmarks/extract_large.py [--sizes 0.5,1,2,4,8] [--budget 60]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import trafilatura
from trafilatura.utils import load_html

from pipeline.extract import extract_article

SHAPES = {
    "paragraphs": "<p>{0}</p>",
    "paragraphs with links": "<p>{0} <a href='/t'>Trade</a> and <b>{1}</b> next.</p>",
}


def page(markup: str, size: int) -> str:
    """A page of about ``size`` characters: distinct paragraphs in an <article>."""
    parts, length, i = [], 0, 0
    while length < size:
        sentence = f"Kazakhstan and Russia discussed point {i} in Astana on Tuesday, officials said."
        parts.append(markup.format(sentence, f"item {i}"))
        length += len(parts[-1]) + 1
        i += 1
    body = "\n".join(parts)
    return f"<html><head><title>Talks</title></head><body><article>{body}</article></body></html>"


def timed(call, html: str) -> tuple[list[float], list[float], str]:
    """Three runs of ``call(html)``: wall seconds, CPU seconds, and the text of the last run."""
    walls, cpus, text = [], [], ""
    for _ in range(3):
        gc.collect()
        gc.disable()
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            text = call(html)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        finally:
            gc.enable()
    return walls, cpus, text


def plain(html: str) -> str:
    doc = trafilatura.bare_extraction(load_html(html), include_comments=False, fast=True)
    return (doc.text or "").strip() if doc is not None else ""


def ours(html: str) -> str:
    return extract_article(html, "https://example.org/talks").text


def figure(samples: list[float]) -> str:
    return f"{statistics.median(samples):.2f} ({min(samples):.2f}–{max(samples):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.5,1,2,4,8", help="page sizes in MB, comma-separated")
    parser.add_argument("--budget", type=float, default=60.0, help="longest predicted run of the plain call, s")
    args = parser.parse_args()
    sizes = [float(size) for size in args.sizes.split(",")]
    ours(page(SHAPES["paragraphs"], 10_000))  # load the language model and lexicons first
    print("| page | MB | plain trafilatura: wall s | CPU s | extract_article: wall s | CPU s | same text |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, markup in SHAPES.items():
        previous: tuple[float, float] | None = None  # (MB, median wall seconds) of the plain call
        for size in sizes:
            html = page(markup, int(size * 1_000_000))
            predicted = previous[1] * (size / previous[0]) ** 2 if previous else 0.0
            if predicted <= args.budget:
                plain_wall, plain_cpu, plain_text = timed(plain, html)
                previous = (size, statistics.median(plain_wall))
                baseline = f"{figure(plain_wall)} | {figure(plain_cpu)}"
            else:
                plain_text = None
                baseline = f"not run (~{predicted:.0f} s predicted) | –"
            our_wall, our_cpu, our_text = timed(ours, html)
            same = "–" if plain_text is None else ("yes" if plain_text == our_text else "NO")
            print(f"| {name} | {size:g} | {baseline} | {figure(our_wall)} | {figure(our_cpu)} | {same} |", flush=True)


if __name__ == "__main__":
    main()
