"""Hand-written pages of the shapes extraction meets (tests/test_extract_once.py): each exercises
another branch of extract_article (charsets, the fallback pass, no container, sections, failures).

``python -m tests.extract_pages`` rewrites tests/data/extract_golden.json from the current code: run
it only when a change of the extracted output is intended, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.extract import PARAGRAPH_TEXTS_PER_PASS, extract_article
from pipeline.models import Article
from tests.httpserver import article_html
from tests.test_ingest import EN_PARAGRAPHS, PL_PARAGRAPHS, RU_PARAGRAPHS

GOLDEN = Path(__file__).parent / "data" / "extract_golden.json"

_NAV = '<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>'
_FOOTER = "<footer>Contact us | Privacy | Terms | Advertise with us</footer>"


def _json_ld_page() -> str:
    """A date only in JSON-LD, an og:title, a "Story | Site" title, a comment section and a table."""
    body = "".join(f"<p>{p}</p>" for p in EN_PARAGRAPHS * 2)
    return (
        "<html><head><title>Pipeline deal signed | The Steppe Courier</title>"
        '<meta property="og:title" content="Pipeline deal signed in Astana">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-03-07T09:00:00Z"}'
        "</script></head><body>"
        f"{_NAV}<div class='content'><div class='story'>{body}"
        "<table><tr><th>Year</th><th>Tonnes</th></tr><tr><td>2024</td><td>10 million</td></tr></table>"
        "</div><div id='comments' class='comments'><p>Reader one: great news for the region.</p></div></div>"
        f"{_FOOTER}</body></html>"
    )


def _short_page() -> str:
    """A story of some 300 characters: the main extractor finds little, so the fallbacks run too."""
    return (
        "<html><head><title>Brief: border talks</title></head><body>"
        f"{_NAV}<div class='brief'><h1>Border talks</h1><p>{EN_PARAGRAPHS[0]}</p>"
        "<div>Officials will meet again in May, the ministry said.</div></div>"
        f"{_FOOTER}</body></html>"
    )


def _no_container_page() -> str:
    """Paragraphs straight in <body> and text in bare <div>s: no container trafilatura knows."""
    divs = "".join(f"<div>{p}</div>" for p in PL_PARAGRAPHS)
    paragraphs = "".join(f"<p>{p}</p>" for p in PL_PARAGRAPHS[::-1])
    return (
        '<html lang="pl"><head><meta charset="utf-8"><title>Tranzyt ropy - Gazeta Stepowa</title>'
        '<meta name="date" content="2023-11-02"></head>'
        f"<body>{divs}{paragraphs}<ul><li>Kurs tenge</li><li>Pogoda</li></ul></body></html>"
    )


def _sectioned_page() -> str:
    """More paragraph text pieces than one extraction pass takes: extracted in sections."""
    parts = []
    for i in range(PARAGRAPH_TEXTS_PER_PASS + 600):
        if i % 50 == 0:
            parts.append(f"<h2>Round {i // 50} of the talks</h2>")
        parts.append(f"<p>Kazakhstan and Russia discussed point {i} in Astana on Tuesday, officials said.</p>")
    return f"<html><head><title>Talks</title></head><body>{_NAV}<article>{''.join(parts)}</article></body></html>"


def _empty_page() -> str:
    return f"<html><head><title>Cookies</title></head><body>{_NAV}<p>Accept cookies?</p>{_FOOTER}</body></html>"


#: name -> (page body, header charset or None, URL)
PAGES: dict[str, tuple[str | bytes, str | None, str]] = {
    "en_article_bytes": (
        article_html(
            "Oil transit deal", EN_PARAGRAPHS * 3, date="2024-05-02", canonical="https://gazette.example/oil-deal"
        ).encode(),
        "utf-8",
        "https://gazette.example/oil-deal?utm_source=x",
    ),
    "en_article_text": (
        article_html("Oil transit deal", EN_PARAGRAPHS * 3, date="2024-05-02"),
        None,
        "https://gazette.example/oil-deal-2",
    ),
    "ru_cp1251_meta_charset": (
        article_html(
            "Соглашение о транзите", RU_PARAGRAPHS * 3, date="2024-04-11", lang="ru", charset="windows-1251"
        ).encode("cp1251"),
        None,
        "https://vesti.example/ru/1",
    ),
    "ru_wrong_header_charset": (
        article_html("Соглашение о транзите", RU_PARAGRAPHS * 3, lang="ru", charset=None).encode(),
        "iso-8859-1",
        "https://vesti.example/ru/2",
    ),
    "json_ld_date_comments_table": (_json_ld_page().encode(), "utf-8", "https://courier.example/2024/03/07/deal"),
    "short_story_fallback": (_short_page().encode(), "utf-8", "https://brief.example/border"),
    "no_container_polish": (_no_container_page().encode(), None, "https://gazeta.example/tranzyt"),
    "sections": (_sectioned_page().encode(), "utf-8", "https://talks.example/all"),
    "no_article_text": (_empty_page().encode(), "utf-8", "https://cookies.example/"),
}


def outcome(name: str) -> dict[str, object]:
    """What extract_article makes of page ``name``: every field of the Article (the text as a digest
    past 2,000 characters), or the failure's reason."""
    body, charset, url = PAGES[name]
    result = extract_article(body, url, charset=charset)
    if not isinstance(result, Article):
        return {"failure": result.reason}
    text = result.text
    return {
        "title": result.title,
        "text": text if len(text) <= 2000 else f"sha256:{hashlib.sha256(text.encode()).hexdigest()}:{len(text)}",
        "published": result.published.isoformat() if result.published else None,
        "date_origin": result.date_origin,
        "canonical_url": result.canonical_url,
        "source": result.source,
        "language": result.language,
        "fingerprint": result.fingerprint,
        "decode_note": result.decode_note,
    }


if __name__ == "__main__":
    GOLDEN.write_text(
        json.dumps({name: outcome(name) for name in PAGES}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {GOLDEN}")
