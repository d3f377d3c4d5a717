"""Sentence splitting for en, ru, pl and kk news prose."""

from pipeline.scoring.sentences import split_sentences, tokenize


def test_english_abbreviations_and_initials_do_not_end_a_sentence():
    text = "Mr. Tokayev met V. Putin in the U.S. embassy district. Talks lasted two hours."
    assert split_sentences(text) == [
        "Mr. Tokayev met V. Putin in the U.S. embassy district.",
        "Talks lasted two hours.",
    ]


def test_russian_reported_speech_stays_with_its_speaker():
    text = "«Мы не будем признавать эти образования», — сказал Токаев. Путин промолчал."
    assert split_sentences(text) == [
        "«Мы не будем признавать эти образования», — сказал Токаев.",
        "Путин промолчал.",
    ]


def test_russian_year_abbreviation_does_not_split():
    text = "В 2022 г. Казахстан попросил помощи ОДКБ. Войска ушли через неделю."
    assert split_sentences(text)[0] == "В 2022 г. Казахстан попросил помощи ОДКБ."


def test_polish_abbreviations_m_in_and_tzw():
    text = "Rozmawiano m.in. o gazie i ropie. Prezydent Tokajew wyjechał wieczorem."
    assert split_sentences(text) == [
        "Rozmawiano m.in. o gazie i ropie.",
        "Prezydent Tokajew wyjechał wieczorem.",
    ]


def test_kazakh_sentences_and_initials():
    text = "Қ. Тоқаев Мәскеуге барды. Екі ел келісімге қол қойды!"
    assert split_sentences(text) == ["Қ. Тоқаев Мәскеуге барды.", "Екі ел келісімге қол қойды!"]


def test_headline_without_full_stop_is_its_own_sentence():
    text = "Казахстан и Россия подписали соглашение\nСтороны договорились о поставках газа."
    assert split_sentences(text) == [
        "Казахстан и Россия подписали соглашение",
        "Стороны договорились о поставках газа.",
    ]


def test_quoted_sentence_end_keeps_closing_quote():
    text = 'He said: "We will not recognise them." Moscow was silent.'
    assert split_sentences(text) == ['He said: "We will not recognise them."', "Moscow was silent."]


def test_text_cut_mid_sentence_keeps_the_fragment():
    assert split_sentences("Astana and Moscow agreed. The pipeline was")[-1] == "The pipeline was"


def test_very_long_run_is_cut_into_bounded_pieces():
    pieces = split_sentences("word " * 5000)
    assert all(len(p) <= 2000 for p in pieces)
    assert sum(len(p.split()) for p in pieces) == 5000


def test_empty_and_whitespace_give_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


def test_tokenize_splits_hyphens_keeps_apostrophes_and_folds_yo():
    assert tokenize("Казахстанско-российские связи didn't ёжик") == [
        "казахстанско",
        "российские",
        "связи",
        "didn't",
        "ежик",
    ]
