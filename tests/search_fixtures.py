"""A small scored database for the search and article-view tests: hand-written articles in four
languages, a syndicated copy, an undated, an irrelevant and an analyst-excluded article, and one whose
text holds HTML. Texts are written for these tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.dedupe import fingerprint
from pipeline.models import Article, Evidence, Score
from pipeline.store import Store

#: A word that is in the body of the oil article only (no title has it).
BODY_ONLY_WORD = "baikonur"
OIL_TEXT = (
    "Kazakhstan and Russia signed an agreement on oil transit on Thursday, officials in Astana said.\n\n"
    "The accord also covers the lease of the Baikonur launch site, which both sides called “a model of "
    "cooperation”.\n\nThe Kremlin   welcomed the deal."
)
KAZAKH_WORDS = ("мәлімдеме", "ғимарат", "қала", "жаңа", "өзен", "ұлттық", "үкімет", "һәм")
KAZAKH_TEXT = "Үкімет жаңа ғимарат туралы мәлімдеме жасады. Қала өзен бойында, ұлттық бағдарлама һәм Ресей."
POLISH_TEXT = "Minister mówił o współpracy z Rosją i o żegludze na Morzu Kaspijskim; łączność jest kluczowa."
SCRIPT_TEXT = "Kazakhstan and Russia: <script>alert('x')</script> a test of escaping & <b>markup</b>."

# (key, title, text, source, language, published, relevance, tension, evidence)
ARTICLES = [
    ("oil", "Astana and Moscow sign oil transit deal", OIL_TEXT, "astana.example", "en", date(2024, 3, 5), 0.9, -0.4,
     [Evidence("The accord also covers the lease of the Baikonur launch site, which both sides called "
               "\"a model of cooperation\".", -0.5)]),
    ("kk", "Қазақстан мен Ресей келісімі", KAZAKH_TEXT, "kaz.example", "kk", date(2024, 2, 1), 0.8, 0.1, []),
    ("pl", "Kazachstan i Rosja: rozmowy", POLISH_TEXT, "pl.example", "pl", date(2024, 1, 10), 0.7, 0.0, []),
    ("copy", "Oil transit deal signed (agency copy)", OIL_TEXT, "tengrinews.kz", "en", date(2024, 3, 6), 0.9, -0.4,
     []),
    ("weather", "Sunny week ahead in Almaty", "Weather in Almaty stays sunny and warm.", "astana.example", "en",
     date(2024, 3, 7), 0.05, 0.0, []),
    ("undated", "Border talks continue", "Talks on the border continue between Astana and Moscow.", "astana.example",
     "en", None, 0.8, 0.3, []),
    ("excluded", "Ambassador summoned", "Astana summoned the Russian ambassador over remarks.", "kaz.example", "en",
     date(2024, 3, 1), 0.9, 0.6, []),
    ("script", "Escaping test about Kazakhstan", SCRIPT_TEXT, "kaz.example", "en", date(2024, 3, 2), 0.6, 0.2,
     [Evidence("<script>alert('x')</script> a test of escaping & <b>markup</b>.", 0.3)]),
]  # fmt: skip


def build(db: Path) -> dict[str, int]:
    """Store the articles (the copy joins the oil story, the excluded one is corrected); their ids by key."""
    ids: dict[str, int] = {}
    with Store.open(db) as store:
        for key, title, text, source, language, published, relevance, tension, evidence in ARTICLES:
            url = f"https://{source}/{key}"
            article = Article(
                url=url,
                canonical_url=url,
                title=title,
                text=text,
                published=published,
                source=source,
                language=language,
                fingerprint=fingerprint(text),
                date_origin="page" if published else None,
            )
            score = Score(
                tension=tension,
                sentiment=tension / 2,
                relevance=relevance,
                language=language,
                evidence=evidence,
                goldstein=-10 * tension,
                version="test",
            )
            ids[key] = store.insert_article(article, score).id
        store.set_override(ids["excluded"], not_relevant=True)
    return ids
