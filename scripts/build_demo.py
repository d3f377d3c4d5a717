"""Render a pair's demo corpus (pipeline/data/pairs/<pair>/demo/articles.toml) into saved news pages
under pipeline/data/pairs/<pair>/demo/pages/.

Each article becomes ``pages/<id>.html``: a realistic page of its (fictional) outlet, with a canonical
link, Open Graph metadata, the publication time (left out for undated articles), a header with the
outlet's navigation, a cookie notice, the article, a "related articles" list, a newsletter box and a
footer. Outlets differ in markup and class names so the pages look like different sites (their names
and chrome words are in scripts/demo_sites.py).

The output is deterministic: the same TOML always gives the same bytes. Pages of articles that are no
longer in the TOML are deleted. Standard library only.

    python scripts/build_demo.py                # the default pair, kz-ru
    python scripts/build_demo.py --pair am-ru   # one pair; --pair all: every pair that has a demo
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_sites import LANGUAGES, MONTHS, OUTLETS, STANCES, UI, Outlet

PAIRS_DIR = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "pairs"
DEFAULT_PAIR = "kz-ru"
DEMO_DIR = PAIRS_DIR / DEFAULT_PAIR / "demo"
ARTICLES_FILE = DEMO_DIR / "articles.toml"
PAGES_DIR = DEMO_DIR / "pages"


@dataclass(frozen=True)
class Article:
    id: str
    language: str
    date: date | None
    source: str
    url: str
    title: str
    author: str
    stance: str
    body: str
    syndicated_of: str | None

    @property
    def paragraphs(self) -> list[str]:
        return [" ".join(p.split()) for p in self.body.strip().split("\n\n") if p.strip()]

    @property
    def outlet(self) -> Outlet:
        return OUTLETS[self.source]


def load_articles(path: Path = ARTICLES_FILE) -> list[Article]:
    """Read and validate the TOML; exits with a message listing every problem found."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)["article"]
    articles: list[Article] = []
    problems: list[str] = []
    for item in raw:
        aid = item.get("id", "?")
        missing = [k for k in ("id", "language", "source", "url", "title", "author", "stance", "body") if k not in item]
        if missing:
            problems.append(f"{aid}: missing {', '.join(missing)}")
            continue
        when = item.get("date")
        articles.append(
            Article(
                id=item["id"],
                language=item["language"],
                date=date.fromisoformat(when) if isinstance(when, str) else when,
                source=item["source"],
                url=item["url"],
                title=item["title"],
                author=item["author"],
                stance=item["stance"],
                body=item["body"],
                syndicated_of=item.get("syndicated_of"),
            )
        )
    by_id = {a.id: a for a in articles}
    if len(by_id) != len(articles):
        problems.append("duplicate ids")
    if len({a.url for a in articles}) != len(articles):
        problems.append("duplicate urls")
    for a in articles:
        if a.language not in LANGUAGES:
            problems.append(f"{a.id}: unknown language {a.language}")
        if a.stance not in STANCES:
            problems.append(f"{a.id}: unknown stance {a.stance}")
        if a.source not in OUTLETS:
            problems.append(f"{a.id}: unknown outlet {a.source}")
        elif a.outlet.language != a.language or not a.url.startswith(f"https://{a.outlet.domain}/"):
            problems.append(f"{a.id}: url or language does not match outlet {a.source}")
        if a.date is not None and a.date.strftime("/%Y/%m/%d/") not in a.url and "/20" in a.url:
            problems.append(f"{a.id}: date in url differs from the article date")
        if a.syndicated_of:
            original = by_id.get(a.syndicated_of)
            if original is None or original.paragraphs != a.paragraphs or original.date != a.date:
                problems.append(f"{a.id}: not a word-for-word copy of {a.syndicated_of}")
    if problems:
        sys.exit(f"{path} is not valid:\n  " + "\n  ".join(problems))
    return articles


def display_date(day: date, language: str) -> str:
    month = MONTHS[language][day.month - 1]
    if language == "en":
        return f"{day.day} {month} {day.year}"
    if language == "kk":
        return f"{day.year} жылғы {day.day} {month}"
    if language == "hy":
        return f"{day.year} թ. {month} {day.day}"
    if language == "uz":
        return f"{day.year}-yil {day.day}-{month}"
    return f"{day.day} {month} {day.year}"


def slug(text: str) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower()).strip("-") or "section"


def related_for(article: Article, articles: list[Article]) -> list[Article]:
    """Four other stories of the same language, the outlet's own first; chosen by a stable hash.

    An undated page only links to stories whose address carries no date either, so that nothing on it
    gives a date away.
    """
    pool = [
        a
        for a in articles
        if a.language == article.language
        and a.id != article.id
        and a.id != article.syndicated_of
        and a.syndicated_of != article.id
        and (article.date is not None or not any(ch.isdigit() for ch in a.url + a.title))
    ]

    def key(a: Article) -> tuple[bool, str]:
        return (a.source != article.source, hashlib.sha256(f"{article.id}|{a.id}".encode()).hexdigest())

    return sorted(pool, key=key)[:4]


