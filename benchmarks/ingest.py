"""Ingestion benchmark: our `ingest` against a plain sequential trafilatura loop, on the same pages.

Serves ../shared/corpus/web-pages (231 real pages) from local HTTP servers, then in one run:
- times `python -m pipeline ingest` (fetch, extract, score, store) over all pages, and a plain
  sequential loop of `trafilatura.fetch_url` + `trafilatura.extract` over the same URLs, the two
  alternating run after run; both run as fresh processes, so both pay interpreter start-up;
- with ``--sites 8 --delay 0.3``, the pages are spread round-robin over eight servers on 127.0.0.1 …
  127.0.0.8 that answer each request after 300 ms (a realistic network delay), and the servers count
  the requests they serve at once (the per-host politeness limit must hold);
- measures the peak memory (PSS of the process and its workers together) for 231 pages and for 2,310 (the
  list repeated with distinct query strings);
- scores the stored text of each page against ../shared/corpus/evaldata.json (trafilatura's own
  annotations) and prints our F1 beside `trafilatura.extract`'s on the same bytes.

``--profile`` instead runs the worker's job (process_page) over the pages in this process and prints
where its CPU time goes, stage by stage, with the parses and tree copies per page.

Usage: python benchmarks/ingest.py [--corpus DIR] [--runs 3] [--sites 8 --delay 0.3] [--repeat 10]
       python benchmarks/ingest.py --profile [--runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import psutil

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


class Site(ThreadingHTTPServer):
    """A local web site: serves the corpus after ``delay`` seconds, counting requests held at once."""

    daemon_threads = True

    def __init__(self, host: str, directory: Path, delay: float):
        super().__init__((host, 0), partial(QuietHandler, directory=str(directory)))
        self.delay, self.now, self.peak = delay, 0, 0
        self.lock = threading.Lock()
        self.base = f"http://{host}:{self.server_address[1]}/"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class QuietHandler(SimpleHTTPRequestHandler):
    server: Site

    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def do_GET(self) -> None:
        site = self.server
        with site.lock:
            site.now += 1
            site.peak = max(site.peak, site.now)
        time.sleep(site.delay)
        with site.lock:  # before answering: the client sends its next request only after the answer
            site.now -= 1
        super().do_GET()


def _memory(proc: psutil.Process) -> int:
    # PSS splits pages shared between forked workers fairly; plain RSS would count them once per process.
    try:
        return proc.memory_full_info().pss
    except (psutil.AccessDenied, AttributeError):
        return proc.memory_info().rss


def run_timed(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run a command; return (wall seconds, CPU seconds of it and its children, result)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), result


def run_memory(cmd: list[str], interval: float = 0.1) -> tuple[float, subprocess.CompletedProcess]:
    """Run a command; return (peak memory in MB: PSS of it and its children, result).

    Reading PSS costs CPU, so memory runs are separate from timed runs.
    """
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, _memory(ps) + sum(_memory(c) for c in ps.children(recursive=True)))
        time.sleep(interval)
    out, err = proc.communicate()
    return peak / 1e6, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BAROMETER_")}


def alternating(runs: int, commands: dict[str, object]) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of each command in ``runs`` rounds, the commands taking turns within each
    round (so a change in the machine's load hits them alike); ``commands`` maps a label to
    ``make_cmd(round)``."""
    seconds: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for i in range(runs):
        for label, make_cmd in commands.items():
            cmd = make_cmd(i)
            wall, cpu, result = run_timed(cmd)
            if result.returncode != 0:
                sys.exit(f"{' '.join(cmd[:5])}… failed: {result.stderr[-2000:]}")
            seconds[label].append((wall, cpu))
    return seconds


def baseline_loop(list_file: str, out_json: str) -> None:
    """The plain loop (runs in a child process): fetch_url + extract, one URL after the other."""
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "SSRF_PROTECTION", "off")  # the pages are served on 127.0.0.1
    texts = {}
    for url in Path(list_file).read_text(encoding="utf-8").split():
        html = trafilatura.fetch_url(url, config=config)
        texts[url] = trafilatura.extract(html, url=url, config=config) if html else None
    Path(out_json).write_text(json.dumps(texts), encoding="utf-8")


