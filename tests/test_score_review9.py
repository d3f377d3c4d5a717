"""stance-1.18 as reviewed: a balance needs the same measure turned down and named; negators side by side are
one refusal; a third country across a clause break is no cooperation word's object; the blocs of every pair
are no meeting of its sides; the digraph Latin spelling is told on a short text. Invented sentences."""

from __future__ import annotations

import pytest

from pipeline.scoring.normalize import kazakh_latin_scheme
from pipeline.scoring.score import score_article

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")


def _tension(text: str, pair: str | None = None) -> float:
    return round(score_article(text, pair=pair).tension, 3)


# Invented sentences of plain journalism, with the tension the reviewed rules give; the comment says what the
# rule before the review gave and why.
PLAIN = [
    # the balance rule read the other side's new act as "the measures named": 0.325, 0.243, 0.217, 0.121, 0.777
    pytest.param(
        "Kazakhstan did not join the Western sanctions, and Russia banned imports of Kazakh grain.", 0.67, id="act-en"
    ),
    pytest.param(
        "Казахстан не присоединился к санкциям, и Россия запретила ввоз казахстанского зерна.", 0.654, id="act-ru"
    ),
    pytest.param(
        "Kazachstan nie przyłączył się do sankcji, a Rosja zakazała importu kazachskiego zboża.", 0.6, id="act-pl"
    ),
    pytest.param(
        "Россия не отменила эмбарго на казахстанский уголь и пригрозила Казахстану новыми пошлинами.",
        0.384,
        id="threat-ru",
    ),
    pytest.param(
        "Kazakhstan complies with the sanctions against Russia, while Moscow accused Astana of betrayal "
        "and threatened retaliation.",
        0.908,
        id="complies-en",
    ),
    # the name after the comma was read as the cooperation word's object: -0.06, -0.474, -0.84
    pytest.param("Россия и Казахстан договорились, Украина возражает.", -0.458, id="comma-ru"),
    pytest.param(
        "Kazakhstan and Russia deepened their partnership, Chinese and Turkish media reported.", -0.656, id="comma-en"
    ),
    pytest.param(
        "Kazakhstan and Russia signed a cooperation agreement, China's foreign ministry said.", -0.895, id="comma-en2"
    ),
    # "sign* * law*", «подпис* указ*» read "lawful", «указанное» (the said) as a law, a decree: -0.458, -0.422
    pytest.param("Kazakhstan and Russia signed the lawful agreement on grain transit.", -0.738, id="lawful-en"),
    pytest.param("Казахстан и Россия подписали указанное соглашение о транзите зерна.", -0.716, id="said-ru"),
    pytest.param(
        "Казахстан и Россия подписали законодательно оформленное соглашение о транзите.", -0.716, id="legal-ru"
    ),
]


@pytest.mark.parametrize(("text", "expected"), PLAIN)
def test_plain_journalism_keeps_its_tension(text, expected):
    assert _tension(text) == pytest.approx(expected)


def test_the_same_measure_turned_down_and_named_is_still_a_balance():
    assert _tension("Kazakhstan will not join the sanctions against Russia for fear of secondary sanctions.") == 0.294


@pytest.mark.parametrize(
    ("plain", "emphatic", "expected"),
    [  # «никак не» counted as two refusals made a balance of one: 0.047 and 0.134 (0.156 each was right then;
        # since stance-1.20 the annexation is the claim refused, not "no annexation": the act, 0.345)
        ("Казахстан не признает аннексию Крыма Россией.", "Казахстан никак не признает аннексию Крыма Россией.", 0.345),
        (
            "Kazachstan nie uzna aneksji Krymu przez Rosję.",
            "Kazachstan w żaden sposób nie uzna aneksji Krymu przez Rosję.",
            0.345,
        ),
    ],
)
def test_negators_side_by_side_are_one_refusal(plain, emphatic, expected):
    assert _tension(plain) == _tension(emphatic) == pytest.approx(expected)
    # «может» no longer uses up a place in the negator's reach (stance-1.24; 0.422 before): "can in no way
    # support the sanctions" reads as "will not support" them
    assert _tension("Казахстан никак не может поддержать санкции против России.") == pytest.approx(0.156)
    assert _tension("Казахстан не поддержит санкции против России.") == pytest.approx(0.156)


def test_every_pairs_bloc_is_no_meeting_of_its_two_sides():
    piece = (
        "{a} took over the chairmanship of the Eurasian Economic Union on Monday. "
        "The EAEU presidency rotates every year among the members. "
        "Officials in {capital} said the priorities include customs software and transport corridors."
    )
    kz = score_article(piece.format(a="Kazakhstan", capital="Astana"), pair="kz-ru").relevance
    am = score_article(piece.format(a="Armenia", capital="Yerevan"), pair="am-ru").relevance
    uz = score_article(piece.format(a="Uzbekistan", capital="Tashkent"), pair="uz-ru").relevance
    assert kz < 0.3 and am < 0.3 and uz < 0.3  # am-ru and uz-ru counted the bloc as Russia met: 0.5 and more
    assert am == pytest.approx(kz, abs=0.05) and uz == pytest.approx(kz, abs=0.05)


def test_a_short_text_in_the_digraph_spelling_is_told_by_its_vowels_y():
    text = "Qazaqstan men Resey kelisimge qol qoydy. Toqaev pen Putin yntymaqtastyqty talqylady."
    assert kazakh_latin_scheme(text) == "digraph"
    s = score_article(text)
    assert s.language == "kk" and s.relevance > 0.7 and s.tension < -0.5  # as 2021 it read «Ресеы», 0.59


def test_the_agenda_is_not_a_call_up_notice():
    talks = (
        "Лавров и Нуртлеу обсудили в Москве повестку дня двусторонних отношений Казахстана и России. "
        "На повестке дня торговля и транзит. Стороны сверили повестку дня предстоящего саммита. "
        "Министры договорились расширить сотрудничество Казахстана и России."
    )
    assert round(score_article(talks).relevance, 3) == 0.777  # 0.623 with «повестка дня» read as the call-up
