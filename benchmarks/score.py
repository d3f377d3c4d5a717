"""Speed of score_article against sentence-level VADER alone, on the same extracted texts.

    python benchmarks/score.py [DIR]   # default: ../shared/corpus/web-pages (HTML read from disk)

Texts are extracted once with trafilatura (not timed). Both sides are warmed up first (data files,
VADER's lexicon, pymorphy3's dictionaries); then each runs over all texts ``--rounds`` times and the
best round counts. Target: score_article no slower than 2x VADER alone.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.scoring.lexicon import lemma_ru  # noqa: E402
from pipeline.scoring.score import score_article  # noqa: E402
from pipeline.scoring.sentences import split_sentences  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "corpus" / "web-pages"


def extract_texts(directory: Path) -> list[tuple[str, str]]:
    """(title, text) of every HTML page in the directory that trafilatura can extract."""
    import trafilatura

    out = []
    for path in sorted(directory.glob("*.html")):
        html = path.read_text(encoding="utf-8", errors="replace")
        text = trafilatura.extract(html)
        if text:
            meta = trafilatura.extract_metadata(html)
            out.append(((meta.title or "") if meta else "", text))
    return out


def time_rounds(fn, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    texts = extract_texts(args.directory)
    if not texts:
        print(f"no extractable HTML pages in {args.directory}", file=sys.stderr)
        return 1
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()

    def vader_alone() -> None:
        for title, text in texts:
            for sentence in split_sentences(f"{title}\n{text}"):
                analyzer.polarity_scores(sentence)

    def scorer() -> None:
        for title, text in texts:
            score_article(text, title=title)

    # Warm-up: the first call loads data files and dictionaries once per process.
    start = time.perf_counter()
    score_article("Kazakhstan and Russia. Казахстан и Россия. Kazachstan i Rosja. Қазақстан мен Ресей.")
    for language in ("en", "ru", "pl", "kk", "de"):
        score_article("warm up", language=language)
    lemma_ru("проверка")
    load = time.perf_counter() - start
    analyzer.polarity_scores("warm up")

    vader_s = time_rounds(vader_alone, args.rounds)
    scorer_s = time_rounds(scorer, args.rounds)
    chars = sum(len(t) + len(h) for h, t in texts)
    n = len(texts)
    print(f"{n} texts extracted from {args.directory} ({chars / 1e6:.2f} M characters)")
    print(f"one-off loading of data files and dictionaries: {load:.2f} s")
    print("| method | seconds | articles / s |")
    print("| --- | ---: | ---: |")
    print(f"| sentence-level VADER alone | {vader_s:.2f} | {n / vader_s:.0f} |")
    print(f"| score_article | {scorer_s:.2f} | {n / scorer_s:.0f} |")
    print(f"score_article time / VADER time = {scorer_s / vader_s:.2f} (target <= 2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
