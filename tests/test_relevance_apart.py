"""stance-1.18, relevance: Russia's own call-up told with Kazakhstan as the setting, and pieces where the
two sides never meet (Russia among the guarantors of talks on Syria held in Kazakhstan). The items are
written for this project, modelled on the framing of real near misses in the ledgers.
"""

import pytest

from pipeline.scoring.actors import SIDE_A, SIDE_B
from pipeline.scoring.relevance import SentenceFacts, links, relevance
from pipeline.scoring.score import _score

CALL_UP = {
    "en": (
        "Russia opens a call-up point at the Kazakh border",
        "Russia will open a temporary mobilisation point at its border with Kazakhstan to hand out draft "
        "notices, the regional governor said. Men crossing the border will be checked against the lists of "
        "the local enlistment office. Those on the lists will receive their call-up papers on the spot. "
        "The mobilisation announced by Putin last week is expected to cover three hundred thousand reservists.",
    ),
    "ru": (
        "Россия откроет мобилизационный пункт на границе с Казахстаном",
        "Россия откроет временный мобилизационный пункт на границе с Казахстаном, где будут вручать "
        "повестки, сообщил губернатор области. Мужчин, пересекающих границу, будут сверять со списками "
        "военкомата. Тем, кто есть в списках, повестки вручат на месте. Частичная мобилизация, объявленная "
        "Путиным, коснется трехсот тысяч резервистов.",
    ),
    "pl": (
        "Rosja otwiera punkt mobilizacyjny na granicy z Kazachstanem",
        "Rosja otworzy tymczasowy punkt mobilizacyjny na granicy z Kazachstanem, gdzie będą wręczane "
        "wezwania do wojska, poinformował gubernator obwodu. Mężczyzn przekraczających granicę sprawdzi "
        "komisja wojskowa. Poborowi z listy dostaną wezwania na miejscu. Mobilizacja ogłoszona przez "
        "Putina obejmie trzysta tysięcy rezerwistów.",
    ),
    "kk": (
        "Ресей Қазақстанмен шекарада мобилизация пунктін ашады",
        "Ресей Қазақстанмен шекарада уақытша мобилизация пунктін ашып, әскерге шақыру қағазын береді, деп "
        "хабарлады облыс губернаторы. Шекарадан өтетін ер адамдарды әскери комиссариат тізімімен "
        "тексереді. Тізімде бар адамдарды әскерге шақырады. Путин жариялаған жұмылдыру үш жүз мың "
        "адамды қамтиды.",
    ),
}


@pytest.mark.parametrize("language", sorted(CALL_UP))
def test_russias_own_call_up_at_the_kazakh_border_is_not_about_the_pair(language):
    # stance-1.17 read the border sentence as the pair's (about 0.88 in en and ru): the call-up words are
    # now a topic, like a match or a flood, so a piece full of them is about the mobilisation.
    title, body = CALL_UP[language]
    assert _score(body, title, language).relevance == pytest.approx(0.0, abs=0.002)


SYRIA = {
    "en": (
        "Russia, Turkey and Iran to hold Syria talks in Kazakhstan",
        "Russia, Turkey and Iran will hold a new round of talks on Syria in Kazakhstan next week, the Kazakh "
        "foreign minister said on Monday. Delegations of the three guarantor countries and of the Syrian "
        "government are expected in Astana on Tuesday. The talks will discuss the ceasefire, prisoner "
        "exchanges and humanitarian aid. The minister said Kazakhstan was ready to host further meetings.",
    ),
    "ru": (
        "Россия, Турция и Иран проведут переговоры по Сирии в Казахстане",
        "Россия, Турция и Иран проведут новый раунд переговоров по Сирии в Казахстане на следующей неделе, "
        "сообщил глава МИД Казахстана. Делегации трех стран-гарантов и сирийского правительства прибудут в "
        "Астану во вторник. На встрече обсудят режим прекращения огня, обмен пленными и гуманитарную помощь. "
        "Министр заявил, что Казахстан готов и дальше принимать такие встречи.",
    ),
}


@pytest.mark.parametrize("language", sorted(SYRIA))
def test_talks_hosted_in_kazakhstan_with_russia_only_in_a_list_are_not_about_the_pair(language):
    # Russia is named only as an item of the guarantors' list, Kazakhstan only as host: the two never
    # meet. stance-1.17 gave 0.51 (the listed sentences' evidence added up).
    title, body = SYRIA[language]
    assert _score(body, title, language).relevance == pytest.approx(0.223, abs=0.002)


def test_a_bilateral_meeting_on_floods_stays_about_the_pair():
    # The two governments' own flood preparedness is the relationship: the sides meet in every sentence.
    body = (
        "Kazakhstan and Russia agreed to share river data daily ahead of the spring floods, the two governments "
        "said after talks in Uralsk. The Russian side will warn Kazakhstan of reservoir releases upstream. "
        "Both countries will hold a joint drill on the border rivers in March."
    )
    title = "Kazakhstan and Russia agree on flood preparedness"
    assert _score(body, title).relevance == pytest.approx(0.925, abs=0.002)


def test_the_sides_apart_halve_the_evidence_and_meeting_once_keeps_it():
    # Two sentences each naming one side, far apart (a sentence naming nobody between): they never meet.
    a = SentenceFacts(frozenset({SIDE_A}), False, 0.0, 1.0, 1)
    b = SentenceFacts(frozenset({SIDE_B}), False, 0.0, 1.0, 1)
    gap = SentenceFacts(frozenset(), False, 0.0, 0.0, 0)
    apart = [a, gap, b, gap]
    near = [a, b, gap, gap]
    assert max(links(apart)) < 0.4 <= max(links(near))
    assert relevance(apart, links(apart)) == pytest.approx(0.0679, abs=0.0002)  # stance-1.17: 0.1749
    assert relevance(near, links(near)) == pytest.approx(0.3125, abs=0.0002)
