"""stance-1.11: in real commentary the tie is often the backdrop of the point (the sentences are
invented). A standing tie named beside a conflict, the clause before a "but" that disagrees with the
one after it, and the sentence a "However, ..." answers all count less than the point they frame."""

import pytest

from pipeline.scoring.score import _scare_quoted, _score
from tests.test_stance_frames import stance

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("en", "Tensions are growing between Moscow and its closest strategic partner and ally.", 0.575),
        ("ru", "Между Москвой и её ближайшим стратегическим партнёром и союзником нарастает напряжённость.", 0.875),
        ("pl", "Między Moskwą a jej najbliższym strategicznym partnerem i sojusznikiem narastają napięcia.", 0.95),
        ("kk", "Мәскеу мен оның ең жақын стратегиялық әріптесі әрі одақтасы арасында шиеленіс күшейіп келеді.", 0.875),
    ],
)
def test_a_tie_named_beside_a_conflict_is_its_backdrop(language, sentence, expected):
    # stance-1.10 let the tie's words offset the conflict: 0.25 to 0.4, and -0.05 in English
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


def test_a_tie_keeps_its_weight_without_a_conflict_or_beside_a_denied_one():
    assert stance("Moscow and its closest strategic partner and ally held talks.", "en") == pytest.approx(-1.75)
    # a conceded conflict is not reported: the tie is the news ("despite the tensions, ... remains")
    assert stance("Despite the tensions, Kazakhstan remains Russia's strategic partner and ally.", "en") < -2.0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Moscow promised support, but the dispute over the cosmodrome goes on."),
        ("ru", "Москва обещала поддержку, однако спор о космодроме продолжается."),
        ("pl", "Moskwa obiecała wsparcie, ale spór o kosmodrom trwa."),
        ("kk", "Мәскеу қолдау уәде етті, бірақ ғарыш айлағы туралы дау жалғасып жатыр."),
    ],
)
def test_the_clause_after_a_but_outweighs_the_one_before(language, sentence):
    assert stance(sentence, language) == pytest.approx(0.5)  # stance-1.10: 0.0, the two cancelled out


def test_an_and_is_no_turn():
    assert stance("Moscow promised support, and the dispute over the cosmodrome goes on.", "en") == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Officially, Kazakhstan and Russia are friends and strategic partners. "
            "Yet Kazakhstan refused to recognise the annexation announced by Russia.",
            0.7149,  # 1.10: 0.378; 1.14: 0.518; 1.17: 0.5796; 1.19: 0.6191 (the annexation read as "none")
        ),
        (
            "Официально Казахстан и Россия — друзья и стратегические партнёры. "
            "Однако Казахстан отказался признать аннексию, объявленную Россией.",
            0.1986,  # 1.10: 0.164; 1.14: 0.4485; 1.17: 0.5112; 1.19: 0.5965 (the annexation was a conflict)
        ),
        (
            "Officjalnie Kazachstan i Rosja są przyjaciółmi i strategicznymi partnerami. "
            "Jednak Kazachstan odmówił uznania aneksji ogłoszonej przez Rosję.",
            0.6953,  # stance-1.10: 0.269; 1.14: 0.418; 1.17: 0.4856; 1.19: 0.5945
        ),
        (  # no contrast word: no turn; since stance-1.15 the tie-only sentence is the refusal's backdrop
            "Officially, Kazakhstan and Russia are friends and strategic partners. "
            "And Kazakhstan refused to recognise the annexation announced by Russia.",
            0.5084,  # stance-1.14: 0.170; stance-1.17: 0.3606; stance-1.19: 0.4016
        ),
    ],
)
def test_a_sentence_opening_with_however_makes_the_one_it_answers_its_backdrop(text, expected):
    assert _score(text).tension == pytest.approx(expected, abs=0.002)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "A trade war with Moscow is off the table."),
        ("ru", "О торговой войне с Москвой речи не идёт."),
    ],
)
def test_a_conflict_turned_down_is_reassurance(language, sentence):
    # stance-1.10 turned down only cooperation ("joining the union is off the table"): +0.3 here
    assert stance(sentence, language) == pytest.approx(-0.48)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Our "friends" in Moscow once again lecture Kazakhstan about the Russian language.', 0.4327),
        ("Наши «союзники» в Москве снова поучают Казахстан.", 0.3275),  # stance-1.10: -0.3821
        ("Nasi „przyjaciele” z Moskwy znowu pouczają Kazachstan.", 0.2022),  # stance-1.10: -0.2821
    ],
)
def test_a_tie_in_scare_quotes_is_irony(text, expected):
    assert _score(text).tension == pytest.approx(expected, abs=0.002)


def test_quotes_around_a_name_or_a_statement_are_no_irony():
    plain = "Our friends in Moscow once again lecture Kazakhstan about the Russian language."
    assert _score(plain).tension == pytest.approx(0.0042, abs=0.002)
    assert _score("Kazakhstan and Russia signed the «Druzhba» pipeline deal.").tension < -0.5
    assert _scare_quoted("He said: “We are allies and will stay so”.") == frozenset()
    assert _scare_quoted("The «Druzhba» pipeline.") == frozenset()


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # stance-1.10: 2.5, 2.9, 1.8, 1.7 (as strong as joining the sanctions)
        ("en", "Kazakhstan complies with the Western sanctions against Russia to avoid secondary sanctions.", 0.15),
        ("ru", "Казахстан соблюдает западные санкции против России, чтобы избежать вторичных санкций.", 0.55),
        # stance-1.17: 0.5; since stance-1.18 the secondary sanctions named beside the rule kept are a balance
        ("pl", "Kazachstan przestrzega sankcji wobec Rosji, aby uniknąć sankcji wtórnych.", 0.15),
        ("kk", "Қазақстан Ресейге қарсы санкцияларды сақтайды.", 0.51),
    ],
)
def test_complying_with_sanctions_is_balancing_not_a_blow(language, sentence, expected):
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)
    assert stance("Kazakhstan joined the sanctions against Russia.", "en") == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("en", "Kazakhstan avoided condemning Russia."), ("ru", "Казахстан избегает осуждать Россию.")],
)
def test_avoiding_a_step_negates_it(language, sentence):
    assert stance(sentence, language) == pytest.approx(-0.45)  # stance-1.10: 1.5, the condemnation counted


