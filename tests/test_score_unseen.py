"""stance-1.12: failure classes found on a ledger of real articles the rules had never seen.

Every sentence here is invented for the test."""

from __future__ import annotations

import pytest

from pipeline.scoring.score import score_article

# --- names of the pair in more languages: a piece in them is about the pair, scored uncertain -------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Kazahsztán és Oroszország vezetői Asztanában tárgyaltak. Tokajev és Putyin a határról beszélt.", "hu"),
        ("Kazachstán a Rusko podepsaly v Astaně dohodu o dopravě. Tokajev a Putin jednali o plynu.", "cs"),
        ("Kazahstan i Rusija potpisali su u Astani sporazum. Tokajev i Putin razgovarali su o plinu.", "hr"),
        ("Казахстан и Русия подписаха в Астана споразумение за транспорта. Токаев и Путин обсъдиха газа.", "bg"),
        ("Ղազախստանը և Ռուսաստանը Աստանայում ստորագրել են համաձայնագիր։ Տոկաևը և Պուտինը քննարկել են գազը։", "hy"),
        ("Kazakstan och Ryssland undertecknade ett avtal i Astana. Tokajev och Putin diskuterade gasen.", "sv"),
        ("Kazachstan en Rusland hebben in Astana een akkoord getekend. Tokajev en Poetin bespraken het gas.", "nl"),
        ("Kazakstan ja Venäjä allekirjoittivat Astanassa sopimuksen. Tokajev ja Putin keskustelivat kaasusta.", "fi"),
    ],
)
def test_names_in_more_languages_make_a_piece_about_the_pair(text, language):
    s = score_article(text)
    assert s.language == language
    assert s.certain is False
    assert s.relevance > 0.3


def test_a_short_cue_of_another_language_does_not_match_by_chance():
    # Hungarian "ami" ("which") is not French "ami" ("friend"): a language without a cue file is read
    # with the union of the others, less their short one-word cues.
    s = score_article(
        "Kazahsztánnak hosszú határa van Oroszországgal, ami a második leghosszabb. "
        "Kazahsztán és Oroszország között sok orosz él, ami régóta így van."
    )
    assert s.language == "hu"
    assert s.tension == 0.0
