"""stance-1.15: framing found on a ninth, blind ledger of real articles (tests/data/real_articles9.csv).

Every sentence here is invented for the test; none is taken from an article."""

from __future__ import annotations

import pytest

from pipeline.scoring.score import score_article

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")

# --- a tie asked about is in doubt: "Ally or rival?", «союзник ли?» --------------------------------


@pytest.mark.parametrize(
    ("question", "statement"),
    [
        ("Is Russia still Kazakhstan's ally?", "Russia is still Kazakhstan's ally."),
        ("Является ли Россия по-прежнему союзником Казахстана?", "Россия по-прежнему союзник Казахстана."),
        ("Czy Rosja jest wciąż sojusznikiem Kazachstanu?", "Rosja jest wciąż sojusznikiem Kazachstanu."),
        ("Ресей әлі де Қазақстанның одақтасы ма?", "Ресей әлі де Қазақстанның одақтасы."),
    ],
)
def test_a_tie_asked_about_reads_as_doubt_not_as_the_tie(question, statement):
    asked, told = score_article(question), score_article(statement)
    assert told.tension < -0.2  # the tie stated is cooperation
    assert asked.tension > 0.2  # the same tie in a question is doubted: a grievance, as "former ally" is


def test_a_question_mark_after_a_closing_quote_still_makes_a_question():
    s = score_article("Депутаты спрашивают: «Россия по-прежнему союзник Казахстана?»")
    assert s.tension > 0.2


def test_a_question_about_a_step_keeps_the_step():
    # Only the tie's own words (ally, partner, friend) are doubted; a deal asked about is still a deal.
    s = score_article("Will Kazakhstan and Russia sign the gas agreement?")
    assert s.tension < -0.5


def test_a_tie_doubted_in_a_headline_outweighs_the_formula_of_the_body():
    # The headline asks; the body restates the tie's formula and tells of a quarrel.
    s = score_article(
        "Россия и Казахстан остаются стратегическими партнерами. Москва и Астана спорят о транзите угля.",
        title="Россия и Казахстан: союзники или попутчики?",
    )
    assert s.tension > 0


# --- a piece that reports a conflict: its sentences that only name the tie are the backdrop ------------

_TIE_THEN_CONFLICT = {
    "en": (
        "Russia remains Kazakhstan's closest ally and strategic partner. Kazakhstan and Russia are friends and "
        "neighbours. Moscow sharply condemned Astana's refusal to recognise the referendums."
    ),
    "ru": (
        "Россия остаётся главным союзником и стратегическим партнёром Казахстана. Россия и Казахстан – друзья и "
        "соседи. Москва резко осудила отказ Астаны признать референдумы."
    ),
    "pl": (
        "Rosja pozostaje najbliższym sojusznikiem i strategicznym partnerem Kazachstanu. Rosja i Kazachstan to "
        "przyjaciele i sąsiedzi. Moskwa ostro potępiła odmowę Astany uznania referendów."
    ),
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", 0.1279), ("ru", 0.4647), ("pl", 0.4691)],  # stance-1.14: -0.1464, 0.2648, 0.2752
)
def test_the_tie_named_in_a_conflict_story_is_its_backdrop(language, expected):
    s = score_article(_TIE_THEN_CONFLICT[language])
    assert s.tension == pytest.approx(expected, abs=1e-4)


def test_without_a_conflict_the_tie_counts_in_full():
    s = score_article(
        "Russia remains Kazakhstan's closest ally and strategic partner. Kazakhstan and Russia are friends and "
        "neighbours."
    )
    assert s.tension == pytest.approx(-0.5921, abs=1e-4)


def test_a_tie_with_a_step_taken_keeps_its_weight_beside_a_conflict():
    # "signed an agreement" is a step, not the tie's name: the sentence is not backdrop.
    s = score_article(
        "Russia and Kazakhstan signed a gas agreement as strategic partners. Moscow sharply condemned Astana's "
        "refusal to recognise the referendums."
    )
    assert s.tension == pytest.approx(-0.4229, abs=1e-4)
