"""The stance model: its weights file is read and checked, its features and scores are golden, and the
evidence shares add up to the tension under any weighing (docs/scorer.md, "The stance model")."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import score_article
from pipeline.resources import PACKAGE_DATA, DataFileError
from pipeline.scoring.actors import check_pair, load_pair
from pipeline.scoring.features import FEATURES
from pipeline.scoring.model import MODEL_FILE, Model, load_model, read_model, rule_model
from pipeline.scoring.score import _score, analyse

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")

# Invented sentences, modelled on the framing of real reports (no article text).
TEXTS = {
    "refusal": (
        "Kazakhstan refused to recognise the breakaway regions, and Moscow summoned the Kazakh ambassador. "
        "The two countries remain strategic partners.",
        "Astana and Moscow at odds",
    ),
    "deal": (
        "Kazakhstan and Russia signed an agreement on joint gas projects. Tokayev thanked Putin for the support.",
        "",
    ),
    "grievance": (
        "So much for the strategic partnership: Russia banned Kazakh wheat imports. "
        "Astana did not support the Russian proposal.",
        "",
    ),
    # a dissenting headline (counted twice) and a "Yet" that makes the sentence before it a backdrop (half)
    "two tracks": (
        "Kazakhstan and Russia signed an agreement on cooperation. Yet Astana refused to join the customs union "
        "with Moscow.",
        "Disagreements between Astana and Moscow",
    ),
}
# A weighing unlike the rule's: a lean per cued sentence, the grievance and the tie weighed apart.
CUSTOM = {
    "tension_stance": 0.8,
    "cooperation_stance": 1.1,
    "cued": 0.2,
    "grievance": 0.5,
    "tie": -0.3,
    "tone": -0.3,
    "title_stance": 0.4,
}


def custom_model() -> Model:
    return Model(tuple(CUSTOM.get(name, 0.0) for name in FEATURES))


def test_the_shipped_model_is_read_from_its_file_and_is_the_rules_weighing():
    model = load_model()
    assert Path(model.source) == PACKAGE_DATA / "model" / MODEL_FILE
    # No learnt weighing beat the rules out of sample (docs/evaluation.md): the file holds the rule's.
    assert model.weights == rule_model().weights
    assert dict(zip(FEATURES, model.weights, strict=True))["tension_stance"] == 0.9


@pytest.mark.parametrize(
    ("name", "features", "tension", "custom"),
    [
        (
            "refusal",
            # stance-1.15: the last sentence only names the tie in a conflict story, its backdrop (row x 0.5);
            # stance-1.14: cooperation_stance and tie -0.1778, tone -0.0368, cued 0.7778; 0.7179, 0.8203
            # stance-1.18: negated_cooperation 0.1422 -> 0.1778 (refusing to recognise counts 1.0 x 0.8)
            {"tension_stance": 1.1667, "cooperation_stance": -0.0889, "title_stance": 0.5, "tone": -0.0769,
             "cued": 0.6667, "conflict": 1.1667, "tie": -0.0889, "negated_cooperation": 0.1778},
            0.7606,
            0.8392,
        ),
        (
            "deal",
            {"cooperation_stance": -1.7333, "tone": 0.3103, "cued": 0.6667, "cooperation": -1.8667},
            -0.9318,
            -0.9533,
        ),
        (
            "grievance",
            {"tension_stance": 1.2667, "tone": -0.103, "cued": 0.6667, "conflict": 0.3333, "cooperation": -0.0667,
             "negated_cooperation": 0.2667, "grievance": 0.4, "act": 0.3333},
            0.8265,
            0.8804,
        ),
        (
            "two tracks",
            {"tension_stance": 1.0108, "cooperation_stance": -0.2308, "title_stance": 0.5538, "tone": -0.1528,
             "cued": 0.7692, "conflict": 0.9, "cooperation": -0.2692, "negated_cooperation": 0.1108},
            0.6393,
            0.7513,
        ),
    ],
)  # fmt: skip
def test_features_and_scores_of_fixed_texts(name, features, tension, custom):
    text, title = TEXTS[name]
    vector = analyse(text, title).vector
    assert {n: round(v, 4) for n, v in zip(FEATURES, vector, strict=True) if v} == features
    assert score_article(text, title).tension == tension
    assert _score(text, title, model=custom_model()).tension == custom


def test_turns_scale_the_rows():
    assert analyse(*TEXTS["two tracks"]).factors == (2.0, 0.5, 1.0)  # headline, backdrop, the point


def test_the_explanation_is_each_features_part():
    text, title = TEXTS["deal"]
    parts = load_model().contributions(analyse(text, title).vector)
    assert {n: round(v, 4) for n, v in parts.items()} == {"cooperation_stance": -1.56, "tone": -0.1117}


@pytest.mark.parametrize("name", sorted(TEXTS))
@pytest.mark.parametrize("model", [rule_model(), custom_model()], ids=["rule", "custom"])
def test_evidence_shares_add_up_to_the_tension_under_any_weighing(name, model):
    text, title = TEXTS[name]
    s = _score(text, title, model=model)
    assert s.evidence
    assert sum(e.weight for e in s.evidence) == pytest.approx(s.tension, abs=2e-4)


def weights(**changed: str) -> str:
    """A [weights] table with every feature 0.0, except the ones given (as TOML values)."""
    names = [*FEATURES, *(n for n in changed if n not in FEATURES)]
    return "[weights]\n" + "".join(f"{n} = {changed.get(n, '0.0')}\n" for n in names)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("trained_on = []\n", "has no [weights] table"),
        ("[weights]\ntension_stance = 0.9\n", "missing cooperation_stance"),
        (weights(sarcasm="1.0"), "unknown sarcasm"),
        (weights(tone="nan"), "tone are not finite"),
        (weights(act='"x"'), "act are not finite"),
        (weights(act="true"), "act are not finite"),
        ("[weights\n", "cannot be read"),
        ("trained_on = 3\n" + weights(), "trained_on must be a list"),
    ],
)
def test_a_broken_model_file_is_refused_naming_it(tmp_path, content, reason):
    path = tmp_path / MODEL_FILE
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_model(path)
    assert str(path) in str(err.value) and reason in str(err.value)


def test_the_scorer_refuses_a_broken_model_rather_than_scoring_neutral(tmp_path):
    (tmp_path / "model").mkdir()
    broken = tmp_path / "model" / MODEL_FILE
    shutil.copy(PACKAGE_DATA / "model" / MODEL_FILE, broken)
    broken.write_text(broken.read_text(encoding="utf-8").replace("tone = ", "tone = oops"), encoding="utf-8")
    with pytest.raises(DataFileError, match=f"model file {broken}"):
        score_article("Kazakhstan and Russia signed an agreement.", pair=replace(load_pair(), data_dir=str(tmp_path)))
    with pytest.raises(DataFileError, match=f"model file {broken}"):
        load_pair("kz-ru", str(tmp_path))  # the pair is checked with the model it will be scored with
    assert f"model file {broken}" in (check_pair(None, str(tmp_path)) or "")


def test_a_users_model_file_comes_before_the_packages(tmp_path):
    (tmp_path / "model").mkdir()
    text = "".join(f"{n} = {0.5 if n == 'tension_stance' else 0.0}\n" for n in FEATURES)
    (tmp_path / "model" / MODEL_FILE).write_text("[weights]\n" + text, encoding="utf-8")
    model = load_model(str(tmp_path))
    assert model.source == str(tmp_path / "model" / MODEL_FILE)
    assert dict(zip(FEATURES, model.weights, strict=True))["tension_stance"] == 0.5
