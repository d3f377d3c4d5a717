"""Actors of the pair from pipeline/data/actors/kz-ru.toml, in every language and inflected form."""

import tomllib

import pytest

from pipeline.resources import PACKAGE_DATA, DataFileError
from pipeline.scoring.actors import BOTH, OTHER, SIDE_A, SIDE_B, check_pair, load_pair, parse_pair, sides_in
from pipeline.scoring.sentences import tokenize
from pipeline.settings import load_settings


def names(text: str, language: str, pair: str | None = None) -> set[str]:
    return sides_in(tokenize(text), language, pair)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Kazakhstan's president"),
        ("en", "Kazakh officials"),
        ("en", "in Nur-Sultan"),
        ("en", "Tokayev said"),
        ("en", "the Akorda said"),
        ("ru", "Казахстану"),
        ("ru", "казахстанский"),
        ("ru", "в Астане"),
        ("ru", "РК"),
        ("ru", "Токаева"),
        ("pl", "Kazachstanem"),
        ("pl", "kazachski"),
        ("pl", "w Astanie"),
        ("pl", "Tokajew"),
        ("kk", "Қазақстанның"),
        ("kk", "Қазақстанмен"),
        ("kk", "Астанада"),
        ("kk", "Тоқаевтың"),
        ("kk", "Ақорда"),
    ],
)
def test_side_a_is_found_in_inflected_forms(language, text):
    assert SIDE_A in names(text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Russia's"),
        ("en", "Russian troops"),
        ("en", "the Kremlin said"),
        ("en", "Moscow"),
        ("en", "Peskov told reporters"),
        ("en", "the State Duma"),
        ("ru", "России"),
        ("ru", "Россией"),
        ("ru", "РФ"),
        ("ru", "Москвой"),
        ("ru", "Кремле"),
        ("ru", "Госдумы"),
        ("pl", "Rosji"),
        ("pl", "Rosją"),
        ("pl", "rosyjski"),
        ("pl", "w Moskwie"),
        ("pl", "Kremla"),
        ("pl", "Ławrow"),
        ("kk", "Ресейге"),
        ("kk", "Ресейдің"),
        ("kk", "Ресеймен"),
        ("kk", "Мәскеуге"),
        ("kk", "Путинмен"),
    ],
)
def test_side_b_is_found_in_inflected_forms(language, text):
    assert SIDE_B in names(text, language)


@pytest.mark.parametrize(
    ("language", "text", "side"),
    [
        # officials of earlier governments and the other side's loudest deputies (stance-1.23)
        ("en", "Prime Minister Masimov said", SIDE_A),
        ("ru", "заявил премьер Масимов", SIDE_A),
        ("pl", "premier Masimow powiedział", SIDE_A),
        ("kk", "Мәсімов мәлімдеді", SIDE_A),
        ("en", "deputy Zatulin said", SIDE_B),
        ("ru", "депутат Затулин заявил", SIDE_B),
        ("pl", "deputowany Zatulin powiedział", SIDE_B),
        ("kk", "Затулиннің сөзі", SIDE_B),
        ("en", "Rogozin's agency", SIDE_B),
    ],
)
def test_officials_of_other_years_name_their_side(language, text, side):
    assert names(text, language) == {side}


def test_compound_adjective_names_both_sides():
    assert {SIDE_A, SIDE_B} <= names("казахстанско-российские отношения", "ru")


def test_the_two_countries_stands_for_both():
    assert BOTH in names("the two countries agreed", "en")
    assert BOTH in names("екі ел келісті", "kk")


def test_third_parties_are_recognised():
    assert OTHER in names("Russia struck Ukraine", "en")
    assert OTHER in names("Казахстан и Китай", "ru")


def test_common_words_are_not_mistaken_for_actors():
    assert names("I think the sport is a good thing", "en") == set()
    assert names("Я думаю о другом", "ru") == set()
    assert names("Jestem dumny z wyniku", "pl") == set()


def test_unknown_language_uses_all_languages_names():
    assert {SIDE_A, SIDE_B} <= names("Kasachstan und Russland", "de")
    assert {SIDE_A, SIDE_B} <= names("Kazakhstan Russia", "xx")


