"""Behaviour of score_article: direction, negation, relevance, evidence, languages."""

import random

import pytest

from pipeline.models import Evidence, Score
from pipeline.scoring.lexicon import lemma_ru, lemma_simplemma
from pipeline.scoring.score import SCORER_VERSION, score_article


def test_returns_a_score_with_version_and_bounds():
    s = score_article("Astana and Moscow signed a cooperation agreement.")
    assert isinstance(s, Score)
    assert s.version == SCORER_VERSION
    assert -1 <= s.tension <= 1 and -1 <= s.sentiment <= 1 and 0 <= s.relevance <= 1
    assert -10 <= s.goldstein <= 10


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Kazakhstan distances itself from Russia and pulls out of the joint project.", "en"),
        ("Kazachstan odcina się od Rosji.", "pl"),
        ("Казахстан отказался признать ДНР и ЛНР, заявил Токаев в присутствии Путина.", "ru"),
        ("Қазақстан Ресейдің санкцияларды айналып өту жоспарын қолдамады.", "kk"),
    ],
)
def test_distancing_is_tension_in_every_language(text, language):
    s = score_article(text)
    assert s.language == language
    assert s.tension > 0.2
    assert s.goldstein < 0


@pytest.mark.parametrize(
    "text",
    [
        "Tokayev and Putin signed a strategic partnership agreement in Astana.",
        "Казахстан и Россия подписали соглашение о стратегическом партнерстве.",
        "Kazachstan i Rosja podpisały umowę o strategicznej współpracy.",
        "Қазақстан мен Ресей стратегиялық әріптестік туралы келісімге қол қойды.",
    ],
)
def test_agreements_are_cooperation_in_every_language(text):
    s = score_article(text)
    assert s.tension < -0.2
    assert s.goldstein > 0


@pytest.mark.parametrize(
    ("supported", "not_supported"),
    [
        ("Kazakhstan supported Russia's proposal.", "Kazakhstan did not support Russia's proposal."),
        ("Казахстан поддержал предложение России.", "Казахстан не поддержал предложение России."),
        ("Kazachstan poparł propozycję Rosji.", "Kazachstan nie poparł propozycji Rosji."),
        ("Қазақстан Ресейдің ұсынысын қолдады.", "Қазақстан Ресейдің ұсынысын қолдамады."),
    ],
)
def test_negated_cooperation_is_tension(supported, not_supported):
    assert score_article(supported).tension < 0 < score_article(not_supported).tension


def test_denied_rift_leans_away_from_tension():
    plain = score_article("Peskov spoke of tension between Moscow and Astana.")
    denied = score_article("Peskov said there was no tension between Moscow and Astana.")
    assert denied.tension < plain.tension
    assert denied.tension <= 0.1


@pytest.mark.usefixtures("rules_only")  # the rule's own figure (the stem model: test_stems.py)
def test_russia_ukraine_fighting_alone_is_neither_relevant_nor_tension():
    s = score_article(
        "Russia launched a massive missile attack on Ukraine overnight. Kyiv said its air defences "
        "shot down most of the drones, and Ukraine vowed to retaliate against Russian refineries."
    )
    assert s.relevance <= 0.2
    assert abs(s.tension) < 0.2


def test_kazakhstan_china_trade_is_off_topic():
    s = score_article(
        "Kazakhstan and China signed thirty trade deals worth ten billion dollars in Beijing. "
        "Chinese investors will build a logistics hub near Almaty, the Kazakh trade ministry said."
    )
    assert s.relevance <= 0.2


