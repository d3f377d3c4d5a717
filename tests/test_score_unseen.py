"""stance-1.12: failure classes found on a ledger of real articles the rules had never seen.

Every sentence here is invented for the test."""

from __future__ import annotations

import pytest

from pipeline.scoring.score import score_article

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")

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


# --- an office's name is not a step: the Ministry of Trade and Integration --------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Wiceminister handlu i integracji Kazachstanu powiedział w Moskwie, że Rosja zmieniła taryfy.",
        "Министр торговли и интеграции Казахстана сообщил в Москве, что Россия изменила тарифы.",
        "Kazakhstan's Minister of Trade and Integration said in Moscow that Russia had changed the tariffs.",
    ],
)
def test_the_ministry_of_trade_and_integration_is_no_cooperation(text):
    assert abs(score_article(text).tension) < 0.05


# --- a ban or block on what crosses to or from the other side, told as a plain act ------------------


@pytest.mark.parametrize(
    ("text", "floor"),
    [
        ("Kazachstan, duży partner handlowy Rosji, wprowadził zakaz eksportu stu towarów do Rosji.", 0.2),
        ("Kazakhstan, a major trading partner of Russia, blocked shipments of a hundred goods to Russia.", 0.5),
        ("Россия, крупный торговый партнер Казахстана, запретила ввоз казахстанского мяса.", 0.2),
    ],
)
def test_a_ban_on_the_other_sides_goods_is_tension(text, floor):
    assert score_article(text).tension > floor


def test_lifting_a_ban_on_the_other_sides_goods_is_not_a_ban():
    # the ban is the object of "lifted": a conciliatory step, not a ban counted once more as an act
    s = score_article("Rosja, duży partner handlowy Kazachstanu, zniosła zakaz importu kazachskiego mięsa.")
    assert s.tension < -0.5


def test_a_banned_good_named_by_an_adjective_is_no_act_of_the_pair():
    # «запрещенных товаров» describes goods (banned by someone else), it is not a ban the pair imposed.
    with_adjective = score_article("Казахстан и Россия обсудили поставки запрещенных товаров через третьи страны.")
    assert with_adjective.tension < 0.5


# --- not recognising the other side's claims on a third country is a stance towards that side -------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "The foreign ministry in Astana said the country's position rests on international law.",
            "Kazakhstan will not recognise the Kherson and Zaporizhzhia referendums",
        ),
        (
            "Астана не признает итоги референдумов в Херсонской и Запорожской областях. "
            "МИД Казахстана сослался на нормы международного права.",
            "",
        ),
    ],
)
def test_not_recognising_the_other_sides_claims_is_tension_about_the_pair(text, title):
    s = score_article(text, title)
    assert s.relevance > 0.5
    assert s.tension > 0.15


def test_the_claimed_regions_stay_the_third_countrys_outside_recognition():
    s = score_article("Kazakhstan sent humanitarian aid to Kherson and Zaporizhzhia. The trucks left Almaty on Monday.")
    assert s.relevance < 0.3
