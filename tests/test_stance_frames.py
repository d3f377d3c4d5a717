"""Stance mechanisms modelled on how real journalism frames the relationship (the sentences are
invented): leaving reaches its whole object, a cooperation word can be a grievance, and a plan can be
turned down after it is named. Each test pairs a framed sentence with a plain one, so a broken rule
shows as a wrong sign rather than as a small drift."""

import pytest

from pipeline.scoring.lexicon import cue_matcher, cue_set
from pipeline.scoring.score import _clause_starts, _score
from pipeline.scoring.sentences import tokenize
from pipeline.scoring.stance import sentence_stance

# What each rule does, scored with the rules alone (the word-stem model: test_stems.py).
pytestmark = pytest.mark.usefixtures("rules_only")


def stance(sentence: str, language: str) -> float:
    tokens = tokenize(sentence)
    matches = cue_matcher(language).find(tokens)
    return sentence_stance(tokens, matches, cue_set(language), _clause_starts(sentence)).stance


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # the cooperation words sit beyond the old four-word negation window
        ("en", "Kazakhstan withdrew from the payment card project developed jointly with Russia.", 1.12),
        ("pl", "Kazachstan wycofuje się z systemu płatniczego budowanego od lat wspólnie z Rosją.", 1.9),
        ("ru", "Казахстан вышел из разработанного в прошлом году совместно с Россией платёжного проекта.", 0.4),
        # a relative clause after a comma still names what was left
        ("ru", "Казахстан вышел из проекта, который Астана вела совместно с Москвой.", 1.12),
        # Kazakh puts the verb last: the object before it is reached
        ("kk", "Қазақстан Ресеймен бірлесіп ұзақ жылдар бойы жүргізілген цифрлық жобадан шықты.", 1.12),
    ],
)
def test_leaving_reaches_the_whole_object(language, sentence, expected):
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


def test_leaving_does_not_reach_past_and_into_a_new_act():
    # the second act is cooperation of its own; only the first is undone
    left = stance("Kazakhstan left the commission.", "en")
    both = stance("Kazakhstan left the commission and signed a new cooperation agreement with Russia.", "en")
    assert both < left
    assert both < 0


@pytest.mark.parametrize(
    ("language", "framed", "plain"),
    [
        (
            "en",
            "Astana keeps quiet about its former allies in Moscow.",
            "Astana keeps quiet about its allies in Moscow.",
        ),
        (
            "pl",
            "Astana milczy o swoich dawnych sojusznikach z Moskwy.",
            "Astana milczy o swoich sojusznikach z Moskwy.",
        ),
        ("ru", "Астана молчит о своих бывших союзниках в Москве.", "Астана молчит о своих союзниках в Москве."),
        ("kk", "Астана бұрынғы одақтасына хат жолдады.", "Астана одақтасына хат жолдады."),
    ],
)
def test_a_former_ally_is_a_grievance_not_an_alliance(language, framed, plain):
    assert stance(plain, language) < 0
    assert stance(framed, language) > 0


@pytest.mark.parametrize(
    ("language", "framed", "plain"),
    [
        ("en", "So much for the strategic partnership with Moscow.", "A strategic partnership with Moscow."),
        (
            "ru",
            "Стратегическое партнерство с Москвой существует только на словах.",
            "Стратегическое партнерство с Москвой.",
        ),
        ("pl", "Partnerstwo strategiczne z Moskwą istnieje tylko na papierze.", "Partnerstwo strategiczne z Moskwą."),
    ],
)
def test_a_grievance_frame_turns_the_clause(language, framed, plain):
    assert stance(plain, language) < 0
    assert stance(framed, language) > 0


def test_a_grievance_frame_stays_in_its_clause():
    # after the contrast the writer speaks plainly: that cooperation counts as cooperation
    text = "The partnership was so-called, but this week the two ministers signed a real agreement."
    assert stance(text, "en") < 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("pl", "Podpisanie umowy z Moskwą nie jest w planach, przekazało ministerstwo w Astanie."),
        ("ru", "Подписание соглашения с Москвой не входит в планы Астаны."),
        ("en", "Signing the agreement with Moscow is not in the plans, the ministry in Astana said."),
    ],
)
def test_a_plan_turned_down_after_it_is_named_is_tension(language, sentence):
    assert stance(sentence, language) > 0


def test_an_invented_report_modelled_on_the_founding_article_reads_as_clear_tension():
    # Modelled on the 2022 Polish report the project was founded on (written anew, no sentence of it):
    # a withdrawal from a joint digital project, distancing from a recent ally, a plan turned down.
    title = "Kazachstan odcina się od Rosji w sprawie cyfrowego państwa"
    text = (
        "Kazachstan rezygnuje z platformy e-administracji rozwijanej wspólnie z rosyjskim bankiem. "
        "To kolejny sygnał, że Astana chce zdystansować się od swojego niedawnego sojusznika. "
        "Resort cyfryzacji Kazachstanu przekazał, że podpisanie umowy z Rosją nie jest w planach. "
        "Stosunki między dawnymi sojusznikami są napięte od wiosny."
    )
    score = _score(text, title, "pl")
    assert score.tension > 0.4
    assert score.relevance > 0.8


