"""The scorer's shortcut for texts that name neither side: the same Score as the full passes.

Every sentence here is invented for the test; the labelled sets in tests/data are the project's own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pipeline.scoring.score as score_module
from pipeline.scoring.actors import load_pair
from pipeline.scoring.score import _score
from pipeline.scoring.side_names import may_name_a_side

DATA = Path(__file__).parent / "data"
UNRELATED = [
    ("Der Stadtrat hat nur am Montag über den neuen Radweg beraten.", "Radweg beschlossen"),
    ("The council voted on Monday to extend the tram line to the airport by 2027.", "Tram line"),
    ("La selección ganó el partido por dos goles y el entrenador elogió a la defensa.", ""),
    ("Beijing and Washington resumed talks on tariffs, officials in Brussels said.", "Trade talks"),
    ("", ""),
]


def _full_score(monkeypatch: pytest.MonkeyPatch, text: str, title: str) -> object:
    """The score with the shortcut switched off: every text goes through the per-sentence passes."""
    with monkeypatch.context() as patched:
        patched.setattr(score_module, "may_name_a_side", lambda *args: True)
        return _score(text, title)


def _labelled_texts() -> list[tuple[str, str]]:
    texts = []
    for name in ("devset.jsonl", "holdout.jsonl", "holdout2.jsonl", "holdout3.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts.append((row.get("text", ""), row.get("title", "")))
    return texts


# Texts naming a side in only one way each (a claim read as the side, a two-word name, a prefix).
ONE_NAME = [
    ("The annexation of Crimea will not be recognised, the ministry in the capital said.", ""),
    ("Die Delegation reiste am Montag nach Nur-Sultan und unterzeichnete ein Abkommen.", "Abkommen"),
    ("Moscow hosted the summit.", ""),
]


def test_shortcut_gives_the_full_passes_score_on_every_labelled_and_unrelated_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers: list[bool] = []

    def recorded(*args: object) -> bool:
        answers.append(may_name_a_side(*args))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(score_module, "may_name_a_side", recorded)
    settled = []
    for text, title in _labelled_texts() + UNRELATED + ONE_NAME:
        answers.clear()
        fast = _score(text, title)
        if answers == [False] or (text, title) in ONE_NAME:  # elsewhere both paths are the same code
            settled += [text] if answers == [False] else []
            assert fast == _full_score(monkeypatch, text, title), f"scores differ on {title or text[:60]!r}"
    assert settled == [text for text, _ in UNRELATED]  # not vacuous: it answers for these, and only these


def test_unrelated_text_is_settled_without_the_passes_and_scores_zero() -> None:
    text, title = UNRELATED[1]
    assert not may_name_a_side(f"{title}\n{text}", "en", load_pair(None))
    score = _score(text, title)
    zero = (0.0, 0.0, 0.0, [], 0.0)
    assert (score.tension, score.sentiment, score.relevance, score.evidence, score.goldstein) == zero
    assert (score.language, score.certain) == ("en", True)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Die Delegation reiste nur kurz nach Nur-Sultan.", True),  # a pattern of two words: "nur sultan*"
        ("Die Delegation reiste nur kurz nach Berlin.", False),  # "nur" alone opens no side's name
        ("Officials in Astana said the talks went well.", True),  # a whole word
        ("Russia's envoy arrived on Monday.", True),  # a prefix: "russia*"
        ("The referendum in Scotland was held in 2014.", True),  # a claim of the other side ("referend*")
        ("The Chinese envoy arrived on Monday.", False),  # a third party alone names no side
    ],
)
def test_a_side_is_found_from_every_word_of_one_of_its_patterns(text: str, names: bool) -> None:
    assert may_name_a_side(text, "de" if "Delegation" in text else "en", load_pair(None)) is names


def test_a_word_cut_by_the_sentence_splitter_is_left_to_the_full_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    # A run of 2,000 characters without a space is cut at 2,000: the piece after the cut starts with a
    # name the whole text never shows as a word of its own.
    text = "x" * 2000 + "Kazakhstan expelled the diplomats and imposed sanctions."
    assert may_name_a_side(text, "en", load_pair(None))
    fast = _score(text)
    assert fast == _full_score(monkeypatch, text, "")
    assert fast.relevance > 0