@pytest.mark.parametrize(
    ("partner", "title"),
    [
        ("China", "Kazakhstan and China agree new rail crossing"),
        ("Russia", "Kazakhstan and Russia agree new rail crossing"),
    ],
)
def test_the_two_countries_means_the_pair_the_piece_is_about(partner, title):
    text = (
        f"Kazakhstan and {partner} signed an agreement on Monday to build a new railway crossing. "
        "The line is expected to double freight between the two countries by 2030, and both sides "
        "agreed to cut border waiting times. Since 2022 many shippers have avoided routes through "
        "Russia, and traffic through Kazakhstan to the Caspian ports has grown."
    )
    s = score_article(text, title=title)
    if partner == "China":  # Russia is background: "the two countries" are Kazakhstan and China
        assert s.relevance < 0.3
    else:
        assert s.relevance >= 0.5 and s.tension < -0.2


def test_the_two_countries_keeps_the_pair_when_the_lede_names_it():
    from pipeline.scoring.actors import BOTH, OTHER, SIDE_A, SIDE_B
    from pipeline.scoring.relevance import SentenceFacts, resolve_both

    def facts(*names):
        return SentenceFacts(frozenset(names), False, 0.0, 0.0, 0)

    # Lede on the pair; a list of rival bidders in between; a Russian official on "both countries".
    story = [facts(SIDE_A, SIDE_B), facts(OTHER), facts(SIDE_B, BOTH)]
    assert resolve_both(story) == story
    # Lede on Kazakhstan and China: the phrase right after them means them, not Russia.
    other = [facts(SIDE_A, OTHER), facts(BOTH), facts(SIDE_A, SIDE_B)]
    assert resolve_both(other)[1].names == frozenset({OTHER})
    assert resolve_both(other)[2] == other[2]


@pytest.mark.parametrize(
    ("proposed", "refused"),
    [
        (
            "Kazakhstan's joining the Union State with Russia is being prepared, Tokayev's spokesman said.",
            "Kazakhstan's joining the Union State with Russia is not on the agenda, Tokayev's spokesman said.",
        ),
        (
            "Вступление Казахстана в Союзное государство с Россией готовится, заявил Желдибай.",
            "Вступление Казахстана в Союзное государство с Россией не стоит на повестке дня, заявил Желдибай.",
        ),
        (
            "Przystąpienie Kazachstanu do Państwa Związkowego z Rosją jest przygotowywane, powiedział rzecznik.",
            "Przystąpienie Kazachstanu do Państwa Związkowego z Rosją nie wchodzi w grę, powiedział rzecznik.",
        ),
        (
            "Қазақстанның Ресеймен Одақтас мемлекетке кіру мәселесі дайындалуда, деді Желдібай.",
            "Қазақстанның Ресеймен Одақтас мемлекетке кіру мәселесі күн тәртібінде тұрған жоқ, деді Желдібай.",
        ),
    ],
)
def test_a_refusal_turns_down_the_proposal_before_it(proposed, refused):
    assert score_article(refused).tension > 0
    assert score_article(refused).tension > score_article(proposed).tension


@pytest.mark.parametrize(
    "text",
    [
        "Дружба России и Казахстана крепка, и об этом не стоит забывать, заявил Токаев.",
        "Kazakhstan and Russia signed a partnership agreement; prices were not discussed.",
        "Kazakhstan and Russia will expand cooperation, and any break in ties is out of the question.",
        "Kazakhstan and Russia will expand cooperation and a break in ties is out of the question.",
        "Tokayev and Putin praised their partnership; sanctions against Moscow are off the table.",
        "Токаев и Путин подтвердили стратегическое партнёрство, выход из ЕАЭС не рассматривается.",
        "Казахстан и Россия расширят сотрудничество, а о разрыве отношений речи не идёт.",
        "Kazachstan i Rosja rozszerzą współpracę, a zerwanie stosunków nie wchodzi w grę.",
    ],
)
def test_a_refusal_of_a_break_or_after_a_new_clause_leaves_cooperation_alone(text):
    assert score_article(text).tension < 0