@pytest.mark.parametrize(
    ("language", "balanced", "one_sided"),
    [
        (
            "en",
            "Kazakhstan will neither join the sanctions against Russia nor help anyone circumvent them.",
            "Kazakhstan will not help anyone circumvent the sanctions against Russia.",
        ),
        (
            "ru",
            "Астана не будет присоединяться к санкциям против России "
            "и не позволит использовать свою территорию для их обхода.",
            "Астана не позволит использовать свою территорию для обхода санкций против России.",
        ),
    ],
)
def test_a_balancing_statement_counts_little(language, balanced, one_sided):
    assert abs(stance(balanced, language)) < 0.5 * abs(stance(one_sided, language))


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("en", "Kazakhstan did not join the sanctions against Russia.", -0.45),
        ("ru", "Казахстан не присоединился к санкциям против России.", -0.3),
        ("pl", "Kazachstan nie przyłączył się do sankcji wobec Rosji.", -0.3),
    ],
)
def test_not_joining_sanctions_is_not_tension(language, sentence, expected):
    # joining is not cooperation when what is joined is a step against the other side
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The Russian envoy was handed a note at the foreign ministry in Astana."),
        ("ru", "Посла России пригласили в МИД Казахстана и вручили ему ноту."),
        ("pl", "Ambasadorowi Rosji wręczono notę w Astanie."),
        ("kk", "Ресей елшісіне Астанада нотасын тапсырды."),
    ],
)
def test_a_protest_told_as_a_meeting_is_tension(language, sentence):
    assert stance(sentence, language) >= 1.5


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("ru", "Помощник президента России прилетел в Астану."),
        ("kk", "Ресей президентінің көмекшісі Астанаға келді."),
        ("kk", "Тоқаев Ресей делегациясымен танысты."),
        ("en", "An assistant to the Russian president arrived in Astana."),
    ],
)
def test_words_that_only_look_like_cues_count_nothing(language, sentence):
    assert stance(sentence, language) == 0.0


@pytest.mark.parametrize(
    ("language", "lifted", "imposed", "expected"),
    [
        (
            "en",
            "Russia lifted the ban on imports of Kazakh grain.",
            "Russia imposed a ban on imports of Kazakh grain.",
            (-0.8, 0.8),
        ),
        (
            "ru",
            "Россия сняла запрет на ввоз казахстанского зерна.",
            "Россия ввела запрет на ввоз казахстанского зерна.",
            (-0.6, 1.0),
        ),
        (
            "pl",
            "Rosja zniosła zakaz importu kazachskiego zboża.",
            "Rosja wprowadziła zakaz importu kazachskiego zboża.",
            (-0.8, 0.8),
        ),
        (
            "kk",
            "Ресей қазақстандық астыққа салынған тыйымды алып тастады.",
            "Ресей қазақстандық астыққа тыйым салды.",
            (-0.6, 1.0),
        ),
    ],
)
def test_lifting_a_ban_is_a_step_towards_the_other_side(language, lifted, imposed, expected):
    # the ban counts -0.6x once lifted; the trade words around it count as they are
    assert (round(stance(lifted, language), 3), round(stance(imposed, language), 3)) == expected


@pytest.mark.parametrize(
    ("language", "status", "expected"),
    [
        ("en", "Kazakhstan remains an ally of Russia.", -0.75),
        ("ru", "Казахстан остается союзником России.", -0.75),
        ("pl", "Kazachstan pozostaje sojusznikiem Rosji.", -0.6),
        ("kk", "Қазақстан Ресейдің одақтасы болып қала береді.", -0.75),
    ],
)
def test_naming_the_standing_tie_counts_half_a_step_taken(language, status, expected):
    # real reports repeat "ally" and "strategic partner" as boilerplate, even in stories of a rift
    assert stance(status, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "imagined", "reported"),
    [
        (
            "en",
            "A conflict with Russia would be a disaster for Kazakhstan.",
            "A conflict with Russia is a disaster for Kazakhstan.",
        ),
        (
            "ru",
            "Конфликт с Россией был бы катастрофой для Казахстана.",
            "Конфликт с Россией стал катастрофой для Казахстана.",
        ),
        (
            "pl",
            "Konflikt z Rosją byłby katastrofą dla Kazachstanu.",
            "Konflikt z Rosją jest katastrofą dla Kazachstanu.",
        ),
    ],
)
def test_an_imagined_conflict_counts_less_than_a_reported_one(language, imagined, reported):
    assert stance(imagined, language) == pytest.approx(0.4 * stance(reported, language), abs=0.01)
    assert stance(reported, language) > 0


def test_showing_the_limits_of_friendship_is_a_grievance():
    assert stance("Tokayev showed Moscow the limits of friendship.", "en") > 0
    assert stance("Токаев показал Москве пределы дружбы.", "ru") > 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("ru", "Казахстан не рассматривает вопрос о признании ДНР, заявили в Астане."),
        ("pl", "Kazachstan nie rozważa w ogóle kwestii uznania republik, poinformowała Astana."),
        ("en", "Kazakhstan is not raising the issue of the recognition of the republics."),
    ],
)
def test_negation_reaches_past_prepositions_and_the_issue_of(language, sentence):
    # four or five words from the negator, but only three content words
    assert stance(sentence, language) > 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("pl", "Żądania Astany nie mają nic wspólnego z Moskwą."),
        ("ru", "Требования Астаны не имеют ничего общего с Москвой."),
        ("en", "Astana's demands have nothing in common with Moscow."),
    ],
)
def test_nothing_in_common_is_not_a_joint_step(language, sentence):
    # "wspólny", «общий», "common" are cooperation words, but not inside this idiom
    assert stance(sentence, language) >= 0


