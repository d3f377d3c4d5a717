"""stance-1.14: failure classes found on an eighth ledger of real articles.

Every sentence here is invented for the test."""

from __future__ import annotations

import pytest

from pipeline.scoring.score import score_article
from pipeline.scoring.sentences import split_sentences

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")

# --- the pair in the Arabic script (Arabic, Persian, Urdu) and in Georgian: names and short cue files --


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        (
            "وقعت كازاخستان وروسيا اتفاقية جديدة للتعاون في مجال الطاقة. وأشاد توكاييف وبوتين بالشراكة بين البلدين.",
            "ar",
            -1,
        ),
        (
            "تصاعد التوتر بين أستانا وموسكو بعد تصريحات نائب روسي. وقدمت كازاخستان احتجاجا رسميا إلى السفير الروسي.",
            "ar",
            +1,
        ),
        (
            "رئیس جمهور قزاقستان در سفر به مسکو با پوتین دیدار کرد. دو کشور توافقنامه همکاری اقتصادی امضا کردند.",
            "fa",
            -1,
        ),
        (
            "قزاقستان نسبت به دخالت روسیه در امور داخلی خود اعتراض کرد. مقامات آستانه از فشار مسکو نگران هستند.",
            "fa",
            +1,
        ),
        (
            "قازقستان اور روس کے درمیان تعاون کا نیا معاہدہ طے پایا۔ "
            "صدر توکایف نے کہا کہ دونوں ملکوں کے تعلقات مضبوط ہو رہے ہیں۔",
            "ur",
            -1,
        ),
        (
            "ყაზახეთმა და რუსეთმა თანამშრომლობის ახალ შეთანხმებას მოაწერეს ხელი. "
            "ტოკაევმა და პუტინმა სტრატეგიული პარტნიორობა განიხილეს.",
            "ka",
            -1,
        ),
        (
            "ყაზახეთსა და რუსეთს შორის დაძაბულობა იზრდება. მოსკოვი ასტანას სანქციებით ემუქრება.",
            "ka",
            +1,
        ),
    ],
)
def test_the_pair_in_arabic_persian_urdu_and_georgian_gets_a_sign(text, language, sign):
    s = score_article(text)
    assert s.language == language
    assert s.certain is False
    assert s.relevance > 0.4
    assert s.tension * sign > 0.1


@pytest.mark.parametrize(
    "text",
    [
        "فاز المنتخب الكازاخستاني على نظيره الروسي في مباراة الهوكي. وانتهت المباراة بنتيجة ثلاثة أهداف لهدف.",
        "وقعت كازاخستان والصين اتفاقية للتعاون التجاري. وزار الرئيس الصيني أستانا هذا الأسبوع.",
    ],
)
def test_arabic_sport_and_another_pair_stay_off_the_pair(text):
    assert score_article(text).relevance < 0.3


def test_arabic_script_sentences_end_at_a_full_stop_and_the_arabic_question_mark():
    # The script has no capitals, so a full stop before any of its letters ends a sentence, as in Georgian.
    text = "وصل الوفد إلى أستانا. وبدأت المحادثات؟ ثم عقد مؤتمر صحفي۔ انتهى"
    assert split_sentences(text) == ["وصل الوفد إلى أستانا.", "وبدأت المحادثات؟", "ثم عقد مؤتمر صحفي۔", "انتهى"]


# --- Hungarian, Czech and Estonian: the pair was named, but no cue word of theirs was known ----------


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        (
            "Kazahsztán és Oroszország új együttműködési megállapodást írt alá. "
            "Tokajev és Putyin a stratégiai partnerség erősítéséről beszélt.",
            "hu",
            -1,
        ),
        (
            "Nő a feszültség Kazahsztán és Oroszország között. Moszkva szankciókkal fenyegeti Asztanát.",
            "hu",
            +1,
        ),
        (
            "Kazachstán a Rusko podepsaly novou dohodu o spolupráci. Tokajev a Putin jednali o posílení partnerství.",
            "cs",
            -1,
        ),
        (
            "Mezi Kazachstánem a Ruskem vznikl vážný spor. Moskva pohrozila Astaně sankcemi.",
            "cs",
            +1,
        ),
        (
            "Kasahstan ja Venemaa allkirjastasid uue koostöölepingu. Tokajev tänas Putinit toetuse eest.",
            "et",
            -1,
        ),
    ],
)
def test_hungarian_czech_and_estonian_pieces_get_a_sign(text, language, sign):
    s = score_article(text)
    assert s.language == language
    assert s.certain is False
    assert s.tension * sign > 0.1


def test_czech_sport_is_no_dispute():
    # "spor" (dispute) is how "sport" starts: the more specific pattern, weight 0, wins.
    s = score_article("Kazachstán a Rusko se utkaly ve sportovním turnaji. Sportovci obou zemí se setkali v Astaně.")
    assert s.tension <= 0.05
