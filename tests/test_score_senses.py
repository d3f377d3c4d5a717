"""stance-1.17, read from the nine real-article ledgers: a signature on one's own law or decree is no
agreement, a negative determiner («никакой», "no") negates the noun it governs, and a third country
right after a cooperation word is its object ("supports Ukraine").

Every sentence here is invented for the test; none is taken from an article."""

from __future__ import annotations

import pytest

from pipeline.scoring.score import score_article

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")

# --- signing one's own law or decree is a domestic act, not an agreement with anyone -----------------


@pytest.mark.parametrize(
    ("own_act", "agreement", "language"),
    [
        (
            "Russia's president signed a decree on new checks of Kazakh cargo.",
            "Russia and Kazakhstan signed an agreement on cargo.",
            "en",
        ),
        (
            "Russia's president signed a law on new checks of Kazakh cargo.",
            "Russia and Kazakhstan signed an agreement on cargo.",
            "en",
        ),
        (
            "Президент России подписал указ о новых проверках казахстанских грузов.",
            "Россия и Казахстан подписали соглашение о грузах.",
            "ru",
        ),
        (
            "Президент России подписал закон о новых проверках казахстанских грузов.",
            "Россия и Казахстан подписали соглашение о грузах.",
            "ru",
        ),
        (
            "Prezydent Rosji podpisał ustawę o nowych kontrolach kazachskich ładunków.",
            "Rosja i Kazachstan podpisały umowę o ładunkach.",
            "pl",
        ),
        (
            "Ресей президенті қазақстандық жүктерді тексеру туралы заңға қол қойды.",
            "Ресей мен Қазақстан жүк туралы келісімге қол қойды.",
            "kk",
        ),
        (
            "Der russische Präsident unterzeichnete das Gesetz über neue Kontrollen kasachischer Fracht.",
            "Russland und Kasachstan unterzeichneten ein Abkommen über Fracht.",
            "de",
        ),
    ],
)
def test_a_signature_on_a_law_or_decree_is_no_agreement(own_act, agreement, language):
    # Before stance-1.17 the verb alone made the decree a cooperation cue (about -0.5 to -0.7).
    assert score_article(own_act, language=language).tension == 0.0
    assert score_article(agreement, language=language).tension < -0.7  # the agreement keeps its signature


def test_a_domestic_signature_no_longer_outweighs_the_measure_it_brings():
    # The decree brings a halt of the other side's cargo: only the halt is left to count.
    s = score_article(
        "Президент России подписал указ о новых правилах для судов. Отгрузка казахстанской нефти приостановлена.",
        language="ru",
    )
    assert s.tension == pytest.approx(0.5685, abs=1e-4)


# --- a negative determiner negates the noun it governs: «никакой благодарности» ----------------------


@pytest.mark.parametrize(
    ("negated", "plain", "tension"),
    [
        ("Никакой благодарности России от Казахстана.", "Благодарность России от Казахстана.", 0.4592),
        ("Никакой поддержки Москве Астана не оказала.", "Астана оказала поддержку Москве.", 0.3881),
        ("Никакой дискриминации русских в Казахстане нет.", "Дискриминация русских в Казахстане.", -0.0729),
    ],
)
def test_a_negative_determiner_negates_the_noun_it_governs(negated, plain, tension):
    told, denied = score_article(plain, language="ru"), score_article(negated, language="ru")
    assert told.tension * denied.tension < 0  # "no gratitude" is a grievance, "no discrimination" a reassurance
    assert denied.tension == pytest.approx(tension, abs=1e-4)


# --- "quite" is no "quit": the leaving verb is matched by its own forms, not as a prefix --------------


def test_quite_is_not_read_as_quitting():
    # Before stance-1.17 "quit*" matched "quite", which then negated the cooperation after it (+0.55).
    assert score_article("Kazakhstan is quite committed to its cooperation with Russia.", language="en").tension == (
        pytest.approx(-0.7648, abs=1e-4)
    )
    assert score_article("Kazakhstan will quit its cooperation with Russia.", language="en").tension == (
        pytest.approx(0.4422, abs=1e-4)
    )


# --- a cooperation word whose direct object is a third country is that country's cooperation -----------


@pytest.mark.parametrize(
    ("third", "pair", "language", "tension"),
    [
        ("Kazakhstan supports Ukraine, and Russia is displeased.", "Kazakhstan supports Russia.", "en", 0.5069),
        (
            "Казахстан поддерживает Украину, но не разрывает связи с Россией.",
            "Казахстан поддерживает Россию.",
            "ru",
            -0.2613,
        ),
        ("Kazachstan wspiera Ukrainę, a Rosja jest niezadowolona.", "Kazachstan wspiera Rosję.", "pl", 0.4422),
    ],
)
def test_support_for_a_third_country_is_not_cooperation_with_the_other_side(third, pair, language, tension):
    # Before stance-1.17 "supports Ukraine" counted as the pair's cooperation (+0.11, -0.62, +0.03).
    assert score_article(third, language=language).tension == pytest.approx(tension, abs=1e-4)
    assert score_article(pair, language=language).tension == pytest.approx(-0.4738, abs=1e-4)  # the pair's own