def test_a_gap_in_a_pattern_spans_up_to_ten_words_and_no_more():
    from pipeline.scoring.patterns import PatternMatcher, parse_pattern

    matcher = PatternMatcher([parse_pattern("envoy* ... summoned", "cue", 1.5)])
    ten = [
        "the",
        "envoy",
        "of",
        "the",
        "big",
        "northern",
        "neighbour",
        "in",
        "its",
        "capital",
        "city",
        "was",
        "summoned",
    ]
    eleven = [
        "the",
        "envoy",
        "of",
        "the",
        "big",
        "northern",
        "neighbour",
        "in",
        "its",
        "old",
        "capital",
        "city",
        "was",
        "summoned",
    ]
    assert [(m.start, m.end) for m in matcher.find(ten)] == [(1, 13)]
    assert matcher.find(eleven) == []
    assert parse_pattern("... summoned", "cue") is None
    assert parse_pattern("envoy ...", "cue") is None


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("ru", "Вопрос о признании Казахстаном Донецкой и Луганской народных республик не стоит."),
        ("kk", "Днр мен лнр-ді Қазақстанның тануы мәселесі күн тәртібінде тұрған жоқ."),
        ("pl", "Kwestia uznania przez Kazachstan republik separatystycznych nie jest rozważana."),
    ],
)
def test_a_refusal_that_frames_its_proposal_turns_it_down(language, sentence):
    assert stance(sentence, language) > 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("kk", "Ресей елшісі Сыртқы істер министрлігіне әңгімеге шақырылды."),
        ("ru", "Посла России в четверг срочно вызвали в МИД Казахстана."),
        ("pl", "Ambasadora Rosji w czwartek pilnie wezwano do MSZ w Astanie."),
        ("en", "The Russian ambassador was on Thursday summoned to the ministry in Astana."),
    ],
)
def test_an_envoy_summoned_a_few_words_apart_is_a_protest(language, sentence):
    assert stance(sentence, language) >= 1.5


def test_one_refusal_of_a_mixed_phrase_is_one_act_not_a_balance():
    # "refused to recognise the annexation": a cooperation and a conflict word under one negator
    assert stance("Казахстан отказался признать аннексию.", "ru") == pytest.approx(1.53, abs=0.01)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ресей бидайы енді Қазақстанға шектеусіз келеді.", -0.3),  # without restrictions: a limit lifted
        ("Ресей бидайына Қазақстан шектеу енгізді.", 1.0),
        ("Ресей тарапы қауіпсіздікті күшейтуді айтады.", 0.0),  # security is not danger
        ("Ресей бидайының қорлары азайды.", 0.0),  # reserves, not an insult
    ],
)
def test_kazakh_without_suffix_and_words_that_only_look_like_cues(sentence, expected):
    assert stance(sentence, "kk") == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "third", "pair"),
    [
        (
            "pl",
            "Moskwę denerwuje współpraca Astany z Waszyngtonem.",
            "Moskwę cieszy współpraca Astany z Moskwą.",
        ),
        (
            "ru",
            "Москву раздражает сотрудничество Астаны с Вашингтоном.",
            "Москву радует сотрудничество Астаны с Москвой.",
        ),
        (
            "en",
            "Moscow is irritated by Astana's cooperation with Washington.",
            "Moscow praised Astana's cooperation with Russia.",
        ),
        (
            "kk",
            "Мәскеуді Астананың Вашингтонмен ынтымақтастығы ашуландырады.",
            "Мәскеу Астананың Ресеймен ынтымақтастығын құптайды.",
        ),
    ],
)
def test_cooperation_with_a_third_country_is_not_the_pairs(language, third, pair):
    assert _score(pair, "", language).tension < 0
    assert _score(third, "", language).tension > 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("pl", "Kazachstan przeciągał ratyfikację umowy z Rosją o wspólnej bazie."),
        ("ru", "Казахстан затягивает ратификацию соглашения с Россией о совместной базе."),
        ("en", "Kazakhstan delayed ratifying the agreement with Russia on a joint base."),
    ],
)
def test_delaying_a_step_holds_it_back(language, sentence):
    assert stance(sentence, language) > 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("pl", "Dla Rosji jest frustrujące, że była kolonia staje się coraz bardziej asertywna."),
        ("en", "For Moscow it is frustrating that its former colony grows ever more assertive."),
        ("ru", "Москву фрустрирует, что бывшая колония ведёт себя всё увереннее."),
    ],
)
def test_frustration_at_a_former_colony_is_tension(language, sentence):
    assert stance(sentence, language) >= 1.0


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("ru", "Очереди возникли из-за ужесточения контроля со стороны России.", 1.0),
        ("ru", "Фуры стоят на нейтральной полосе у границы с Россией.", 0.0),  # no-man's land, not neutrality
        ("en", "Queues formed after Russia tightened checks on Kazakh trucks.", 1.0),
    ],
)
def test_tightened_controls_are_tension_and_no_mans_land_is_not_neutrality(language, sentence, expected):
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "helping", "refusing"),
    [
        (
            "en",
            "Kazakhstan quietly helps Moscow circumvent the sanctions.",
            "Kazakhstan will not help Moscow circumvent the sanctions.",
        ),
        ("ru", "Казахстан помогает Москве в обходе санкций.", "Казахстан не допустит обхода санкций Москвой."),
    ],
)
def test_helping_to_dodge_sanctions_is_siding_with_the_other_side(language, helping, refusing):
    assert stance(helping, language) < 0
    assert stance(refusing, language) > 0


def test_a_long_one_sided_article_still_shows_its_strongest_sentence():
    # 150 agreements: each sentence's share of the tension is tiny, but the score is strong
    text = " ".join(f"Kazakhstan and Russia signed agreement number {i} on trade." for i in range(150))
    score = _score(text, "", "en")
    assert score.tension < -0.5
    assert len(score.evidence) >= 1
    assert score.evidence[0].weight < 0


