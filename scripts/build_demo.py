"""Render the demo corpus (pipeline/data/pairs/kz-ru/demo/articles.toml) into saved news pages under
pipeline/data/pairs/kz-ru/demo/pages/.

Each article becomes ``pipeline/data/pairs/kz-ru/demo/pages/<id>.html``: a realistic page of its
(fictional) outlet, with a canonical link, Open Graph metadata, the publication time (left out for
undated articles), a header with the outlet's navigation, a cookie notice, the article, a "related
articles" list, a newsletter box and a footer. Outlets differ in markup and class names so the pages
look like different sites.

The output is deterministic: the same TOML always gives the same bytes. Pages of articles that are no
longer in the TOML are deleted. Standard library only.

    python scripts/build_demo.py
"""

from __future__ import annotations

import hashlib
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "pairs" / "kz-ru" / "demo"
ARTICLES_FILE = DEMO_DIR / "articles.toml"
PAGES_DIR = DEMO_DIR / "pages"

LANGUAGES = ("en", "ru", "pl", "kk")
STANCES = ("cooperation", "tension", "mixed", "offtopic")

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "ru": [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
    "pl": [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
    "kk": [
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ],
}

# Interface words of the page chrome, per language.
UI = {
    "en": {
        "by": "By",
        "published": "Published",
        "related": "Related stories",
        "more": "More from",
        "newsletter": "Get the morning briefing",
        "newsletter_text": "The day's top stories from Central Asia, in your inbox before breakfast.",
        "email": "Your email address",
        "subscribe": "Subscribe",
        "cookie": "We use cookies to improve your experience and to measure traffic. "
        "By continuing to browse you agree to our use of cookies.",
        "accept": "Accept",
        "settings": "Settings",
        "rights": "All rights reserved.",
        "footer": ["About us", "Contact", "Advertising", "Privacy policy", "Terms of use", "RSS"],
        "skip": "Skip to content",
        "search": "Search",
    },
    "ru": {
        "by": "Автор:",
        "published": "Опубликовано",
        "related": "Читайте также",
        "more": "Другие материалы",
        "newsletter": "Подпишитесь на рассылку",
        "newsletter_text": "Главные новости Евразии каждое утро на вашу почту.",
        "email": "Ваш e-mail",
        "subscribe": "Подписаться",
        "cookie": "Мы используем файлы cookie, чтобы сайт работал лучше. "
        "Продолжая пользоваться сайтом, вы соглашаетесь с этим.",
        "accept": "Принять",
        "settings": "Настройки",
        "rights": "Все права защищены.",
        "footer": ["О редакции", "Контакты", "Реклама", "Политика конфиденциальности", "Правила", "RSS"],
        "skip": "Перейти к содержанию",
        "search": "Поиск",
    },
    "pl": {
        "by": "Autor:",
        "published": "Opublikowano",
        "related": "Zobacz także",
        "more": "Więcej z działu",
        "newsletter": "Zapisz się na newsletter",
        "newsletter_text": "Najważniejsze wiadomości ze Wschodu co rano w Twojej skrzynce.",
        "email": "Adres e-mail",
        "subscribe": "Zapisz się",
        "cookie": "Ta strona korzysta z plików cookie. Korzystając z serwisu, "
        "zgadzasz się na ich użycie zgodnie z polityką prywatności.",
        "accept": "Akceptuję",
        "settings": "Ustawienia",
        "rights": "Wszelkie prawa zastrzeżone.",
        "footer": ["O nas", "Kontakt", "Reklama", "Polityka prywatności", "Regulamin", "RSS"],
        "skip": "Przejdź do treści",
        "search": "Szukaj",
    },
    "kk": {
        "by": "Авторы:",
        "published": "Жарияланды",
        "related": "Тақырыпқа қатысты",
        "more": "Басқа жаңалықтар",
        "newsletter": "Жаңалықтарға жазылыңыз",
        "newsletter_text": "Күннің басты жаңалықтары күн сайын таңертең поштаңызда.",
        "email": "Электрондық пошта",
        "subscribe": "Жазылу",
        "cookie": "Сайт жақсы жұмыс істеуі үшін cookie файлдарын пайдаланамыз. "
        "Сайтты қолдана отырып, сіз бұған келісесіз.",
        "accept": "Келісемін",
        "settings": "Баптаулар",
        "rights": "Барлық құқықтар қорғалған.",
        "footer": ["Редакция туралы", "Байланыс", "Жарнама", "Құпиялылық саясаты", "Ережелер", "RSS"],
        "skip": "Мазмұнға өту",
        "search": "Іздеу",
    },
}


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    language: str
    layout: str  # "classic", "magazine" or "portal": three different page skeletons
    prefix: str  # class-name prefix, so even outlets sharing a layout differ in markup
    tagline: str
    nav: tuple[str, ...]


OUTLETS = {
    o.name: o
    for o in (
        Outlet(
            "Steppe Ledger",
            "steppe-ledger.example",
            "en",
            "classic",
            "sl",
            "News and business from the heart of Eurasia",
            ("Home", "Politics", "Business", "Energy", "World", "Opinion", "Sport"),
        ),
        Outlet(
            "Caspian Wire",
            "caspian-wire.example",
            "en",
            "magazine",
            "cw",
            "Independent wire service for the Caspian region",
            ("Latest", "Kazakhstan", "Russia", "Central Asia", "Markets", "Analysis"),
        ),
        Outlet(
            "Eurasia Dispatch",
            "eurasia-dispatch.example",
            "en",
            "portal",
            "ed",
            "Reporting from Minsk to Almaty",
            ("Front page", "Diplomacy", "Security", "Economy", "Energy", "Society", "Culture", "Podcasts"),
        ),
        Outlet(
            "Евразийский вестник",
            "evrazvestnik.example",
            "ru",
            "classic",
            "ev",
            "Новости и аналитика Евразийского пространства",
            ("Главная", "Политика", "Экономика", "Энергетика", "В мире", "Мнения", "Спорт"),
        ),
        Outlet(
            "Степные новости",
            "stepnye-novosti.example",
            "ru",
            "portal",
            "sn",
            "Информационное агентство",
            ("Лента", "Казахстан", "Россия", "Центральная Азия", "Бизнес", "Происшествия", "Интервью"),
        ),
        Outlet(
            "Деловой Иртыш",
            "delovoy-irtysh.example",
            "ru",
            "magazine",
            "di",
            "Деловая газета Прииртышья",
            ("Новости", "Финансы", "Нефть и газ", "Транспорт", "Регионы", "Колонки"),
        ),
        Outlet(
            "Kurier Wschodni",
            "kurier-wschodni.example",
            "pl",
            "classic",
            "kw",
            "Wiadomości z Europy Wschodniej i Azji Centralnej",
            ("Start", "Polityka", "Gospodarka", "Energetyka", "Świat", "Opinie", "Sport"),
        ),
        Outlet(
            "Przegląd Eurazjatycki",
            "przeglad-eurazja.example",
            "pl",
            "magazine",
            "pe",
            "Analizy, reportaże, komentarze",
            ("Aktualności", "Rosja", "Azja Centralna", "Bezpieczeństwo", "Surowce", "Analizy", "Podcast"),
        ),
        Outlet(
            "Serwis Wschód",
            "serwis-wschod.example",
            "pl",
            "portal",
            "sw",
            "Codzienny serwis informacyjny",
            ("Najnowsze", "Kraj", "Zagranica", "Biznes", "Nauka", "Kultura"),
        ),
        Outlet(
            "Дала жаршысы",
            "dala-zharshysy.example",
            "kk",
            "classic",
            "dz",
            "Қоғамдық-саяси басылым",
            ("Басты бет", "Саясат", "Экономика", "Энергетика", "Әлем", "Пікір", "Спорт"),
        ),
        Outlet(
            "Астана хабары",
            "astana-khabary.example",
            "kk",
            "magazine",
            "ah",
            "Елорданың жаңалықтар порталы",
            ("Жаңалықтар", "Қазақстан", "Ресей", "Орталық Азия", "Бизнес", "Сұхбат", "Мәдениет"),
        ),
        Outlet(
            "Ертіс үні",
            "ertis-uni.example",
            "kk",
            "portal",
            "eu",
            "Өңірлік ақпарат агенттігі",
            ("Лента", "Билік", "Қаржы", "Мұнай-газ", "Өңірлер", "Ғылым", "Спорт"),
        ),
    )
}


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
        sys.exit("articles.toml is not valid:\n  " + "\n  ".join(problems))
    return articles


def display_date(day: date, language: str) -> str:
    month = MONTHS[language][day.month - 1]
    if language == "en":
        return f"{day.day} {month} {day.year}"
    if language == "kk":
        return f"{day.year} жылғы {day.day} {month}"
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


if __name__ == "__main__":
    pages = build()
    print(f"wrote {len(pages)} pages to {PAGES_DIR}")