def f1(texts: dict[str, str], annotations: dict[str, dict]) -> tuple[float, float, float]:
    """trafilatura's evaluation: `with` snippets found are true positives, `without` found false ones."""
    tp = fp = fn = 0
    for key, ann in annotations.items():
        text = texts.get(key) or ""
        for snippet in ann.get("with", []):
            if snippet in text:
                tp += 1
            else:
                fn += 1
        for snippet in ann.get("without", []):
            if snippet in text:
                fp += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=10, help="list repetitions for the memory run")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (the commands alternate)")
    parser.add_argument("--sites", type=int, default=1, help="sites 127.0.0.1 … 127.0.0.N to spread pages over")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each site waits before answering")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    parser.add_argument("--compare", type=Path, help="another checkout of the project, timed alongside (A/B)")
    parser.add_argument("--profile", action="store_true", help="where the worker's CPU time goes (no servers)")
    parser.add_argument("--run-baseline", nargs=2, metavar=("LIST", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_baseline:
        baseline_loop(*args.run_baseline)
        return
    pages = sorted((args.corpus / "web-pages").glob("*.html"))
    if args.profile:
        from profile_ingest import profile_table  # benchmarks/profile_ingest.py

        profile_table(pages, args.runs)
        return
    if not 1 <= args.sites <= 254:
        sys.exit("--sites must be between 1 and 254 (127.0.0.1 … 127.0.0.254)")

    annotations_raw = json.loads((args.corpus / "evaldata.json").read_text(encoding="utf-8"))
    sites = [Site(f"127.0.0.{i + 1}", args.corpus / "web-pages", args.delay) for i in range(args.sites)]
    urls = [sites[i % len(sites)].base + quote(p.name) for i, p in enumerate(pages)]  # round-robin
    by_url = {url: page for url, page in zip(urls, pages, strict=True)}
    url_of = {page.name: url for url, page in by_url.items()}
    # an annotated page missing from the corpus counts as not extracted, for every method alike
    by_file = {url_of.get(v["file"], v["file"]): v for v in annotations_raw.values()}
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    list_file = work / "urls.txt"
    list_file.write_text("\n".join(urls), encoding="utf-8")
    cpus = os.cpu_count()
    where = f"{len(sites)} local site{'s' if len(sites) > 1 else ''}" + (
        f" answering after {args.delay * 1000:.0f} ms" if args.delay else ""
    )
    print(f"# Ingestion benchmark: {len(urls)} pages from {args.corpus / 'web-pages'} on {where}, {cpus} CPU cores\n")

    ingest_cmd = [sys.executable, "-m", "pipeline", "ingest", "--allow-private", "--no-progress", "--from"]
    base_json = work / "baseline.json"
    load_before = os.getloadavg()[0]
    other = {}
    if args.compare:  # its own package first on the path, whatever the working directory holds
        start = f"import sys, runpy; sys.path.insert(0, {str(args.compare.resolve())!r}); sys.argv[0] = 'pipeline'; "
        start += "runpy.run_module('pipeline', run_name='__main__', alter_sys=True)"
        other[f"the same command from {args.compare}"] = lambda i: [
            sys.executable, "-c", start, *ingest_cmd[3:], str(list_file), "--db", str(work / f"o{i}.sqlite")
        ]  # fmt: skip
    seconds = alternating(
        args.runs,
        {
            "plain loop: trafilatura.fetch_url + extract, sequential": lambda i: [
                sys.executable, __file__, "--run-baseline", str(list_file), str(base_json)
            ],
            "`python -m pipeline ingest` (fetch, extract, score, store)": lambda i: [
                *ingest_cmd, str(list_file), "--db", str(work / f"a{i}.sqlite")
            ],
            "`python -m pipeline ingest --no-score` (fetch, extract, store)": lambda i: [
                *ingest_cmd, str(list_file), "--db", str(work / f"c{i}.sqlite"), "--no-score"
            ],
            **other,
        },
    )  # fmt: skip
    peaks = {site.base: site.peak for site in sites}

    memory = None
    if not args.no_memory:
        big_list = work / "urls-big.txt"
        big_list.write_text("\n".join(f"{u}?copy={r}" for r in range(args.repeat) for u in urls), encoding="utf-8")
        small_mb, small = run_memory([*ingest_cmd, str(list_file), "--db", str(work / "m1.sqlite")])
        big_mb, big = run_memory([*ingest_cmd, str(big_list), "--db", str(work / "m2.sqlite")])
        base_mb, _ = run_memory([sys.executable, __file__, "--run-baseline", str(list_file), str(work / "m.json")])
        for result in (small, big):
            if result.returncode != 0:
                sys.exit(f"memory run failed: {result.stderr[-2000:]}")
        memory = (base_mb, small_mb, big_mb)
    for site in sites:
        site.shutdown()

    conn = sqlite3.connect(work / "a0.sqlite")
    ours_texts = dict(conn.execute("SELECT url, text FROM articles").fetchall())
    stored = len(ours_texts)
    failed = conn.execute("SELECT COUNT(*) FROM failures").fetchone()[0]
    base_texts = json.loads(base_json.read_text(encoding="utf-8"))
    # trafilatura.extract on the very same bytes, in-process (the F1 reference)
    import trafilatura

    same_bytes = {url: trafilatura.extract(page.read_bytes(), include_comments=False) for url, page in by_url.items()}
    n = len(urls)
    print(
        f"Timed runs: {args.runs} rounds, the three commands alternating within each round; each run a fresh "
        "process on a fresh database; memory measured in separate runs. Median (range).\n"
    )
    print("| run | pages | seconds | pages/s | CPU seconds | ratio to plain loop: median of rounds (range) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    plain = [wall for wall, _ in seconds[next(iter(seconds))]]
    for label, runs in seconds.items():
        times, cpu = [wall for wall, _ in runs], statistics.median(c for _, c in runs)
        ratios = [b / t for b, t in zip(plain, times, strict=True)]
        median = statistics.median(times)
        print(
            f"| {label} | {n} | {median:.2f} ({min(times):.2f}–{max(times):.2f}) | {n / median:.1f} | {cpu:.2f} "
            f"| {statistics.median(ratios):.2f}× ({min(ratios):.2f}–{max(ratios):.2f}) |"
        )
    print(f"\nload average (1 min) before the timed runs: {load_before:.1f}, after: {os.getloadavg()[0]:.1f}")
    print(f"most requests one site held at once (waiting for its answer): {max(peaks.values())}")
    if memory is not None:
        base_mb, small_mb, big_mb = memory
        print("\n| memory run | pages | peak PSS (MB) |")
        print("| --- | ---: | ---: |")
        print(f"| plain loop | {n} | {base_mb:.0f} |")
        print(f"| `python -m pipeline ingest` | {n} | {small_mb:.0f} |")
        print(
            f"| `python -m pipeline ingest`, list × {args.repeat} (distinct query strings) "
            f"| {n * args.repeat} | {big_mb:.0f} |"
        )
        print(f"\npeak memory for {n * args.repeat} pages / for {n}: {big_mb / small_mb:.2f}×")
    print(f"stored {stored} articles, {failed} failures (pages with no article text or the like)\n")
    print("| extraction (evaldata.json snippets) | precision | recall | F1 |")
    print("| --- | ---: | ---: | ---: |")
    for label, texts in (
        ("trafilatura.extract on the same bytes (comments excluded)", same_bytes),
        ("plain loop: fetch_url + extract (defaults)", base_texts),
        ("ours: stored article text", ours_texts),
    ):
        p, r, f = f1(texts, by_file)
        print(f"| {label} | {p:.3f} | {r:.3f} | {f:.3f} |")


if __name__ == "__main__":
    main()