def stance_with_partners(sentence: str, language: str) -> float:
    from pipeline.scoring.actors import actor_matcher, find_actors
    from pipeline.scoring.score import _partners

    tokens = tokenize(sentence)
    matches = cue_matcher(language).find(tokens)
    names = find_actors(tokens, actor_matcher(language))
    cues = cue_set(language)
    return sentence_stance(tokens, matches, cues, _clause_starts(sentence), partners=_partners(names)).stance


@pytest.mark.parametrize(
    ("language", "feared", "plain", "expected"),
    [
        (
            "pl",
            "Jako bliski sojusznik Moskwy Astana obserwuje wydarzenia z rosnącym niepokojem.",
            "Jako bliski sojusznik Moskwy Astana obserwuje wydarzenia.",
            0.5,
        ),
        (
            "en",
            "Astana, a close ally of Moscow, watches the events with growing fear.",
            "Astana, a close ally of Moscow, watches the events.",
            0.275,
        ),
        (
            "ru",
            "Астана, близкий союзник Москвы, с опасением следит за событиями.",
            "Астана, близкий союзник Москвы, следит за событиями.",
            0.425,
        ),
    ],
)
def test_a_fear_makes_the_restated_alliance_its_backdrop(language, feared, plain, expected):
    # Reports of a neighbour's fear repeat the alliance as context: the fear is the news.
    assert stance(plain, language) < 0
    assert stance(feared, language) == pytest.approx(expected, abs=0.01)


def test_a_fear_refuted_frames_nothing():
    # the fear is negated, so the agreement keeps its full weight: -2 + 1.5 (rejected) - 0.24 (no fear);
    # framed by the fear, the agreement would count -1 and the sentence +0.26
    assert stance("Kazakhstan signed the agreement with Russia and rejected all fears.", "en") == pytest.approx(-0.74)


@pytest.mark.parametrize(
    ("language", "third", "pair"),
    [
        (
            "ru",
            "Москва направила проекты соглашений между Россией и США.",
            "Москва направила проекты соглашений между Россией и Казахстаном.",
        ),
        (
            "en",
            "Moscow sent draft agreements between Russia and the United States.",
            "Moscow sent draft agreements between Russia and Kazakhstan.",
        ),
        (
            "pl",
            "Moskwa przygotowała porozumienie między Rosją a Chinami.",
            "Moskwa przygotowała porozumienie między Rosją a Kazachstanem.",
        ),
    ],
)
def test_a_deal_between_a_side_and_a_third_country_is_not_the_pairs(language, third, pair):
    assert stance_with_partners(pair, language) < -0.5
    assert stance_with_partners(third, language) == 0.0


@pytest.mark.parametrize(
    ("language", "absent", "present"),
    [
        ("ru", "Между странами отсутствуют договоренности.", "Между странами есть договоренности."),
        ("en", "There is a lack of agreement on transit.", "There is an agreement on transit."),
        ("pl", "Brak porozumienia w sprawie tranzytu.", "Jest porozumienie w sprawie tranzytu."),
    ],
)
def test_an_absent_agreement_is_a_missing_step(language, absent, present):
    assert stance(present, language) < 0
    assert stance(absent, language) > 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The two countries discussed grain swaps to cut transport costs."),
        ("pl", "Oba kraje rozmawiały o wymianie zboża, by obniżyć koszty transportu."),
        ("ru", "Страны обсудили обмен зерном, чтобы снизить издержки на перевозку."),
    ],
)
def test_cutting_costs_is_not_cutting_ties(language, sentence):
    assert stance(sentence, language) < 0


@pytest.mark.parametrize(
    "sentence",
    [
        "Ekspert mówi w rozmowie z gazetą, że sytuacja jest trudna.",
        "Analityk stwierdził w rozmowie z portalem, że to zła wiadomość.",
    ],
)
def test_an_interview_is_attribution_not_diplomacy(sentence):
    # "rozmowa" (talks) is a cooperation cue; "said in an interview with" only names the source
    assert stance(sentence, "pl") == 0.0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("pl", "Projekt służy Kremlowi do wzmacniania rosyjskich wpływów w regionie."),
        ("en", "The union serves to strengthen Russian influence in the region."),
        ("ru", "Союз служит Кремлю для усиления российского влияния в регионе."),
    ],
)
def test_strengthening_influence_is_domination_not_closer_ties(language, sentence):
    assert stance(sentence, language) > 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("pl", "Astana chce zrewidować umowę o współpracy z Moskwą."),
        ("ru", "Астана хочет пересмотреть соглашение о сотрудничестве с Москвой."),
        ("en", "Astana wants to renegotiate the cooperation agreement with Moscow."),
    ],
)
def test_revising_a_deal_reaches_its_object(language, sentence):
    assert stance(sentence, language) == pytest.approx(2.0, abs=0.01)


def test_a_sham_tie_is_a_grievance():
    assert stance("Astana utrzymuje więzi partnerskie z Moskwą.", "pl") < 0
    assert stance("Astana utrzymuje tylko pozorne więzi partnerskie z Moskwą.", "pl") > 0


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("pl", "Jako członek unii celnej Astana podpisała umowę z Rosją."),
        ("en", "As a member of the customs union, Astana signed the agreement with Russia."),
        ("ru", "В качестве члена таможенного союза Астана подписала соглашение с Россией."),
    ],
)
def test_membership_restated_is_background(language, sentence):
    tokens = tokenize(sentence)
    matches = cue_matcher(language).find(tokens)
    assert sentence_stance(tokens, matches, cue_set(language), _clause_starts(sentence)).emphasis == 0.4


