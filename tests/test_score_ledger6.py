"""stance-1.13: failure classes found on a sixth ledger of real articles.

Every sentence here is invented for the test."""

from __future__ import annotations

import pytest

from pipeline.scoring.score import score_article

# --- cue files for Italian, Romanian, Tajik, Armenian: their pieces get a sign, marked uncertain ------


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        (
            "Il Kazakistan ha convocato l'ambasciatore russo dopo le rivendicazioni territoriali di un deputato "
            "di Mosca. Astana parla di ingerenza inaccettabile.",
            "it",
            +1,
        ),
        (
            "Il Kazakistan e la Russia hanno firmato un trattato di amicizia. "
            "Tokayev ha ringraziato Mosca per il sostegno reciproco.",
            "it",
            -1,
        ),
        (
            "Astana se îndepărtează de Moscova: tensiunile dintre Kazahstan și Rusia cresc, iar Rusia "
            "amenință cu sancțiuni.",
            "ro",
            +1,
        ),
        (
            "Kazahstanul și Rusia au semnat un acord de colaborare. Președinții au mulțumit pentru sprijinul "
            "reciproc dintre cele două țări.",
            "ro",
            -1,
        ),
        (
            "Вазорати умури хориҷии Қазоқистон ба суханони вакили Русия эътироз кард. "
            "Дар суханони ӯ иддаои ҳудудӣ нисбат ба Қазоқистон ҳаст.",
            "tg",
            +1,
        ),
        (
            "Ղազախստանը և Ռուսաստանը ստորագրել են ռազմավարական գործընկերության հռչակագիր։ "
            "Տոկաևը և Պուտինը խոսել են համագործակցության մասին։",
            "hy",
            -1,
        ),
    ],
)
def test_cue_files_give_more_languages_a_sign(text, language, sign):
    s = score_article(text)
    assert s.language == language
    assert s.certain is False
    assert s.relevance > 0.3
    assert s.tension * sign > 0.1


def test_a_tajik_piece_is_not_read_as_uzbek():
    s = score_article("Сафири Русия дар Остона гуфт, ки муносибатҳои Қазоқистону Русия хубанд ва ҳамкорӣ идома дорад.")
    assert s.language == "tg"


def test_another_languages_negators_do_not_negate_bulgarian():
    # A cue file's negators join the union read for a language without a file: Tajik "на" or "бе"
    # would be Bulgarian "of" and "was", turning its cooperation into tension.
    s = score_article(
        "Проектът на Росатом в Казахстан ще бъде приоритет, заяви ръководителят на руската корпорация. "
        "Министрите на Казахстан и Русия подписаха споразумение за сътрудничество."
    )
    assert s.language == "bg"
    assert s.tension < -0.1


# --- the other side's remarks regretted or rebuked: tension ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Заместитель министра заявил, что в дружественной России, к сожалению, снова звучат такого рода "
        "высказывания о Казахстане.",
        "The deputy minister said that in friendly Russia such remarks about Kazakhstan appear from time to time.",
        "Wiceminister powiedział, że w zaprzyjaźnionej Rosji pojawiają się takie wypowiedzi o Kazachstanie.",
        "Kazakistan Dışişleri Bakanlığı, Rusya büyükelçisi ile stratejik ortaklık ruhuna uymayan açıklamalar "
        "nedeniyle oldukça sert bir görüşme yaptı.",
    ],
)
def test_the_other_sides_remarks_regretted_are_tension(text):
    s = score_article(text)
    assert s.tension > 0.05
