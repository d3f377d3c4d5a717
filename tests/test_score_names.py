"""Names of the pair in Hindi, Mongolian, Yoruba and Afrikaans, and words written with combining marks."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.scoring.actors import sides_in
from pipeline.scoring.patterns import parse_pattern
from pipeline.scoring.sentences import tokenize


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("रूस और कज़ाख़स्तान के बीच", "कज़ाख़स्तान"),  # vowel signs and the nukta belong to the word
        ("Ààrẹ Rọ́ṣíà sọ̀rọ̀", "rọ́ṣíà"),  # Yoruba tone marks (a combining acute on ọ)
        ("Cafe\u0301 Kazakh", "cafe\u0301"),  # a decomposed Latin accent
    ],
)
def test_a_word_with_combining_marks_is_one_token(sentence, word):
    assert word in tokenize(sentence)


@pytest.mark.parametrize(
    ("pair", "language", "sentence", "sides"),
    [
        ("kz-ru", "hi", "रूस के राष्ट्रपति पुतिन ने कज़ाख़स्तान के तोकायेव से मुलाकात की", {"a", "b"}),
        ("kz-ru", "mn", "Оросын Холбооны Улс болон Казахстаны харилцаа", {"a", "b"}),
        ("kz-ru", "vi", "Aṣojú Rọ́ṣíà ní Kàsàkstán sọ̀rọ̀", {"a", "b"}),  # Yoruba is read as some other language
        ("kz-ru", "nl", "Die Kazakse minister het die Russiese Federasie besoek", {"a", "b"}),  # Afrikaans as Dutch
        ("kz-cn", "hi", "कज़ाख़स्तान और चीन", {"a"}),
        ("am-ru", "mn", "Орос улс", {"b"}),
        ("uz-ru", "hi", "मॉस्को में", {"b"}),
    ],
)
def test_the_pair_is_named_in_more_languages(pair, language, sentence, sides):
    assert sides <= sides_in(tokenize(sentence), language, pair), f"{pair} {language}: {sentence!r}"


def test_a_pattern_written_with_a_precomposed_nukta_matches_the_composed_text():
    written = "\u095b"  # ज़ as one code point, which NFC spells ज + nukta
    pattern = parse_pattern(f"क{written}ाख*", "a")
    assert pattern is not None
    assert pattern.words == (unicodedata.normalize("NFC", f"क{written}ाख*"),)
