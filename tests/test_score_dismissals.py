"""A conflict called fake or baseless is denied (stance-1.16): in its own clause ("dismissed the rumours of a
trade war as baseless") and, in a piece that dismisses something in a sentence of its own, in the sentences
that report a claim ("allegedly", «якобы», "rzekomo", «деген ақпарат»)."""

from __future__ import annotations

import pytest

from pipeline.scoring.score import score_article

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")

# Invented sentences: a reported claim of a blow, and the other side's answer that it is untrue.
CLAIMS = {
    "en": (
        "Kazakhstan allegedly halted the transit of Russian coal in retaliation for Russia's restrictions on "
        "Kazakh oil.",
        "Kazakhstan's transport ministry said the reports were fake.",
    ),
    "ru": (
        "Ранее появились сообщения о том, что Казахстан якобы приостановил транзит российского угля в ответ на "
        "ограничения России.",
        "Министерство транспорта Казахстана заявило, что эти сообщения являются фейком.",
    ),
    "pl": (
        "Kazachstan rzekomo wstrzymał tranzyt rosyjskiego węgla w odpowiedzi na ograniczenia Rosji.",
        "Ministerstwo transportu Kazachstanu nazwało te doniesienia fałszywymi.",
    ),
    "kk": (
        "Қазақстан Ресей көмірінің транзитін тоқтатты деген ақпарат тарады, Ресей мұнай транзитін шектеді.",
        "Қазақстан көлік министрлігі бұл ақпаратты жалған деп мәлімдеді.",
    ),
}


@pytest.mark.parametrize("language", sorted(CLAIMS))
def test_a_claim_the_piece_calls_fake_is_no_tension(language):
    claim, dismissal = CLAIMS[language]
    assert score_article(claim, language=language).tension > 0.5  # the claim alone reads as a blow
    for text in (f"{claim} {dismissal}", f"{dismissal} {claim}"):  # the denial may come first
        assert -0.25 < score_article(text, language=language).tension < 0, f"{language}: {text!r}"


@pytest.mark.parametrize(
    ("language", "answer"),
    [
        ("en", "Kazakhstan's ministry called the reports fake, but few believed it."),
        ("ru", "Министерство назвало это фейком, но история уже сложилась."),
        ("en", "The ministry said the reports were fake and that Russia had restricted Kazakh oil."),
    ],
)
def test_a_dismissal_with_a_but_or_a_conflict_of_its_own_leaves_the_claim_tense(language, answer):
    claim, _ = CLAIMS[language]
    assert score_article(f"{claim} {answer}", language=language).tension > 0.5


def test_a_dismissal_denies_the_conflict_in_its_own_clause():
    assert score_article("Russia and Kazakhstan are in a trade war.").tension > 0.2
    dismissed = "Russia and Kazakhstan dismissed the rumours of a trade war between them as baseless."
    assert -0.25 < score_article(dismissed).tension < 0


def test_a_claim_without_a_dismissal_in_the_piece_stays_tense():
    claim, _ = CLAIMS["en"]
    other = "Kazakhstan's transport ministry said exports of grain grew."
    assert score_article(f"{claim} {other}").tension > 0.4


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Россия отменила временные ограничения на ввоз казахстанского мяса.", "ru"),
        ("Russia cancelled the temporary restrictions on imports of Kazakh meat.", "en"),
    ],
)
def test_the_verb_that_lifts_a_ban_is_no_conflict_itself(text, language):
    # «отменить» / "cancel" are conflict words of their own ("cancelled the visit"); lifting a ban they are not
    assert -0.35 < score_article(text, language=language).tension < -0.1


def test_a_halt_whose_object_is_not_a_ban_stays_tense():
    text = "Kazakhstan halted the transit of Russian coal in retaliation for Russian restrictions."
    assert score_article(text).tension > 0.5
