"""The scorer on the hand-written development set (tests/data/devset.jsonl) and on the three holdout
sets (tests/data/holdout*.jsonl, written by authors who had not read the lexicons, each after the
scorer it first measured) must stay above floors.

The floors are below what the current scorer reaches (docs/evaluation.md), with margin, so that a
change which makes the scorer worse in one language fails here.
"""

from pathlib import Path

import pytest

from pipeline.scoring.evaluate import DEFAULT_DEVSET, evaluate, load_devset

HOLDOUTS = tuple(Path(__file__).parent / "data" / f"{name}.jsonl" for name in ("holdout", "holdout2", "holdout3"))

FLOORS = {  # language: (tension AUC, sign accuracy, Spearman, relevance AUC)
    "en": (0.90, 0.85, 0.70, 0.90),
    "ru": (0.90, 0.85, 0.70, 0.90),
    "pl": (0.90, 0.85, 0.70, 0.90),
    "kk": (0.90, 0.85, 0.70, 0.90),
    "all": (0.90, 0.85, 0.70, 0.90),
}


@pytest.fixture(scope="module")
def results():
    return evaluate(load_devset(DEFAULT_DEVSET))


def test_devset_has_at_least_forty_items_per_language():
    items = load_devset(DEFAULT_DEVSET)
    for language in ("en", "ru", "pl", "kk"):
        mine = [it for it in items if it["language"] == language]
        assert len(mine) >= 40
        assert {it["label"] for it in mine} == {"tension", "cooperation", "mixed", "off-topic"}


@pytest.mark.parametrize("language", sorted(FLOORS))
def test_scorer_reaches_floors(results, language):
    f = results[language]
    auc_floor, sign_floor, rho_floor, rel_floor = FLOORS[language]
    assert f.tension_auc >= auc_floor
    assert f.sign_accuracy >= sign_floor
    assert f.spearman >= rho_floor
    assert f.relevance_auc >= rel_floor


@pytest.fixture(scope="module", params=HOLDOUTS, ids=lambda path: path.stem)
def holdout_results(request):
    return evaluate(load_devset(request.param))


@pytest.mark.parametrize("language", sorted(FLOORS))
def test_scorer_reaches_the_hidden_set_bars_on_the_blind_holdout(holdout_results, language):
    # The bars of the hidden evaluation: AUC >= 0.85 per language, sign >= 85 %, Spearman >= 0.70,
    # relevance AUC >= 0.90 (with "all" held to AUC 0.90).
    f = holdout_results[language]
    assert f.tension_auc >= (0.90 if language == "all" else 0.85)
    assert f.sign_accuracy >= 0.85
    assert f.spearman >= 0.70
    assert f.relevance_auc >= 0.90


def test_the_evaluation_command_explains_itself_and_names_a_missing_set(tmp_path):
    import subprocess
    import sys

    helped = subprocess.run(
        [sys.executable, "-m", "pipeline.scoring.evaluate", "--help"], capture_output=True, text=True, timeout=120
    )
    assert helped.returncode == 0 and "labelled set" in helped.stdout
    missing = tmp_path / "nope.jsonl"
    refused = subprocess.run(
        [sys.executable, "-m", "pipeline.scoring.evaluate", str(missing)], capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 2 and f"{missing}: no such labelled set" in refused.stderr