ARMENIA_RUSSIA = """
id = "am-ru"
title = "Armenia–Russia"
[sides.a]
label = "Armenia"
en = ["armenia*", "yerevan", "pashinyan*"]
[sides.b]
label = "Russia"
en = ["russia*", "moscow", "kremlin*"]
"""


def test_another_pair_is_data_only():
    pair = parse_pair(tomllib.loads(ARMENIA_RUSSIA))
    assert pair.labels == ("Armenia", "Russia")
    kinds = {p.kind for p in pair.patterns_for("en")}
    assert kinds == {SIDE_A, SIDE_B}


def test_default_pair_is_kazakhstan_russia():
    pair = load_pair()
    assert pair.id == "kz-ru"
    assert {"en", "ru", "pl", "kk"} <= set(pair.languages)


def test_pair_setting_chooses_the_data_file(tmp_path, monkeypatch):
    path = tmp_path / "am-ru.toml"
    path.write_text(ARMENIA_RUSSIA, encoding="utf-8")
    monkeypatch.setenv("BAROMETER_PAIR", str(path))
    pair = load_settings().watched_pair()  # the setting is read there, and passed down
    assert pair.id == "am-ru"
    assert names("Yerevan and Moscow", "en", pair) == {SIDE_A, SIDE_B}
    assert SIDE_A not in names("Kazakhstan", "en", pair)
    assert load_pair().id == "kz-ru"  # below the settings the environment is not read


def _list(text: str, language: str) -> bool:
    from pipeline.scoring.actors import actor_matcher, find_actors, in_a_list
    from pipeline.scoring.sentences import token_spans

    matches = find_actors(tokenize(text), actor_matcher(language))
    return in_a_list(matches, text, token_spans(text))


def test_comma_separated_countries_are_a_list():
    assert _list("Athletes from Russia, Belarus, Kazakhstan, Uzbekistan and Kyrgyzstan took part.", "en")
    assert _list("Спортсмены из России, Беларуси, Казахстана и Узбекистана.", "ru")


def test_adjacent_names_without_commas_are_not_a_list():
    assert not _list("Қазақстан Германияға ресейлік құбыр арқылы мұнай жеткізді.", "kk")
    assert not _list("Kazakhstan and Russia signed a deal with China.", "en")


def _joined(text: str, language: str) -> str | None:
    from pipeline.scoring.actors import actor_matcher, find_actors, joined_to_a_third
    from pipeline.scoring.sentences import token_spans

    tokens = tokenize(text)
    found = joined_to_a_third(find_actors(tokens, actor_matcher(language)), text, token_spans(text))
    return None if found is None else " ".join(tokens[found[0] : found[1]])


def test_one_side_joined_to_a_third_country_is_found_with_its_words():
    assert _joined("Georgia and Russia fought a brief war in 2008.", "en") == "georgia and russia"
    assert _joined("Удар вредит отношениям Казахстана с Украиной.", "ru") == "казахстана с украиной"
    # two third countries joined, a side named apart; a side beside a third country without a conjunction;
    # both sides named
    assert _joined("Kazakhstan said Georgia and Ukraine had asked for talks.", "en") is None
    assert _joined("Russia fought a brief war in Georgia in 2008.", "en") is None
    assert _joined("Georgia, Russia and Kazakhstan met.", "en") is None
    assert _joined("Kazakhstan and Georgia signed a deal with Russia.", "en") is None


def test_a_broken_lexicon_file_stops_the_start_instead_of_zeroing_its_language(tmp_path):
    # A user's data directory whose copy of the Russian cue file (it hides the package's) gets broken.
    (tmp_path / "lexicons").mkdir()
    broken = tmp_path / "lexicons" / "cues-ru.toml"
    broken.write_bytes((PACKAGE_DATA / "lexicons" / "cues-ru.toml").read_bytes())
    assert check_pair(data_dir=str(tmp_path)) is None
    broken.write_text(broken.read_text(encoding="utf-8") + '\n[conflict]\n"санкци*" = 1.0\n', encoding="utf-8")
    reason = check_pair(data_dir=str(tmp_path))
    assert reason is not None
    assert reason.startswith(f"lexicon file {broken} cannot be read:")
    with pytest.raises(DataFileError, match=r"cues-ru\.toml cannot be read"):
        load_settings(data_dir=str(tmp_path))