def test_a_fear_piece_that_restates_the_alliance_scores_tension():
    # Modelled on Polish commentary after 2014: the alliance is repeated as context, the fear is the
    # story (stance-1.7 scored such a piece -0.45).
    text = (
        "Kazachstan z niepokojem śledzi wydarzenia na Ukrainie. "
        "Jako członek unii celnej i strategiczny partner Astana została postawiona w niewygodnej sytuacji "
        "wobec Moskwy, swojego sojusznika. "
        "Z jednej strony jest jednym z najbliższych sojuszników Rosji, z drugiej argumenty Kremla są dla niej "
        "niebezpieczne. "
        "Lęk Kazachów przed Rosją wynika z dużej mniejszości rosyjskiej na północy."
    )
    assert _score(text, "", "pl").tension == pytest.approx(0.2254, abs=0.002)  # 1.10: stacked ties


@pytest.mark.parametrize(
    ("language", "signed", "refused"),
    [
        # Uzbek in Latin and in Cyrillic (the Cyrillic patterns are the Latin ones transliterated)
        (
            "uz",
            "Qozog'iston va Rossiya hamkorlik to'g'risidagi bitimni imzoladi.",
            "Qozog'iston Rossiya bilan bitimni imzolamadi.",
        ),
        (
            "uz",
            "Қозоғистон ва Россия ҳамкорлик тўғрисидаги битимни имзолади.",
            "Қозоғистон Россия билан битимни имзоламади.",
        ),
        ("ky", "Казакстан менен Орусия кызматташтык боюнча келишимге кол койду.", "Казакстан келишимге кол койбоду."),
        ("tr", "Kazakistan ve Rusya işbirliği anlaşması imzaladı.", "Kazakistan Rusya ile anlaşmayı imzalamadı."),
        (
            "tk",
            "Gazagystan bilen Russiýa hyzmatdaşlyk barada ylalaşyga gol çekdi.",
            "Gazagystan Russiýa bilen ylalaşyga gol çekmedi.",
        ),
    ],
)
def test_turkic_languages_have_cues_and_suffix_negation(language, signed, refused):
    assert stance(signed, language) < -1.0
    assert stance(refused, language) > 0.5


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("uz", "Rossiya elchisi tashqi ishlar vazirligiga chaqirildi va unga norozilik bildirildi."),
        ("ky", "Орусиянын элчиси тышкы иштер министрлигине чакырылып, нааразылык билдирилди."),
        ("tr", "Kazakistan, Rusya'nın toprak taleplerini kabul edilemez olarak nitelendirdi."),
        ("tk", "Astana Moskwanyň beýanatyny ret etdi we ýagdaý ýaramazlaşdy."),
    ],
)
def test_turkic_languages_read_protests_as_tension(language, sentence):
    assert stance(sentence, language) >= 1.5


def test_turkish_verbal_noun_is_not_negation():
    # -ma/-me also makes verbal nouns: "the signing of the agreement" is no refusal
    assert stance("Kazakistan'ın anlaşmayı imzalaması bekleniyor.", "tr") < 0


@pytest.mark.parametrize(
    ("language", "third", "pair"),
    [
        (
            "uz",
            "Qozog'iston Xitoy bilan hamkorlikni kengaytirdi.",
            "Qozog'iston Rossiya bilan hamkorlikni kengaytirdi.",
        ),
        ("ky", "Казакстан Кытай менен кызматташтыкты кеңейтти.", "Казакстан Орусия менен кызматташтыкты кеңейтти."),
        ("tr", "Kazakistan Çin ile işbirliğini genişletti.", "Kazakistan Rusya ile işbirliğini genişletti."),
    ],
)
def test_a_turkic_postposition_names_a_third_partner(language, third, pair):
    assert stance_with_partners(third, language) > -0.9  # only "expanded" is left
    assert stance_with_partners(pair, language) < -1.5


def test_a_turkish_capital_dotted_i_keeps_the_word_whole():
    # "İ" lower-cases to "i" plus a combining dot, which used to split "İşbirliği" into two tokens
    assert _score("Kazakistan ve Rusya Arasında İşbirliği", "", "tr").tension < -0.3


@pytest.mark.parametrize(
    ("language", "framed", "plain"),
    [
        (
            "en",
            "Kazakhstan, once a loyal ally of Moscow, kept quiet.",
            "Kazakhstan, a loyal ally of Moscow, kept quiet.",
        ),
        (
            "en",
            "Kazakhstan, hitherto one of the most reliable allies of Moscow, kept quiet.",
            "Kazakhstan, one of the most reliable allies of Moscow, kept quiet.",
        ),
        ("pl", "Kazachstan, niegdyś wierny sojusznik Moskwy, milczy.", "Kazachstan, wierny sojusznik Moskwy, milczy."),
        ("ru", "Казахстан, некогда верный союзник Москвы, промолчал.", "Казахстан, верный союзник Москвы, промолчал."),
        ("kk", "Бір кездегі адал одақтас Қазақстан үнсіз қалды.", "Адал одақтас Қазақстан үнсіз қалды."),
    ],
)
def test_a_tie_told_as_a_thing_of_the_past_is_a_grievance(language, framed, plain):
    assert stance(plain, language) < 0
    assert stance(framed, language) > 0.5


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The deputy called Almaty Russian land, words incompatible with the friendship of the two allies."),
        ("ru", "Депутат назвал Алматы исконно русской землей, что не вяжется с дружбой и союзническими отношениями."),
        ("pl", "Deputowany nazwał północ Kazachstanu ziemią rosyjską, mimo przyjaźni i sojuszu obu krajów."),
        ("kk", "Депутат солтүстік өңірлерді орыс жері деп атады, бұл достық пен одақтастыққа сай емес."),
    ],
)
def test_a_claim_on_the_other_sides_land_is_conflict_whatever_surrounds_it(language, sentence):
    assert stance(sentence, language) >= 2.5