def test_a_space_launch_from_baikonur_is_not_about_the_relationship():
    s = score_article(
        "A Soyuz rocket carrying two Russian cosmonauts and a NASA astronaut lifted off from Baikonur on Friday. "
        "The spacecraft docked with the space station six hours later, Roscosmos said. "
        "The cosmonauts will spend six months in orbit and carry out forty experiments. "
        "Baikonur, in the Kazakh steppe, has been leased by Russia from Kazakhstan since 1994."
    )
    # The last sentence alone makes it relevant (0.59 without the piece-level rule). With a stance
    # word in a sentence naming both sides ("demanded", "warned") the piece would keep its
    # relevance: disputes over water, power or Baikonur are told with heat, prices and launches too.
    assert s.relevance < 0.3


def test_a_ban_on_a_singer_is_still_about_the_pair():
    s = score_article(
        "Kazakhstan has banned a Russian singer who performed for troops in occupied Ukraine. "
        "Moscow called the ban an unfriendly step and summoned the Kazakh ambassador. "
        "The singer's concert in Almaty was cancelled."
    )
    assert s.relevance >= 0.5 and s.tension > 0.2


@pytest.mark.parametrize(
    "text",
    [
        "Russia halted the CPC pipeline that carries Kazakh oil, and Astana protested to Moscow. "
        "Brent rose to 82 dollars per barrel after the news. CPC Blend traded at a discount of 4 dollars. "
        "Kazakhstan said it would look for routes that bypass Russia.",
        "Казахстан попросил Россию увеличить сброс воды из Ириклинского водохранилища в Урал. "
        "Засуха второй год подряд снижает уровень реки, осадков почти не было. "
        "Жара в Атырау достигла 40 градусов. Москва пока не ответила на просьбу Астаны.",
    ],
)
def test_prices_drought_and_heat_in_a_dispute_keep_it_relevant(text):
    assert score_article(text).relevance >= 0.3


def test_relationship_article_is_relevant():
    s = score_article(
        "Putin arrived in Astana on a state visit. Tokayev and Putin signed a joint statement on "
        "deepening the strategic partnership between Kazakhstan and Russia. The two leaders also "
        "discussed gas supplies and the Baikonur space centre.",
        title="Putin and Tokayev sign partnership statement",
    )
    assert s.relevance >= 0.5


def test_title_counts_towards_relevance():
    text = "The talks lasted three hours. The two leaders agreed to meet again in spring."
    assert score_article(text, title="Tokayev meets Putin in Moscow").relevance > score_article(text).relevance


def test_evidence_is_signed_sorted_and_capped():
    sentences = [f"Kazakhstan and Russia signed agreement number {i} on cooperation." for i in range(12)]
    sentences.append("Russia threatened Kazakhstan with sanctions.")
    s = score_article(" ".join(sentences))
    assert 0 < len(s.evidence) <= 8
    assert all(isinstance(e, Evidence) for e in s.evidence)
    weights = [abs(e.weight) for e in s.evidence]
    assert weights == sorted(weights, reverse=True)
    assert all(e.weight < 0 for e in s.evidence if "signed" in e.sentence)


def test_given_language_wins_over_detection():
    assert score_article("Kazakhstan and Russia", language="ru-RU").language == "ru"


def test_other_languages_are_scored_but_uncertain():
    s = score_article(
        "Kasachstan und Russland unterzeichneten in Astana ein Abkommen über die Zusammenarbeit. "
        "Tokajew und Putin lobten die Partnerschaft."
    )
    assert s.language == "de"
    assert s.certain is False
    assert s.relevance > 0.3


def test_curated_languages_are_certain():
    for text in ("Kazakhstan and Russia", "Казахстан и Россия", "Kazachstan i Rosja", "Қазақстан мен Ресей"):
        assert score_article(text + " " + text).certain


def test_country_names_carry_no_sentiment():
    assert score_article("Казахстан и Россия. Kazakhstan and Russia.").sentiment == 0.0


