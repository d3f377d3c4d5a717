"""Check a pair's rendered demo pages the way the pipeline will read them.

For every article of pipeline/data/pairs/<pair>/demo/articles.toml, its page
pipeline/data/pairs/<pair>/demo/pages/<id>.html must give back,
through ``trafilatura.bare_extraction(html, url=<canonical>, with_metadata=True)``:

- the body text: every paragraph of the article and nothing of the chrome (navigation, related
  links, newsletter, cookie notice, footer);
- the title and the outlet's name;
- the date, or None for an undated article (for those, htmldate's extensive search, which the
  pipeline falls back on, must find nothing either);

and the pipeline's language identification (``pipeline.scoring.language.detect_language``, py3langid
with the Turkic and script rules) must find the article's language in its body. Also checks the corpus
shape (counts, lengths, paragraphs, the script of kk, hy and uz, syndicated copies). Prints a summary
per pair; exit status 1 when anything fails.

    python scripts/check_demo.py                # the default pair, kz-ru
    python scripts/check_demo.py --pair all     # every pair that has a demo
"""

from __future__ import annotations

import logging
import re
import sys
from collections import Counter
from pathlib import Path

import trafilatura
from htmldate import find_date

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_demo import UI, Article, chosen_pairs, demo_paths, load_articles

from pipeline.scoring.language import detect_language

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
ARMENIAN = re.compile("[\u0531-\u0587]")
LETTER = re.compile(r"[^\W\d_]")
UZBEK_LATIN = re.compile("[oOgG][ʻ‘']")  # oʻ and gʻ, the Uzbek Latin letters


def chrome_strings(a: Article, html: str) -> list[str]:
    """Pieces of page chrome that must never appear in the extracted text."""
    ui = UI[a.language]
    pieces = [ui["cookie"][:40], ui["newsletter"], ui["newsletter_text"], ui["rights"], a.outlet.tagline]
    pieces += [label for label in a.outlet.nav if len(label) > 6]
    pieces += [label for label in ui["footer"] if len(label) > 6]
    return [p for p in pieces if p not in a.body]


def check_article(a: Article, related_titles: list[str], pages_dir: Path) -> list[str]:
    path = pages_dir / f"{a.id}.html"
    if not path.exists():
        return ["page missing"]
    html = path.read_text(encoding="utf-8")
    problems = []
    doc = trafilatura.bare_extraction(html, url=a.url, with_metadata=True)
    if doc is None:
        return ["trafilatura found nothing"]
    text = doc.text or ""
    extracted = " ".join(text.split())
    for i, para in enumerate(a.paragraphs):
        if para not in extracted:
            problems.append(f"paragraph {i + 1} missing from text")
    if extracted != " ".join(a.paragraphs):
        extra = extracted.replace(" ".join(a.paragraphs), " [...] ")
        problems.append(f"text is not exactly the body: {extra[:80]!r}")
    for piece in chrome_strings(a, html):
        if piece in extracted:
            problems.append(f"chrome in text: {piece!r}")
    for title in related_titles:
        if title in extracted:
            problems.append(f"related title in text: {title[:40]!r}")
    if " ".join((doc.title or "").split()) != a.title:
        problems.append(f"title {doc.title!r}")
    if doc.sitename != a.source:
        problems.append(f"sitename {doc.sitename!r}")
    want = a.date.isoformat() if a.date else None
    got = (doc.date or "")[:10] or None
    if got != want:
        problems.append(f"date {got} != {want}")
    if a.date is None:
        guess = find_date(html, extensive_search=True, original_date=True)
        if guess:
            problems.append(f"htmldate extensive search finds {guess}")
    code, _ = detect_language(f"{a.title}\n{a.body}")  # what extract.py stores as the article's language
    if code != a.language:
        problems.append(f"language identified as {code!r}, not {a.language!r}")
    if not 500 <= len(a.body.strip()) <= 1500:
        problems.append(f"body is {len(a.body.strip())} characters")
    if not 3 <= len(a.paragraphs) <= 7:
        problems.append(f"{len(a.paragraphs)} paragraphs")
    if a.language == "kk" and sum(ch in KAZAKH_LETTERS for ch in a.body) < 20:
        problems.append("few Kazakh-specific letters")
    if a.language == "hy" and len(ARMENIAN.findall(a.body)) < 0.8 * len(LETTER.findall(a.body)):
        problems.append("not mostly in Armenian script")
    if a.language == "uz" and (len(UZBEK_LATIN.findall(a.body)) < 3 or re.search("[\u0400-\u04ff]", a.body)):
        problems.append("not Uzbek in the Latin alphabet (few oʻ/gʻ, or Cyrillic letters)")
    return problems


def check_pair(pair: str) -> int:
    """Check one pair's pages and print its summary; returns how many pages failed."""
    articles_file, pages_dir = demo_paths(pair)
    articles = load_articles(articles_file)
    failures = {}
    for a in articles:
        related = [r.title for r in articles if r.language == a.language and r.id != a.id and r.title not in a.body]
        problems = check_article(a, related, pages_dir)
        if problems:
            failures[a.id] = problems

    by_lang = Counter(a.language for a in articles)
    by_year = Counter((a.language, a.date.year if a.date else "undated") for a in articles)
    years = sorted({y for _, y in by_year}, key=str)
    print(
        f"== {pair}: {len(articles)} articles; per language: "
        + ", ".join(f"{k} {v}" for k, v in sorted(by_lang.items()))
    )
    print("year      " + " ".join(f"{lang:>4}" for lang in sorted(by_lang)) + "  all")
    for y in years:
        row = [by_year[(lang, y)] for lang in sorted(by_lang)]
        print(f"{y!s:<9} " + " ".join(f"{n:>4}" for n in row) + f"  {sum(row):>3}")
    print("stances:  " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(a.stance for a in articles).items())))
    print("undated:  " + ", ".join(a.id for a in articles if a.date is None))
    print("syndicated: " + ", ".join(f"{a.id} (copy of {a.syndicated_of})" for a in articles if a.syndicated_of))
    print(f"pages checked: {len(articles)}; passed: {len(articles) - len(failures)}; failed: {len(failures)}")
    for aid, problems in failures.items():
        print(f"  {aid}: " + "; ".join(problems))
    return len(failures)


def main(argv: list[str]) -> int:
    failed = sum(check_pair(pair) for pair in chosen_pairs(argv))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