def test_a_denied_territorial_claim_keeps_its_friendship():
    assert stance("Russia has no territorial claims on Kazakhstan, Peskov said, praising the friendship.", "en") < -1


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        (
            "en",
            "Medvedev called Kazakhstan an artificial state and promised to restore Russia's borders, despite "
            "the friendship of the two allies.",
            3.0,
        ),
        (
            "ru",
            "Медведев назвал Казахстан искусственным государством и пообещал восстановить границы РФ, несмотря "
            "на союзнические отношения.",
            3.0,
        ),
        (
            "pl",
            "Miedwiediew nazwał Kazachstan sztucznym państwem i zapowiedział przywrócenie granic Rosji, mimo "
            "sojuszu obu krajów.",
            3.0,
        ),
        ("kk", "Медведев Қазақстанды жасанды мемлекет деп атады, бұл достық пен одақтастыққа сай емес.", 3.0),
        # "never" before the denial is part of it, not a negator of it
        ("kk", "Путин «қазақтарда ешқашан мемлекеттілік болмаған» деді, бұл достық пен одақтастыққа сай емес.", 3.0),
        (
            "ru",
            "Депутат заявил, что у казахов никогда не было государственности, хотя Россия и Казахстан союзники.",
            2.9,
        ),
        ("en", "A pundit said the Kazakhs never had statehood, though Kazakhstan is Russia's ally.", 2.9),
        (
            "pl",
            "Deputowany stwierdził, że Kazachowie nigdy nie mieli państwowości, choć Kazachstan to sojusznik Rosji.",
            2.72,
        ),
    ],
)
def test_denying_the_other_sides_statehood_is_a_claim_on_it(language, sentence, expected):
    # Found on ledger 18: a post calling Kazakhstan an artificial state and promising to restore Russia's borders
    # had scored as cooperation (the "restoring" of ties). The holdouts' "never had statehood" items use these
    # words too, so they are no longer blind for this rule (docs/evaluation-written.md).
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Kazakhstan and Russia agreed to restore border crossings closed during the pandemic."),
        ("ru", "Россия и Казахстан договорились о восстановлении пограничных переходов после паводка."),
    ],
)
def test_restoring_border_crossings_is_no_claim(language, sentence):
    assert stance(sentence, language) < -1


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [  # the review's near misses: the state's regulation, a reserve's borders, a border with China, history
        (
            "ru",
            "Казахстан и Россия обсудили искусственное государственное регулирование цен на топливо и договорились "
            "о поставках.",
            -1.3,
        ),
        (
            "en",
            "Kazakhstan and Russia agreed on artificial state support for fuel prices and signed a supply deal.",
            -3.0,
        ),
        (
            "ru",
            "Россия восстановила историческую границу с Китаем на Амуре, а с Казахстаном подписала договор о "
            "сотрудничестве.",
            -3.0,
        ),
        ("en", "Russia and Kazakhstan agreed to restore historical borders of the Altai reserve.", -1.8),
        (
            "ru",
            "Историки России и Казахстана отметили, что у казахов не было государственности до XV века, и "
            "договорились о совместной работе.",
            -2.0,
        ),
    ],
)
def test_words_near_a_statehood_claim_are_no_claim(language, sentence, expected):
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        (
            "ru",
            "Путин назвал Украину искусственным государством и поблагодарил Казахстан за союзнические отношения.",
            -1.95,
        ),
        ("en", "Putin called Ukraine an artificial state and thanked Kazakhstan for its alliance.", -2.2),
        ("en", "Crimea is Russian land, Putin said, thanking Kazakhstan for the friendship.", -1.8),
        ("en", "Putin called Kazakhstan an artificial state, despite the alliance.", 2.5),
    ],
)
def test_a_claim_on_a_third_country_named_before_it_is_that_countrys(language, sentence, expected):
    # Without the names the claim stands (3.0); with them, the nearest name within three words owns it.
    assert stance_with_partners(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Kazakhstan signed an agreement on strategic partnership and cooperation with Britain."),
        ("ru", "Казахстан подписал соглашение о стратегическом партнерстве и сотрудничестве с Великобританией."),
        ("pl", "Kazachstan podpisał umowę o partnerstwie strategicznym i współpracy z Wielką Brytanią."),
    ],
)
def test_a_partnership_with_a_third_country_is_not_the_pairs(language, sentence):
    assert stance_with_partners(sentence, language) == pytest.approx(0.0, abs=0.31)


def test_a_headline_that_disagrees_with_the_body_counts_double():
    # The headline carries the dispute; the body restates the partnership as background.
    title = "Astana and Moscow: a quarrel between partners"
    body = (
        "Kazakhstan and Russia have long developed their partnership in many fields. "
        "Trade between Kazakhstan and Russia grew, and the two sides cooperate in the Eurasian union."
    )
    # stance-1.8: -0.3175; stance-1.10: -0.0666; since 1.11 the partners beside the quarrel are its backdrop;
    # stance-1.14: 0.0682; since 1.15 the body's sentence that only names the tie is the quarrel's backdrop
    assert _score(body, title, "en").tension == pytest.approx(0.1235, abs=0.002)
    assert _score(body, "", "en").tension == pytest.approx(-0.6928, abs=0.002)


