"""The word-stem model (pipeline/scoring/stems.py): its term, where its parts go, the pairs it serves,
its file's checks, and the training that writes it (scripts/train_stems.py). Texts invented."""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.resources import PACKAGE_DATA, DataFileError
from pipeline.scoring.actors import load_pair
from pipeline.scoring.score import SCORER_VERSION, _score, leaning_words, score_article
from pipeline.scoring.stems import (
    NO_STEMS,
    STEMS_FILE,
    StemModel,
    article_stems,
    load_stems,
    parse_stems,
    read_stems,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import train_stems  # noqa: E402

GRAIN = "Russia banned imports of Kazakh grain. Kazakhstan protested."
RULES_ALONE = 0.7194  # GRAIN's tension by the rules (stance-1.18's, which the stem model leaves as it was)
TOY = StemModel(weights={"grain": 0.7, "prote": 0.7}, rule_scale=1.0, scale=1.0, pairs=("kz-ru",))


def test_the_rules_alone_are_the_old_scorer():
    assert _score(GRAIN, stems=NO_STEMS).tension == RULES_ALONE


def test_the_stem_term_is_the_weights_over_the_root_of_the_distinct_stems():
    # seven distinct stems in the two linked sentences (russi banne impor of kazak grain prote), two weighed 0.7
    assert round(math.tanh(math.atanh(RULES_ALONE) + 1.4 / math.sqrt(7)), 4) == 0.8928
    assert _score(GRAIN, stems=TOY).tension == 0.8928
    doubled = StemModel(weights=dict(TOY.weights), rule_scale=2.0, scale=1.0, pairs=("kz-ru",))
    assert _score(GRAIN, stems=doubled).tension == round(math.tanh(2 * math.atanh(RULES_ALONE) + 1.4 / math.sqrt(7)), 4)


def test_each_sentence_holds_its_own_stems_share_and_the_shares_add_up():
    score = _score(GRAIN, stems=TOY)
    shares = {e.sentence: e.weight for e in score.evidence}
    rules = {e.sentence: e.weight for e in _score(GRAIN, stems=NO_STEMS).evidence}
    assert shares == {"Russia banned imports of Kazakh grain.": 0.5757, "Kazakhstan protested.": 0.3171}
    assert rules == {"Russia banned imports of Kazakh grain.": 0.5248, "Kazakhstan protested.": 0.1947}
    assert sum(shares.values()) == pytest.approx(score.tension, abs=2e-4)


def test_a_stem_counts_once_in_the_first_linked_sentence_that_holds_it():
    text = "Russia banned imports of Kazakh grain. Kazakhstan protested against the grain ban."
    heavy = StemModel(weights={"grain": 1.0}, rule_scale=0.0, scale=1.0, pairs=("kz-ru",))
    score = _score(text, stems=heavy)
    assert [e.sentence for e in score.evidence] == ["Russia banned imports of Kazakh grain."]
    # russi banne impor of kazak grain prote again the ban: ten distinct stems, "grain" once
    assert score.tension == round(math.tanh(1.0 / math.sqrt(10)), 4)


def test_a_token_shorter_than_min_length_lends_no_stem():
    # min_length 4 drops "of": six stems (russi banne impor kazak grain prote), its weight never read
    short = StemModel(weights={"grain": 0.7, "prote": 0.7, "of": 5.0}, min_length=4, scale=1.0, pairs=("kz-ru",))
    assert _score(GRAIN, stems=short).tension == round(math.tanh(math.atanh(RULES_ALONE) + 1.4 / math.sqrt(6)), 4)
    assert _score(GRAIN, stems=short).tension == 0.9011
    every = StemModel(weights=dict(short.weights), scale=1.0, pairs=("kz-ru",))  # min_length 1: "of" counts
    assert _score(GRAIN, stems=every).tension == round(math.tanh(math.atanh(RULES_ALONE) + 6.4 / math.sqrt(7)), 4)
    # four letters is enough, three is not; training (article_stems) and scoring (stem_parts) read the same
    tokens, linked = [["war", "sanc", "grains", "ban"], ["over", "it"]], [True, False]
    assert article_stems(tokens, linked, train_stems.LETTERS, train_stems.MIN_LENGTH) == frozenset({"sanc", "grain"})
    assert {p.stem for p in short.stem_parts(tokens, linked)} == {"sanc", "grain"}


def test_the_words_of_a_text_shorter_than_full_from_count_in_proportion():
    # seven distinct stems, full from fourteen: half the words' part
    half = StemModel(weights=dict(TOY.weights), full_from=14, scale=1.0, pairs=("kz-ru",))
    assert _score(GRAIN, stems=half).tension == round(math.tanh(math.atanh(RULES_ALONE) + 0.5 * 1.4 / math.sqrt(7)), 4)
    assert _score(GRAIN, stems=half).tension == 0.8246
    full = StemModel(weights=dict(TOY.weights), full_from=7, scale=1.0, pairs=("kz-ru",))
    assert _score(GRAIN, stems=full).tension == 0.8928


def test_a_sentence_about_neither_side_lends_the_model_no_words():
    unlinked = GRAIN + " The grain harvest in Canada was protested by farmers."
    assert _score(unlinked, stems=TOY).tension == _score(GRAIN, stems=TOY).tension == 0.8928


def test_a_text_about_neither_side_stays_zero_whatever_its_words():
    loud = StemModel(weights={"weath": 5.0}, rule_scale=1.0, scale=1.0, pairs=("kz-ru",))
    assert _score("The weather was mild in Canada.", stems=loud).tension == 0.0


def test_the_model_serves_only_its_pairs():
    armenia = "Armenia froze its participation in the CSTO and accused Moscow of abandoning it."
    assert score_article(armenia, pair="am-ru").tension == _score(armenia, pair="am-ru", stems=NO_STEMS).tension
    other = StemModel(weights=dict(TOY.weights), rule_scale=1.0, scale=1.0, pairs=("am-ru",))
    assert _score(GRAIN, stems=other).tension == RULES_ALONE


def test_the_shipped_model_is_read_and_names_the_ledgers_it_learnt_from():
    model = load_stems()
    assert model.source == str(PACKAGE_DATA / "model" / STEMS_FILE)
    assert model.applies_to("kz-ru") and not model.applies_to("am-ru")
    assert model.letters == 5 and len(model.weights) > 1000 and model.rule_scale > 1 and model.scale > 0
    assert all(len(stem) <= 5 for stem in model.weights)
    assert model.trained_on and all((ROOT / "tests" / "data" / name).is_file() for name in model.trained_on)
    assert score_article(GRAIN).tension != _score(GRAIN, stems=NO_STEMS).tension
    assert SCORER_VERSION.startswith("stance-1.24+")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("letters = 5\nrule_scale = 1.0\nscale = 1.0\n", "has no [weights] table"),
        ("letters = 5\nrule_scale = 1.0\nscale = 1.0\n[weights]\nabc = 'x'\n", "the weights of abc are not finite"),
        ("letters = 5\nrule_scale = 1.0\nscale = nan\n[weights]\n", "scale must be a finite number"),
        ("letters = 0\nrule_scale = 1.0\nscale = 1.0\n[weights]\n", "letters must be a whole number"),
        ("letters = 3\nrule_scale = 1.0\nscale = 1.0\n[weights]\ngrain = 1.0\n", "than 3 letters never match: grain"),
        ("letters = 5\nrule_scale = 1.0\nscale = 1.0\npairs = 'kz-ru'\n[weights]\n", "pairs must be a list of names"),
        ("letters = 5\nrule_scale = [\n", "cannot be read"),
        ("letters = 5\nmin_length = 0\nrule_scale = 1.0\nscale = 1.0\n[weights]\n", "min_length must be a whole"),
        ("letters = 5\nfull_from = 2.5\nrule_scale = 1.0\nscale = 1.0\n[weights]\n", "full_from must be a whole"),
        (
            "letters = 5\nmin_length = 4\nrule_scale = 1.0\nscale = 1.0\n[weights]\nwar = 3.0\nsanc = 1.0\n",
            "stems shorter than min_length 4 never match: war",
        ),
    ],
)
def test_a_broken_stems_file_is_named_with_the_reason(tmp_path, text, reason):
    path = tmp_path / STEMS_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=re.escape(reason)) as err:
        read_stems(path)
    assert str(path) in str(err.value)


