"""Behaviour of score_article: direction, negation, relevance, evidence, languages."""

import pytest

from pipeline.models import Evidence, Score
from pipeline.score import SCORER_VERSION, score_article


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
    from pipeline.actors import BOTH, OTHER, SIDE_A, SIDE_B
    from pipeline.relevance import SentenceFacts, resolve_both

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
        s = score_article(value)  # type: ignore[arg-type]
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
