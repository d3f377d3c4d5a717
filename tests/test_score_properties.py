"""Property tests: any string scores without raising, inside the bounds, the same every time."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.models import Score
from pipeline.scoring.score import MAX_EVIDENCE, _score, score_article

# Mixed scripts, emoji, right-to-left text, control characters and the words the scorer looks for.
WORDS = st.sampled_from(
    [
        "Kazakhstan",
        "Russia",
        "Putin",
        "Tokayev",
        "signed",
        "not",
        "sanctions",
        "Казахстан",
        "России",
        "не",
        "поддержал",
        "Қазақстан",
        "Ресеймен",
        "қолдамады",
        "емес",
        "Rosją",
        "nie",
        "poparła",
        "مرحبا",
        "שלום",
        "🇰🇿",
        "🇷🇺",
        "\u202e",
        "\x00",
        "\x1b",
        "\u200d",
        ".",
        "!",
        "?",
        "«",
        "»",
        "\n",
        "—",
        "Mr.",
        "г.",
        "m.in.",
        "\ud800",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(WORDS, max_size=60).map(" ".join),
    st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map("".join),
)
LANGUAGES = st.one_of(st.none(), st.sampled_from(["", "en", "ru", "pl", "kk", "de", "uk", "xx", "EN-us"]))


def assert_valid(s: Score) -> None:
    assert isinstance(s, Score)
    for value in (s.tension, s.sentiment, s.relevance, s.goldstein):
        assert math.isfinite(value)
    assert -1.0 <= s.tension <= 1.0
    assert -1.0 <= s.sentiment <= 1.0
    assert 0.0 <= s.relevance <= 1.0
    assert -10.0 <= s.goldstein <= 10.0
    assert isinstance(s.language, str)
    assert len(s.evidence) <= MAX_EVIDENCE
    for e in s.evidence:
        assert isinstance(e.sentence, str) and math.isfinite(e.weight)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, title=TEXTS, language=LANGUAGES)
def test_any_string_scores_within_bounds_without_raising(text, title, language):
    # The unguarded scorer: a bug must show up here, not be hidden by score_article's safety net.
    first = _score(text, title, language)
    assert_valid(first)
    assert _score(text, title, language) == first


def test_empty_input_is_neutral():
    s = _score("", "")
    assert (s.tension, s.relevance, s.evidence) == (0.0, 0.0, [])


def test_one_megabyte_text_scores_in_bounds():
    text = ("Kazakhstan and Russia signed a deal. 🇰🇿 Ресей санкциялары. \u202eשלום\x00 " * 20_000)[:1_000_000]
    assert len(text) == 1_000_000
    assert_valid(score_article(text))


def test_same_result_across_calls_and_languages():
    text = "Tokayev told Putin that Kazakhstan would not recognise the republics."
    assert score_article(text) == score_article(text)
    assert score_article(text, language="en") == score_article(text, language="en")


def test_same_result_in_processes_with_different_hash_seeds():
    import os
    import subprocess
    import sys

    code = (
        "from pipeline.scoring.score import score_article as s;"
        "print(repr([s(t) for t in ('Қазақстан Ресейдің ұсынысын қолдамады, келіспеушілік ушықты.',"
        "'Казахстан и Россия подписали соглашение, несмотря на санкции.',"
        "'Kazachstan odcina się od Rosji.', 'Tokayev told Putin no.')]))"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_the_names_score_py_had_before_its_split_are_still_importable_from_it():
    # prepare.py and combine.py were split off score.py: callers and tests import these from score.
    import pipeline.scoring.score as score_module

    before_split = {
        "CONFLICT_TOLD", "MAX_CHARS", "MAX_EVIDENCE", "MIN_EVIDENCE", "SCORER_BASE", "SCORER_VERSION",
        "TITLE_DISSENT", "TITLE_WEIGHT", "TONE_WEIGHT", "UNCUED_WEIGHT", "Analysis", "analyse", "score_article",
        "_score", "_clean", "_language", "_given_language", "_clause_starts", "_scare_quoted", "_asks", "_partners",
    }  # fmt: skip
    missing = sorted(name for name in before_split if not hasattr(score_module, name))
    assert not missing, f"pipeline.scoring.score no longer exports {missing}"
    assert set(score_module.__all__) == {name for name in before_split if not name.startswith("_")}