def site_url(outlet: Outlet, path: str = "") -> str:
    return f"https://{outlet.domain}/{path}"


def render_head(a: Article) -> str:
    o = a.outlet
    lines = [
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(a.title)} | {escape(o.name)}</title>",
        f'<link rel="canonical" href="{escape(a.url)}">',
        f'<meta name="description" content="{escape(a.paragraphs[0][:160])}">',
        f'<meta name="author" content="{escape(a.author)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{escape(a.title)}">',
        f'<meta property="og:site_name" content="{escape(o.name)}">',
        f'<meta property="og:url" content="{escape(a.url)}">',
        f'<meta property="og:locale" content="{a.language}">',
    ]
    if a.date is not None:
        lines.append(f'<meta property="article:published_time" content="{a.date.isoformat()}T08:00:00+00:00">')
    lines += [
        f'<link rel="stylesheet" href="/static/{o.prefix}-main.css">',
        f'<link rel="icon" href="/static/{o.prefix}-favicon.ico">',
        "</head>",
    ]
    return "\n".join(lines)


def nav_links(o: Outlet) -> list[tuple[str, str]]:
    return [(label, site_url(o) if i == 0 else site_url(o, slug(label) + "/")) for i, label in enumerate(o.nav)]


def cookie_notice(a: Article) -> str:
    ui, p = UI[a.language], a.outlet.prefix
    return (
        f'<div id="cookie-consent" class="{p}-cookie-banner cookie-notice" role="dialog">\n'
        f"<p>{escape(ui['cookie'])}</p>\n"
        f'<button type="button" class="{p}-btn-accept">{escape(ui["accept"])}</button>\n'
        f'<button type="button" class="{p}-btn-settings">{escape(ui["settings"])}</button>\n'
        "</div>"
    )


def newsletter_box(a: Article) -> str:
    ui, p = UI[a.language], a.outlet.prefix
    return (
        f'<aside class="{p}-newsletter newsletter-signup">\n'
        f"<h2>{escape(ui['newsletter'])}</h2>\n"
        f"<p>{escape(ui['newsletter_text'])}</p>\n"
        f'<form action="{escape(site_url(a.outlet, "newsletter/subscribe"))}" method="post">\n'
        f'<input type="email" name="email" placeholder="{escape(ui["email"])}" required>\n'
        f'<button type="submit">{escape(ui["subscribe"])}</button>\n'
        "</form>\n"
        "</aside>"
    )


def related_list(a: Article, related: list[Article], tag: str = "ul") -> str:
    ui, p = UI[a.language], a.outlet.prefix
    items = "\n".join(f'<li><a href="{escape(r.url)}">{escape(r.title)}</a></li>' for r in related)
    return (
        f'<aside class="{p}-related related-articles">\n'
        f"<h2>{escape(ui['related'])}</h2>\n"
        f"<{tag}>\n{items}\n</{tag}>\n"
        "</aside>"
    )


def footer(a: Article) -> str:
    ui, o = UI[a.language], a.outlet
    links = "\n".join(
        f'<li><a href="{escape(site_url(o, slug(label) + "/"))}">{escape(label)}</a></li>' for label in ui["footer"]
    )
    # Undated pages carry no year anywhere, not even in the copyright line.
    year = f" {a.date.year}" if a.date is not None else ""
    return (
        f'<footer class="{o.prefix}-footer site-footer">\n'
        f'<ul class="{o.prefix}-footer-links">\n{links}\n</ul>\n'
        f"<p>©{year} {escape(o.name)}. {escape(ui['rights'])} {escape(o.tagline)}.</p>\n"
        f'<p class="{o.prefix}-disclaimer">{escape(o.domain)}</p>\n'
        "</footer>"
    )


def body_paragraphs(a: Article, cls: str) -> str:
    return f'<div class="{cls}">\n' + "\n".join(f"<p>{escape(p)}</p>" for p in a.paragraphs) + "\n</div>"


def date_line(a: Article, cls: str) -> str:
    if a.date is None:
        return ""
    ui = UI[a.language]
    return (
        f'<p class="{cls}">{escape(ui["published"])} '
        f'<time datetime="{a.date.isoformat()}">{escape(display_date(a.date, a.language))}</time></p>\n'
    )


def render_classic(a: Article, related: list[Article]) -> str:
    o, ui, p = a.outlet, UI[a.language], a.outlet.prefix
    nav = "\n".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for label, href in nav_links(o))
    return f"""<body class="{p}-site layout-classic">
<a class="{p}-skip" href="#main">{escape(ui["skip"])}</a>
<header class="{p}-header site-header">
<div class="{p}-brand"><a href="{escape(site_url(o))}">{escape(o.name)}</a>
<span class="{p}-tagline">{escape(o.tagline)}</span></div>
<nav class="{p}-nav main-navigation">
<ul>
{nav}
</ul>
</nav>
</header>
{cookie_notice(a)}
<main id="main" class="{p}-main">
<article class="{p}-article">
<h1 class="{p}-headline">{escape(a.title)}</h1>
<p class="{p}-byline">{escape(ui["by"])} <span class="author">{escape(a.author)}</span></p>
{date_line(a, f"{p}-date")}{body_paragraphs(a, f"{p}-article-body")}
</article>
{related_list(a, related)}
{newsletter_box(a)}
</main>
{footer(a)}
</body>"""