def test_sentences_without_cues_dilute_an_act_only_half():
    # One summons among plain sentences of names and dates: the act is the story.
    text = (
        "Kazakhstan summoned the Russian ambassador on Monday. "
        "The meeting between Kazakhstan's deputy minister and Russia's envoy took place in Astana. "
        "Russia's embassy in Kazakhstan is on the old square. "
        "Kazakhstan and Russia will hold elections next year."
    )
    assert _score(text, "", "en").tension == pytest.approx(0.2465, abs=0.002)  # stance-1.8: 0.1986


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The country's largest bank stopped servicing Russian payment cards."),
        ("pl", "Największy bank w kraju przestał obsługiwać rosyjskie karty płatnicze."),
        ("ru", "Пограничники вернули в Россию восемь вагонов зерна."),
        # the verb comes after its object: Kazakh, and a German participle
        ("kk", "Сегіз вагон астық Ресейге кері қайтарылды."),
        ("de", "Die Behörden haben zwölf Waggons mit russischer Kohle zurückgeschickt."),
    ],
)
def test_a_step_that_falls_on_the_other_side_is_tension(language, sentence):
    # Distancing told in neutral words: nothing here is a conflict word, the object is the pair.
    assert stance(sentence, language) <= 0.8  # without the names, no more than the verb's own weight
    assert stance_with_partners(sentence, language) == pytest.approx(stance(sentence, language) + 1.0)


def test_a_step_on_a_third_country_or_a_step_not_taken_is_no_act_against_the_pair():
    russian = stance_with_partners("The country's largest bank stopped servicing Russian payment cards.", "en")
    ukrainian = stance_with_partners("The country's largest bank stopped servicing Ukrainian payment cards.", "en")
    assert ukrainian == pytest.approx(russian - 1.0)
    assert stance_with_partners("The bank did not stop servicing Russian payment cards.", "en") < 0


@pytest.mark.parametrize(
    ("language", "third", "pair"),
    [
        (
            "en",
            "Putin and Tokayev discussed a settlement of the Ukrainian conflict.",
            "Russia's war in Ukraine has strained ties with Astana.",
        ),
        ("ru", "Путин и Токаев обсудили урегулирование украинского кризиса.", "Российская агрессия против Украины."),
    ],
)
def test_a_third_countrys_conflict_is_not_the_pairs(language, third, pair):
    assert stance_with_partners(third, language) == 0.0
    assert stance_with_partners(pair, language) > 0  # the pair wages it: "Russia's war in Ukraine"


def test_a_third_countrys_integrity_is_what_the_pair_disputes():
    # only strife words belong to the country named beside them; backing Ukraine's integrity is a stance
    assert stance_with_partners("Astana backed the territorial integrity of Ukraine.", "en") > 0
    assert stance_with_partners("Астана выступает за территориальную целостность Украины.", "ru") > 0
    assert stance_with_partners("Астана Украинаның аумақтық тұтастығын құрметтейді.", "kk") > 0


@pytest.mark.parametrize(
    ("language", "conceded", "agreeing"),
    [
        (
            "en",
            "Despite the alliance with Moscow, Astana abstained at the UN.",
            "Despite their alliance, Astana and Moscow signed a new treaty.",
        ),
        (
            "ru",
            "Несмотря на помощь Москвы в январе, Астана воздержалась при голосовании в ООН.",
            "Несмотря на давнюю дружбу, Астана и Москва подписали новый договор о сотрудничестве.",
        ),
    ],
)
def test_a_tie_conceded_is_the_backdrop_of_what_follows(language, conceded, agreeing):
    assert stance(conceded, language) == pytest.approx(0.5)  # half the tie's weight, turned
    assert stance(agreeing, language) < -1.0  # the tie and the news agree: cooperation


def test_the_formula_of_the_tie_adds_less_with_each_word():
    one = stance("Astana is Moscow's ally.", "en")
    formula = stance("Astana is Moscow's ally, strategic partner and friend.", "en")
    assert one == pytest.approx(-0.75)
    assert formula == pytest.approx(-1.55)  # 0.75 + half of 0.4 + 0.6 + 0.6 for the others, not 2.35


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("ru", "Тон этих заявлений диссонирует с характером союзнических отношений двух стран."),
        ("en", "The remarks are at odds with the spirit of the strategic partnership."),
        ("pl", "Te słowa są sprzeczne z duchem strategicznego partnerstwa."),
        ("pl", "Astana, dotychczasowy sojusznik Moskwy, milczy."),
        ("de", "Das wirkt wie eine Ablehnung der eurasischen Integration."),
    ],
)
def test_a_tie_invoked_to_measure_a_wrong_is_a_grievance(language, sentence):
    # "at odds with the spirit of partnership": the partnership is the yardstick of a rebuke
    assert stance(sentence, language) > 0.6


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The minister called the Russian deputy's claims nonsense."),
        ("ru", "Министр назвал заявление российского депутата бредом."),
        ("pl", "Minister nazwał słowa rosyjskiego posła bzdurą."),
        ("kk", "Министр ресейлік депутаттың сөзін бос сандырақ деп атады."),
        ("tr", "Rus sunucu Kazakistan'a giremeyecek."),
        ("de", "Kasachstan verhängte ein Einreiseverbot gegen den russischen Moderator."),
        ("ru", "Кремль пытается привязать к себе Казахстан."),
    ],
)
def test_rebukes_entry_bans_and_levers_are_tension(language, sentence):
    assert stance(sentence, language) >= 1.0


