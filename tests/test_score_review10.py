"""Review leftovers: refusing to recognise a document (licences, diplomas) is paperwork, not the act of refusing the
other side's claim; the claims, the breakaway republics and the referendums keep the act. Invented sentences."""

from __future__ import annotations

import pytest

from pipeline.scoring.score import score_article

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")


def _tension(text: str) -> float:
    return round(score_article(text).tension, 3)


# Refusing a document: the recognition word keeps its own weight in the cue file (en 0.8, ru 0.6, pl 0.5, kk 0.8,
# de 0.6), not the act's 1.0; every one of these scored 0.345 as the act.
PAPERWORK = [
    pytest.param("Russia does not recognise Kazakh driving licences.", 0.28, id="licences-en"),
    pytest.param("Russia does not recognise the results of Kazakh school exams.", 0.28, id="exams-en"),
    pytest.param("Россия не признаёт казахстанские водительские удостоверения.", 0.213, id="licences-ru"),
    pytest.param("Россия не признает казахстанские дипломы о высшем образовании.", 0.191, id="diplomas-ru"),
    pytest.param("Rosja nie uznaje kazachskich praw jazdy.", 0.178, id="licences-pl"),
    pytest.param("Rosja nie uznaje kazachskich dyplomów ukończenia studiów.", 0.178, id="diplomas-pl"),
    pytest.param("Ресей қазақстандық жүргізуші куәліктерін мойындамайды.", 0.28, id="licences-kk"),
    pytest.param("Ресей қазақстандық дипломдарды мойындамайды.", 0.28, id="diplomas-kk"),
    pytest.param("Resei qazaqstandyq jürgızuşı kuälıkterın moiyndamaidy.", 0.28, id="licences-kk-latin"),
    pytest.param("Russland wird kasachische Diplome nicht anerkennen.", 0.213, id="diplomas-de"),
]


@pytest.mark.parametrize(("text", "expected"), PAPERWORK)
def test_refusing_to_recognise_a_document_is_no_act(text, expected):
    assert _tension(text) == pytest.approx(expected)


# A claim, a breakaway republic, a referendum refused: one act of weight 1.0 in every language, as before.
CLAIMS = [
    pytest.param("Kazakhstan will not recognise the breakaway republics backed by Russia.", 0.341, id="republics-en"),
    pytest.param("Kazakhstan will not recognise the referendum organised by Russia.", 0.345, id="referendum-en"),
    pytest.param("Казахстан не признает референдум, проведённый Россией.", 0.345, id="referendum-ru"),
    pytest.param("Kazachstan nie uzna referendum zorganizowanego przez Rosję.", 0.345, id="referendum-pl"),
    pytest.param("Қазақстан Ресей өткізген референдумды мойындамайды.", 0.345, id="referendum-kk"),
    pytest.param(
        "Kasachstan wird das von Russland organisierte Referendum nicht anerkennen.", 0.345, id="referendum-de"
    ),
    # the annexation is the claim turned down (0.156 until stance-1.20 read it as "no annexation")
    pytest.param("Казахстан не признает аннексию Крыма Россией.", 0.345, id="annexation-ru"),
    # a document in another clause is not what is recognised
    pytest.param("Kazakhstan will not recognise the referendum, Russian documents show.", 0.345, id="comma-en"),
    pytest.param("Казахстан не признает референдум, следует из документов МИД России.", 0.345, id="comma-ru"),
    # «дипломатиялық» (diplomatic) is no diploma: the stem диплом* leaves it out
    pytest.param("Қазақстан Донецк республикасының дипломатиялық мәртебесін мойындамайды.", 0.345, id="diplomatic-kk"),
]


@pytest.mark.parametrize(("text", "expected"), CLAIMS)
def test_refusing_to_recognise_a_claim_keeps_the_act(text, expected):
    assert _tension(text) == pytest.approx(expected)


def test_a_users_document_words_file_is_read_and_checked(tmp_path):
    from pipeline.resources import DataFileError
    from pipeline.scoring.actors import load_pair

    (tmp_path / "lexicons").mkdir()
    words = tmp_path / "lexicons" / "recognition-objects.toml"
    words.write_text('[en]\ndocuments = ["passport*"]\n', encoding="utf-8")
    text = "Kazakhstan does not recognise the passports issued by Russia."
    # the package's list leaves passports out (the political question): the act; the user's list makes them paperwork
    assert score_article(text).tension == 0.3452
    assert score_article(text, pair=load_pair("kz-ru", data_dir=str(tmp_path))).tension == 0.2803
    broken = tmp_path / "broken"
    (broken / "lexicons").mkdir(parents=True)
    (broken / "lexicons" / "recognition-objects.toml").write_text('[en]\nobject = "sideways"\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"recognition-objects\.toml: \[en\] object must be after, before or both"):
        load_pair("kz-ru", data_dir=str(broken))


@pytest.mark.parametrize(
    ("text", "golden"),
    [
        ("Kazakhstan does not recognise the annexation of Crimea.", 0.2874),
        ("Казахстан не признает аннексию Крыма.", 0.3452),
        ("Kazachstan nie uznaje aneksji Krymu.", 0.3452),
        ("Қазақстан Қырымның аннексиясын мойындамайды.", 0.3452),
    ],
)
def test_a_refused_claim_named_by_a_conflict_word_is_the_act_not_a_conflict_denied(text, golden):
    # the annexation is what is turned down; read as "no annexation" it cut the act to 0.09 (en), 0.16 (ru, kk)
    assert score_article(text).tension == golden


def test_a_conflict_denied_outside_a_recognition_stays_reassurance():
    assert score_article("There was no annexation, Kazakhstan and Russia said.").tension < 0
