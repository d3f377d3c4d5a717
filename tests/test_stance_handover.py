"""Handing a person over (pipeline/scoring/handover.py): returning someone the other side pursues is its
security services' cooperation; expelling people a country does not want stays a conflict. Invented
sentences modelled on real reports of 2022–2026 (no article text)."""

from __future__ import annotations

import pytest

from pipeline.scoring.score import score_article

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")

HANDED_OVER = [
    "Kazakhstan deported a Russian deserter back to Russia.",
    "Kazakhstan extradited the anti-war activist to Russia.",
    "Казахстан выдворил в Россию дезертира.",
    "Казахстан выдал России активиста, бежавшего от мобилизации.",
    "Kazachstan deportował rosyjskiego dezertera do Rosji.",
    "Kazachstan wydał Rosji aktywistę.",
    "Қазақстан ресейлік дезертирді Ресейге қайтарды.",
    "Қазақстан ресейлік дезертирді Ресейге ұстап берді.",
    "Қазақстан ресейлік дезертирді депорттады.",
    "Казахстан решил выслать в Россию дезертира.",
]
REFUSED = [
    "Kazakhstan refused to extradite the deserters to Russia.",
    "Казахстан отказался выдать России дезертира.",
    "Казахстан не выдворил в Россию дезертира.",
    "Kazachstan odmówił ekstradycji rosyjskiego dezertera.",
    "Қазақстан ресейлік дезертирді Ресейге қайтармады.",
    # a Kazakh negative form after a verb-making suffix: депорт|та|ма|ды, экстрадиция|ла|ма|ды
    "Қазақстан ресейлік дезертирді депорттамады.",
    "Қазақстан ресейлік дезертирді депортацияламады.",
    "Қазақстан ресейлік дезертирді Ресейге экстрадицияламады.",
    "Казахстан не выдаст России дезертиров.",
]
EXPELLED = [
    "Russia deported hundreds of Kazakh migrants.",
    "Россия выслала казахстанских мигрантов.",
    "Kazakhstan deported smugglers to Russia, but deserters stay.",
    "Ресей қазақстандық мигранттарды депорттады.",
    # the fugitive must be the person handed over, and the words must mean a fugitive
    "Russia expelled Kazakh diplomats over a draft law.",
    "Kazakhstan granted asylum to a Russian deserter and expelled Russian diplomats.",
    "Russia expelled Kazakh journalists who had interviewed Russian deserters.",
    "Россия выслала казахстанских граждан за уклонение от уплаты налогов.",
    "Ресей қазақстандық мигранттарды белсенді түрде депорттады.",
]
ISSUED = [  # «выдал ордер», "wydała nakaz": issuing a warrant is no handover
    "Rosja wydała nakaz aresztowania kazachskiego aktywisty.",
    "Российский суд выдал ордер на арест казахстанского активиста.",
]


@pytest.mark.parametrize("text", HANDED_OVER)
def test_handing_over_the_other_sides_fugitive_is_cooperation(text):
    assert score_article(text).tension < -0.15


@pytest.mark.parametrize("text", REFUSED)
def test_refusing_to_hand_him_over_is_tension(text):
    assert score_article(text).tension > 0.3


@pytest.mark.parametrize("text", EXPELLED)
def test_expelling_people_a_country_does_not_want_stays_a_conflict(text):
    assert score_article(text).tension > 0.3


@pytest.mark.parametrize("text", ISSUED)
def test_issuing_a_warrant_is_no_handover(text):
    assert score_article(text).tension > 0.3


def test_golden_figures():
    # the act's weight (1.0) as cooperation, and its refusal as negated cooperation (0.8): tanh(0.9 x w / 2)
    assert [score_article(t).tension for t in (HANDED_OVER[0], HANDED_OVER[2], REFUSED[2], REFUSED[4])] == [
        -0.4219,
        -0.4219,
        0.3452,
        0.3452,
    ]