def render_magazine(a: Article, related: list[Article]) -> str:
    o, ui, p = a.outlet, UI[a.language], a.outlet.prefix
    nav = "\n".join(
        f'<a class="{p}-menu-item" href="{escape(href)}">{escape(label)}</a>' for label, href in nav_links(o)
    )
    return f"""<body class="{p}-page template-magazine">
{cookie_notice(a)}
<div class="{p}-wrapper">
<header class="{p}-masthead">
<div class="{p}-logo"><a href="{escape(site_url(o))}" title="{escape(o.tagline)}">{escape(o.name)}</a></div>
<form class="{p}-search" action="{escape(site_url(o, "search"))}" role="search">
<input type="search" name="q" aria-label="{escape(ui["search"])}"><button type="submit">{escape(ui["search"])}</button>
</form>
</header>
<nav class="{p}-menu" aria-label="sections">
{nav}
</nav>
<div class="{p}-columns">
<main class="{p}-content">
<article class="{p}-post">
<header class="{p}-post-header">
<h1 class="{p}-post-title">{escape(a.title)}</h1>
<div class="{p}-post-meta"><span class="{p}-author">{escape(ui["by"])} {escape(a.author)}</span>
{date_line(a, f"{p}-published")}</div>
</header>
{body_paragraphs(a, f"{p}-entry-content")}
</article>
</main>
<div class="{p}-sidebar">
{related_list(a, related, tag="ol")}
{newsletter_box(a)}
</div>
</div>
{footer(a)}
</div>
</body>"""


def render_portal(a: Article, related: list[Article]) -> str:
    o, ui, p = a.outlet, UI[a.language], a.outlet.prefix
    nav = "\n".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for label, href in nav_links(o))
    return f"""<body class="{p}-portal">
<nav class="{p}-topbar" aria-label="main">
<a class="{p}-home" href="{escape(site_url(o))}">{escape(o.name)}</a>
<ul class="{p}-sections">
{nav}
</ul>
</nav>
<header class="{p}-banner"><p class="{p}-claim">{escape(o.tagline)}</p></header>
<div class="{p}-grid">
<section class="{p}-story-col">
<article class="{p}-story">
<header class="{p}-story-head">
<h1>{escape(a.title)}</h1>
<p class="{p}-signature">{escape(ui["by"])} {escape(a.author)}</p>
{date_line(a, f"{p}-when")}</header>
{body_paragraphs(a, f"{p}-body-text")}
</article>
</section>
{related_list(a, related)}
</div>
{newsletter_box(a)}
{cookie_notice(a)}
{footer(a)}
</body>"""


LAYOUTS = {"classic": render_classic, "magazine": render_magazine, "portal": render_portal}


def render_page(a: Article, articles: list[Article]) -> str:
    body = LAYOUTS[a.outlet.layout](a, related_for(a, articles))
    return f'<!DOCTYPE html>\n<html lang="{a.language}">\n{render_head(a)}\n{body}\n</html>\n'


def build(articles_file: Path = ARTICLES_FILE, pages_dir: Path = PAGES_DIR) -> list[Path]:
    """Write every page; remove pages of articles that are gone. Returns the written paths."""
    articles = load_articles(articles_file)
    pages_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for a in articles:
        path = pages_dir / f"{a.id}.html"
        path.write_text(render_page(a, articles), encoding="utf-8", newline="\n")
        written.append(path)
    keep = {p.name for p in written}
    for stale in pages_dir.glob("*.html"):
        if stale.name not in keep:
            stale.unlink()
    return written


def demo_paths(pair: str) -> tuple[Path, Path]:
    """The pair's articles file and pages directory."""
    return PAIRS_DIR / pair / "demo" / "articles.toml", PAIRS_DIR / pair / "demo" / "pages"


def demo_pairs() -> list[str]:
    """Every pair that has a demo corpus (an ``articles.toml``), sorted."""
    return sorted(p.parent.parent.name for p in PAIRS_DIR.glob("*/demo/articles.toml"))


def chosen_pairs(argv: list[str]) -> list[str]:
    """The pairs named by ``--pair ID`` (default kz-ru; ``all``: every pair with a demo); exits with a
    message naming an unknown pair."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", default=DEFAULT_PAIR, help="pair id (default kz-ru), or 'all'")
    pair = parser.parse_args(argv).pair
    known = demo_pairs()
    if pair == "all":
        return known
    if pair not in known:
        sys.exit(
            f"no demo for pair {pair!r}: {PAIRS_DIR / pair / 'demo' / 'articles.toml'} does not exist "
            f"(pairs with a demo: {', '.join(known)})"
        )
    return [pair]


if __name__ == "__main__":
    for pair_id in chosen_pairs(sys.argv[1:]):
        articles_path, pages_path = demo_paths(pair_id)
        pages = build(articles_path, pages_path)
        print(f"{pair_id}: wrote {len(pages)} pages to {pages_path}")