def test_never_raises_on_odd_input():
    for value in ("", "\x00\x01", "\ud800 Russia", "🇰🇿🇷🇺" * 100, None, 42):
        s = score_article(value)  # type: ignore[arg-type]  # None and 42 on purpose: it must not raise
        assert 0 <= s.relevance <= 1


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("Kasachstan und Russland unterzeichneten ein Abkommen über Zusammenarbeit.", "de", -1),
        ("Kasachstan lehnte die Anerkennung ab, Moskau reagierte mit Druck und Drohungen.", "de", 1),
        ("Казахстан і Росія підписали угоду про стратегічне партнерство та співпрацю.", "uk", -1),
        ("Казахстан відмовився визнати анексію, Москва погрожує Астані санкціями.", "uk", 1),
        ("Le Kazakhstan et la Russie ont signé un accord de partenariat stratégique.", "fr", -1),
        ("Le Kazakhstan refuse de reconnaître l'annexion, Moscou menace Astana de sanctions.", "fr", 1),
    ],
)
def test_german_ukrainian_french_get_the_sign_right_but_stay_uncertain(text, language, sign):
    s = score_article(text)
    assert s.language == language
    assert s.certain is False
    assert s.tension * sign > 0.2


# --- one rare letter must not cost an article its score (issue 10, item 10) -----------------------

TANGUT = "\U0001865c"  # a letter without a name in unicodedata: pymorphy3 raised on any word holding it
RUSSIAN_TENSION = (
    "Казахстан отказался поддержать санкции России против соседей. "
    "Москва пригрозила Астане запретом на ввоз зерна, и переговоры были сорваны. "
    "Токаев заявил, что давление недопустимо."
)


CONTROL = "ሀ"  # an ordinary unknown letter (Ethiopic): named, no cue, no tone; not Han, which now splits words


def _as_control(score: Score) -> tuple:
    """The score, with the rare letter in its evidence sentences read as the control letter."""
    evidence = [(e.sentence.replace(TANGUT, CONTROL), e.weight) for e in score.evidence]
    return score.tension, score.sentiment, score.relevance, score.language, evidence


def _sprinkled(text: str, letter: str, seed: int, count: int = 12) -> str:
    """The text with ``letter`` inserted at ``count`` seeded random places (inside words or between them)."""
    places = sorted(random.Random(seed).sample(range(len(text) + 1), count), reverse=True)
    for place in places:
        text = text[:place] + letter + text[place:]
    return text


@pytest.mark.usefixtures("rules_only")  # the rule's own figure (the stem model: test_stems.py)
def test_a_rare_letter_inside_a_word_leaves_the_rest_of_the_article_scored():
    plain = score_article(RUSSIAN_TENSION)
    marked = score_article(RUSSIAN_TENSION.replace("заявил", f"за{TANGUT}явил"))
    assert (plain.tension, plain.language) == (0.8484, "ru")
    assert (marked.tension, marked.sentiment, marked.relevance, marked.language) == (
        plain.tension,
        plain.sentiment,
        plain.relevance,
        plain.language,
    )
    assert [e.weight for e in marked.evidence] == [e.weight for e in plain.evidence] == [0.4365, 0.3055, 0.1064]


@pytest.mark.parametrize("seed", [1, 4, 5, 6])
def test_a_rare_letter_at_random_places_is_read_like_any_unknown_letter(seed):
    # The letter may split a cue word or join two sentences, as any letter would: the score must be the
    # one the text gets with an ordinary unknown letter in the same places, never a lost article.
    rare = score_article(_sprinkled(RUSSIAN_TENSION, TANGUT, seed))
    assert _as_control(rare) == _as_control(score_article(_sprinkled(RUSSIAN_TENSION, CONTROL, seed)))
    assert rare.language == "ru"