def test_a_broken_stems_file_in_the_users_data_directory_stops_the_pair_loading(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / STEMS_FILE).write_text("letters = 5\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"stems file .* has no \[weights\] table"):
        load_pair("kz-ru", data_dir=str(tmp_path))


def test_parse_keeps_weights_and_pairs():
    model = parse_stems(
        {"letters": 4, "rule_scale": 1.5, "scale": 0.5, "pairs": ["kz-ru"], "weights": {"sanc": 0.25}}, "x.toml"
    )
    assert (model.min_length, model.full_from) == (1, 1)  # a file written before them reads every word fully
    assert (model.letters, model.rule_scale, model.scale, model.pairs, dict(model.weights)) == (
        4,
        1.5,
        0.5,
        ("kz-ru",),
        {"sanc": 0.25},
    )


@dataclass(frozen=True)
class _Item:
    ledger: str
    label: str
    stems: frozenset[str]
    rule: float
    row: dict = field(default_factory=dict)
    relevance: float = 1.0


def _toy_items() -> list[_Item]:
    """Three ledgers; "threa" marks tension and "frien" cooperation; the rule logit is weak and sometimes wrong."""
    items = []
    for ledger in ("a", "b", "c"):
        for k in range(6):
            tense = k % 2 == 0
            stems = frozenset({"threa" if tense else "frien", "the", "pair", f"n{ledger}{k}"})
            rule = (0.05 if tense else -0.05) * (1 if k < 4 else -1)
            items.append(_Item(ledger, "tension" if tense else "cooperation", stems, rule))
    return [_Item(i.ledger, i.label, i.stems, i.rule, {"relevant": "1", "label": i.label}) for i in items]


def test_training_learns_the_words_that_tell_the_sides_apart():
    items = _toy_items()
    rule_scale, scale, weights = train_stems.fit(items, lambda i: i.rule)
    assert weights["threa"] > 0.1 and weights["frien"] < -0.1
    assert abs(weights["the"]) < 1e-9 and abs(weights["pair"]) < 1e-9  # in every item: they say nothing
    assert not any(stem.startswith(("na", "nb", "nc")) for stem in weights)  # one item each: below MIN_DOCUMENTS
    assert (round(rule_scale, 4), round(scale, 4)) == (1.1889, 1.6886)  # stacked on the gated stems (4 of 20)
    # every item now gets its sign from the words, where the rule alone had a third of them wrong
    right = sum(
        (rule_scale * i.rule + scale * train_stems.stem_logit(weights, i.stems) > 0) == (i.label == "tension")
        for i in items
    )
    assert right == len(items)
    assert train_stems.fit(items, lambda i: i.rule) == (rule_scale, scale, weights)  # deterministic


def test_neutral_reports_teach_the_words_that_lean_nowhere():
    items = _toy_items()
    alone = train_stems.fit_stems(items)["threa"]
    # four neutral reports about the pair that also say "threa": the word now leans less to tension
    neutral = [_Item("d", "neutral", frozenset({"threa", "the", "pair", f"nd{k}"}), 0.0) for k in range(4)]
    neutral = [_Item(i.ledger, i.label, i.stems, i.rule, {"relevant": "1", "label": "neutral"}) for i in neutral]
    off_topic = [_Item(i.ledger, i.label, i.stems, i.rule, {"relevant": "0", "label": "neutral"}) for i in neutral]
    assert (round(alone, 4), round(train_stems.fit_stems(items + neutral)["threa"], 4)) == (1.3846, 1.1861)
    assert train_stems.fit_stems(items + off_topic)["threa"] == alone  # a piece not about the pair teaches nothing
    assert train_stems.fit(items + neutral, lambda i: i.rule)[2] == train_stems.fit_stems(items + neutral)


def test_the_written_file_reads_back_as_the_model(tmp_path):
    path = tmp_path / STEMS_FILE
    train_stems.write_stems(path, 1.25, 0.75, {"санкц": 0.5, "partn": -0.25, "tiny": 1e-6}, ["a.csv"], 3)
    model = read_stems(path)
    assert dict(model.weights) == {"санкц": 0.5, "partn": -0.25}
    assert (model.rule_scale, model.scale, model.pairs, model.trained_on) == (1.25, 0.75, ("kz-ru",), ("a.csv",))
    assert (model.min_length, model.full_from) == (train_stems.MIN_LENGTH, train_stems.FULL_FROM) == (4, 20)


def test_an_empty_stems_file_in_the_users_data_directory_scores_by_the_rules_alone(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / STEMS_FILE).write_text(
        'letters = 5\nrule_scale = 1.7\nscale = 1.5\npairs = ["kz-ru"]\n[weights]\n', encoding="utf-8"
    )
    pair = load_pair("kz-ru", data_dir=str(tmp_path))
    assert score_article(GRAIN, pair=pair).tension == RULES_ALONE
    assert score_article(GRAIN).tension != RULES_ALONE


def test_the_leaning_words_are_each_stems_share_of_the_tension(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / STEMS_FILE).write_text(
        'letters = 5\nrule_scale = 1.0\nscale = 1.0\npairs = ["kz-ru"]\n[weights]\ngrain = 0.7\nprote = 0.7\n',
        encoding="utf-8",
    )
    pair = load_pair("kz-ru", data_dir=str(tmp_path))
    tension, words = leaning_words(GRAIN, pair=pair)
    # each 0.7 / sqrt(7) of the logit 1.4354, scaled like the whole: x tanh(1.4354) / 1.4354; first met as written
    assert (round(tension, 4), words) == (0.8928, [("grain", 0.1645), ("protested", 0.1645)])
    assert leaning_words(GRAIN, pair="am-ru")[1] == []  # a pair the model does not serve


def test_the_words_of_a_piece_hardly_about_the_pair_count_in_proportion_to_its_relevance():
    # relevance 0.0285: the words count 0.0285 / 0.3 of their weight; 2.0 / sqrt(8) x 0.0948 = 0.067
    # (tanh 0.6085 without the gate)
    loud = StemModel(weights={"was": 2.0}, rule_scale=1.0, scale=1.0, pairs=("kz-ru",))
    assert _score("The weather in Astana and Moscow was cold.", stems=loud).tension == 0.067
    assert _score(GRAIN, stems=TOY).tension == 0.8928  # relevance 0.62: above 0.3, the words count fully


def test_the_shipped_model_learnt_from_every_ledger_but_the_blind_ones_and_an_unknown_one_is_refused(capsys):
    # a ledger added without a retrain, or a blind one trained on, shows here
    ledgers = {p.name for p in (ROOT / "tests" / "data").glob("real_articles*.csv")}
    assert set(load_stems().trained_on) == ledgers - set(train_stems.BLIND)
    assert set(train_stems.BLIND) <= ledgers
    with pytest.raises(SystemExit):
        train_stems.main(["--exclude", "real_articles99.csv", "--dry-run"])
    assert "--exclude: no such ledger real_articles99.csv" in capsys.readouterr().err