def test_friends_is_a_standing_tie_in_russian_as_in_english():
    # «друзья» was a cooperation word but not a tie's name, so the war beside it was outweighed (-0.5)
    assert stance("Kazakhstan and Russia are friends and partners, one step away from an information war.", "en") > 0
    assert stance("Казахстан и Россия — друзья и партнёры, в шаге от информационной войны.", "ru") == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # stance-1.10 read the negated exit or refusal as one more negation: +0.27, +1.12, +0.27, +0.23
        ("en", "Kazakhstan did not withdraw from the joint project with Russia.", -1.61),
        ("ru", "Казахстан не вышел из совместного с Россией проекта.", -0.68),
        ("pl", "Kazachstan nie wycofał się ze wspólnego z Rosją projektu.", -0.89),
        ("en", "Kazakhstan did not refuse to cooperate with Russia.", -1.95),
        ("ru", "Казахстан никогда не отказывался от сотрудничества с Россией.", -1.95),
    ],
)
def test_a_double_negation_cancels(language, sentence, expected):
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("pl", "Żaden z tych krajów nie poparł rosyjskiej agresji.", 0.8),
        ("ru", "Между ними никогда не было территориальных споров.", -0.3),
        ("en", "Kazakhstan withdrew from the joint project with Russia.", 1.12),
    ],
)
def test_negative_concord_is_one_negation(language, sentence, expected):
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


def test_a_quote_in_a_headline_is_the_speakers_words_not_irony():
    body = "Putin called Kazakhstan Russia's closest ally and praised its president."
    quoted = _score(body, "Putin names Kazakhstan Russia's 'closest ally'").tension
    plain = _score(body, "Putin names Kazakhstan Russia's closest ally").tension
    assert quoted == pytest.approx(plain)
    assert quoted < -0.5


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The presidents will discuss the strategic partnership and cooperation."),
        ("ru", "Президенты обсудят развитие стратегического партнерства и сотрудничества."),
        ("pl", "Prezydenci omówią rozwój partnerstwa strategicznego i współpracy."),
        ("kk", "Президенттер стратегиялық әріптестік және ынтымақтастық мәселелерін талқылайды."),
    ],
)
def test_a_cooperation_word_joined_to_the_ties_name_is_part_of_the_formula(language, sentence):
    # stance-1.10: -2.3, the agenda's formula outweighing a whole paragraph of "nervousness"
    assert stance(sentence, language) == pytest.approx(-1.25)


def test_cooperation_words_joined_to_each_other_are_acts_and_keep_their_weight():
    assert stance("The presidents signed a cooperation agreement and a loan deal.", "en") == pytest.approx(-3.0)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # stance-1.17: 1.35, 1.3, 1.5, 0.49 (the secondary sanctions named counted as tension)
        ("en", "Kazakhstan will not join the sanctions against Russia for fear of secondary sanctions.", 0.405),
        ("ru", "Казахстан не присоединится к санкциям против России из-за риска вторичных санкций.", 0.39),
        ("pl", "Kazachstan nie przyłączy się do sankcji wobec Rosji z obawy przed sankcjami wtórnymi.", 0.45),
        ("kk", "Қазақстан екінші реттік санкциялар қаупіне байланысты Ресейге қарсы санкцияларға қосылмайды.", 0.147),
    ],
)
def test_a_measure_turned_down_beside_the_measures_named_is_balancing(language, sentence, expected):
    assert stance(sentence, language) == pytest.approx(expected, abs=0.005)


def test_a_measure_taken_or_a_threat_after_a_but_keeps_its_weight():
    # nothing turned down or complied with: the conflict words are the news
    assert stance("Kazakhstan banned exports to Russia and joined the sanctions.", "en") == pytest.approx(1.7)
    # the refusing verb names no measure, and the threat after the "but" is news (stance-1.17: 3.0 as well)
    refused = "Kazakhstan refused to join sanctions but Russia threatened Kazakhstan with a ban on grain."
    assert stance(refused, "en") == pytest.approx(3.0)


def test_a_step_that_negates_turns_nothing_down_and_makes_no_balance():
    # "froze" and "abandoning" are negators and steps at once: the accusation after them is not a
    # measure turned down, so the quarrel's words keep their weight (0.2025 when this read as a balance)
    froze = (
        "Astana froze its participation in the CSTO on Tuesday and accused Moscow of abandoning Kazakhstan, "
        "a sharp escalation of the quarrel between the two allies."
    )
    assert stance(froze, "en") == pytest.approx(0.675)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [  # stance-1.17: 0.178, 0.213, 0.280, 0.213 (each language's own weight of the recognition word)
        ("pl", "Kazachstan nie uzna Donieckiej i Ługańskiej Republiki Ludowej."),
        ("ru", "Казахстан не признает Донецкую и Луганскую народные республики."),
        ("en", "Kazakhstan will not recognise the Donetsk and Luhansk people's republics."),
        ("de", "Kasachstan wird die Volksrepubliken Donezk und Luhansk nicht anerkennen."),
    ],
)
def test_refusing_to_recognise_the_other_sides_claim_is_one_act_in_every_language(language, sentence):
    assert _score(sentence, language=language).tension == pytest.approx(0.3452, abs=0.0005)