def test_a_protocol_snub_outweighs_the_meeting_it_describes():
    assert stance("Putin was met at the airport only by the prime minister.", "en") > 0
    assert stance("Putin was met at the airport by the president.", "en") < 0


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("kk", "Ресейдің уақытша сенімді өкілі министрлікке келді.", 0.0),  # a chargé d'affaires, not trust
        ("tr", "Gazprom Media CEO yardımcısı Kazakistan'ı eleştirdi.", 1.0),  # a deputy, not help
    ],
)
def test_a_title_is_not_a_cooperation_word(language, sentence, expected):
    assert stance(sentence, language) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # Kazakh: "without" as a suffix after the possessive (келісім-і-н-сіз), a negated cooperation word
        ("kk", "Ресей Жайық өзенінде Қазақстанның келісімінсіз тағы бір бөгет салып жатыр.", 0.8),
        ("kk", "Ресей Жайық өзенінде Қазақстанның қолдауынсыз тағы бір бөгет салып жатыр.", 0.8),  # back vowels
        # answered in kind
        ("en", "Kazakhstan answered Moscow's fee with a mirror measure on Russian cars.", 1.5),
        ("ru", "Казахстан ответил на утильсбор России зеркальными мерами.", 1.5),
        ("ru", "Москва пообещала симметричный ответ на пошлины Казахстана.", 1.5),
        ("pl", "Kazachstan odpowiedział na opłatę Rosji lustrzanymi środkami.", 1.5),
        ("kk", "Қазақстан Ресейдің алымына жауап шараларын енгізді.", 1.5),
        # behind the other's back
        ("ru", "Россия провела учения без ведома Казахстана.", 1.0),
    ],
)
def test_a_step_in_kind_or_without_consent_is_friction(language, sentence, expected):
    # Ledger 18 (stance-1.23): a fee raised "only mirroring" the other's, a dam built without consent.
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # the review of stance-1.23's first build: each of these read as friction there
        ("en", "The tenge has been mirroring the Russian rouble all year, analysts in Astana said.", 0.0),
        ("en", "Kazakhstan unilaterally extended visa-free stays for Russian citizens to 90 days.", 0.0),
        ("en", "Kazakhstan and Russia introduced mirror steps to ease border crossing for their citizens.", 0.0),
        ("ru", "Граждане Казахстана смогут находиться в России до 90 дней без уведомления миграционной службы.", 0.0),
        ("ru", "Казахстан и Россия симметрично ответили на пандемию.", 0.0),
        ("pl", "Obywatele Kazachstanu mogą przebywać w Rosji do 90 dni bez zgody urzędu migracyjnego.", 0.0),
        ("kk", "Қазақстан Ресей азаматтары үшін біржақты түрде визасыз режим енгізді.", 0.0),
        # consent given is the cooperation word itself
        ("kk", "Ресей Қазақстанның келісімімен бөгет салып жатыр.", -1.0),
    ],
)
def test_a_rule_made_easier_or_a_currency_mirroring_is_no_friction(language, sentence, expected):
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # the organisation's name holds "cooperation" (-1.5 before); "summit" is a meeting (-0.5)
        ("en", "Kazakhstan will chair the Organization for Security and Cooperation in Europe next year.", 0.0),
        ("en", "Tokayev and Putin were at the Shanghai Cooperation Organisation summit in Astana.", -0.5),
        ("ru", "Казахстан возглавит Организацию по безопасности и сотрудничеству в Европе, сказал Масимов.", 0.0),
        ("ru", "Токаев и Путин были на саммите Шанхайской организации сотрудничества в Астане.", -0.5),
        ("pl", "Tokajew i Putin byli na szczycie Szanghajskiej Organizacji Współpracy w Astanie.", 0.0),
        ("kk", "Тоқаев пен Путин Астанадағы Шанхай ынтымақтастық ұйымының саммитінде болды.", -0.5),
        # cooperation agreed outside the name still counts
        ("en", "Tokayev and Putin agreed at the summit to expand cooperation.", -3.0),
    ],
)
def test_an_organisation_named_for_cooperation_is_no_step_between_the_two(language, sentence, expected):
    # Ledger 19 (stance-1.23): Kazakhstan "taking the OSCE's chair" read as cooperation with Russia.
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # a verb of intent or ability between the negator and the pressure does not use up its reach
        ("ru", "Россия не собирается оказывать на страну давление.", -0.3),
        ("ru", "Россия не намерена вводить санкции против Казахстана.", -0.45),
        ("pl", "Rosja nie zamierza wywierać na kraj presji.", -0.3),
        ("en", "Russia does not plan to put new pressure on Kazakhstan.", -0.3),
        # a negated ability before another negator is a double negation: "cannot but support"
        ("ru", "Казахстан не может не поддержать Россию.", -1.0),
        ("ru", "Казахстан не может поддержать Россию.", 0.8),
    ],
)
def test_a_negator_reaches_past_a_verb_of_intent_and_cannot_but_is_a_double_negation(language, sentence, expected):
    # Ledger 21 (stance-1.24): «не собирается оказывать на страну давление» read as pressure (+1.0)
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("en", "Russia respects Kazakhstan's position on the breakaway republics.", -1.0),
        ("en", "Moscow said it respects the decision of Astana.", -1.0),
        ("ru", "Россия уважает позицию Казахстана по этому вопросу.", -1.0),
        ("ru", "Москва уважает выбор Астаны.", -1.0),
        ("pl", "Moskwa szanuje stanowisko Kazachstanu.", -1.0),
        ("kk", "Ресей Қазақстанның ұстанымын құрметтейді.", -1.0),
        # not respected is a grievance
        ("ru", "Россия не уважает позицию Казахстана.", 0.8),
    ],
)
def test_respecting_the_other_sides_position_or_decision_accommodates_it(language, sentence, expected):
    # Ledger 21 (stance-1.24): Moscow "respects" Astana's refusal to recognise the breakaway republics
    assert stance(sentence, language) == pytest.approx(expected, abs=0.01)