def test_pymorphy3_failing_on_a_word_leaves_the_word_unlemmatised():
    assert lemma_ru(f"пере{TANGUT}говоры") == f"пере{TANGUT}говоры"
    assert lemma_ru("переговоры") == "переговоры"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Kazachstan odmówił poparcia sankcji Rosji. Moskwa zagroziła Astanie zakazem importu zboża.", "pl"),
        (
            "Қазақстан Ресейдің санкцияларды айналып өту жоспарын қолдамады. Мәскеу Астанаға астық тыйымымен қорқытты.",
            "kk",
        ),
    ],
)
def test_a_lemmatiser_failing_on_rare_letters_does_not_cost_polish_or_kazakh_articles(monkeypatch, text, language):
    # simplemma copes with every letter today (all 131 756 were tried); fake its failure to test the guard.
    # Kazakh tone peels suffixes without a library, so only the control comparison applies to it.
    import simplemma

    real = simplemma.lemmatize

    def fragile(word, lang):
        if TANGUT in word:
            raise RuntimeError("simplemma failed")
        if CONTROL in word:
            return word  # what an unknown word lemmatises to, so both letters are read the same way
        return real(word, lang=lang)

    lemma_simplemma.cache_clear()
    monkeypatch.setattr(simplemma, "lemmatize", fragile)
    try:
        for seed in (1, 2):
            rare = score_article(_sprinkled(text, TANGUT, seed))
            assert _as_control(rare) == _as_control(score_article(_sprinkled(text, CONTROL, seed)))
            assert rare.language == language
    finally:
        lemma_simplemma.cache_clear()


# --- the language argument is validated (issue 10, item 11) ----------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [("\ud800", "ru"), ("EN", "en"), ("en-US", "en"), ("", "ru"), ("xx\x00", "ru"), ("ru_RU", "ru"), (None, "ru")],
)
def test_language_argument_is_a_two_or_three_letter_code_or_detected(given, expected):
    s = score_article(RUSSIAN_TENSION, language=given)
    assert s.language == expected
    s.language.encode("utf-8")  # storable


def test_a_lone_surrogate_as_language_gives_a_storable_language_even_for_empty_text():
    assert score_article("", language="\ud800").language == ""
    assert score_article("", language="\udfff\ud800").language == ""


# --- evidence: each sentence once, weights that add up to the tension (issue 10, item 16) ------------

PARTNERSHIP = "Kazakhstan and Russia signed a strategic partnership agreement and a treaty on allied cooperation."
FOLLOW_UP = "The two presidents also discussed gas supplies in Astana."


@pytest.mark.usefixtures("rules_only")  # the rule's own figure (the stem model: test_stems.py)
def test_one_sentence_evidence_weight_is_the_tension():
    s = score_article(PARTNERSHIP)
    assert s.tension == -0.9037
    assert s.evidence == [Evidence(PARTNERSHIP, -0.9037)]


@pytest.mark.usefixtures("rules_only")  # the rule's own figure (the stem model: test_stems.py)
def test_a_headline_repeated_by_the_text_counts_once():
    headline = PARTNERSHIP.rstrip(".")
    repeated = score_article(f"{PARTNERSHIP}\n{FOLLOW_UP}", title=headline)
    assert repeated == score_article(FOLLOW_UP, title=headline)
    assert (repeated.tension, repeated.evidence) == (
        -0.8755,
        [Evidence(headline, -0.8257), Evidence(FOLLOW_UP, -0.0498)],
    )


@pytest.mark.usefixtures("rules_only")  # the rule's own figure (the stem model: test_stems.py)
def test_evidence_weights_add_up_to_the_tension_when_sentences_pull_apart():
    pressure = "Kazakhstan refused to join sanctions but Russia threatened Kazakhstan with a ban on grain."
    deal = "Kazakhstan and Russia signed an agreement on trade."
    s = score_article(f"{pressure} {deal}")
    assert s.tension == 0.2794
    assert s.evidence == [Evidence(pressure, 0.9803), Evidence(deal, -0.7009)]


def test_a_sentence_the_text_repeats_is_listed_once_with_its_whole_share():
    s = score_article(f"{PARTNERSHIP} {FOLLOW_UP} {PARTNERSHIP}")
    assert [e.sentence for e in s.evidence] == [PARTNERSHIP, FOLLOW_UP]
    assert sum(e.weight for e in s.evidence) == pytest.approx(s.tension, abs=2e-4)
