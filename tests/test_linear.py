"""Every text stage takes time in proportion to its input: pathological inputs (runs of dots, of
"Mr. Smith ", of commas, one endless word, ...) against ordinary prose of the same length, and
extraction of pages with thousands of paragraphs (trafilatura's main extractor alone is quadratic in them).

Ratios measured in the same test, never wall-clock limits: a pathological input may take at most
MAX_RATIO times as long as prose, and four times the input at most MAX_GROWTH times as long
(linear is 4x, quadratic 16x). The old splitter took 93 s on 100 000 dots.
"""

import gc
import statistics
import time
from functools import cache

import pytest

from pipeline.dedupe import fingerprint
from pipeline.extract import extract_article
from pipeline.scoring.score import MAX_CHARS, _score
from pipeline.scoring.sentences import split_sentences

MAX_RATIO = 5.0
MAX_GROWTH = 8.0
LENGTH = MAX_CHARS  # the scorer reads no more than this

ENGLISH = (
    "Kazakhstan and Russia signed an agreement on grain transit in Astana on Tuesday. "
    "The two presidents also discussed gas supplies, the Caspian pipeline and the lease of Baikonur. "
    "Officials in Moscow did not comment on the talks, which lasted three hours. "
    "Trade between the neighbours grew by a tenth last year, the ministry said. "
    "Mr. Tokayev later flew to Tashkent for a regional summit.\n"
)
RUSSIAN = (
    "Казахстан и Россия подписали во вторник соглашение о транзите зерна. "
    "Президенты также обсудили поставки газа, Каспийский трубопровод и аренду Байконура. "
    "В Москве не стали комментировать переговоры, которые длились три часа. "
    "Товарооборот между соседями вырос за год на десятую часть, сообщило министерство.\n"
)

# Kazakh in the Arabic-based alphabet (töte) and in the Latin alphabet: transliterated before scoring,
# so their own prose is the baseline (invented sentences, as in tests/test_normalize.py).
TOTE = (
    "استانا رەسەي ەلشىسىنە نارازىلىق نوتاسىن تاپسىردى. "
    "قازاقستان مەن رەسەي اراسىنداعى ساۋدا ءوستى جانە ەكى ەل كەلىسىمگە قول قويدى.\n"
)
KAZAKH_LATIN = (
    "Qazaqstan men Reseı astyq tranzıti týraly kelisimge qol qoıdy. "
    "Eki el prezıdentteri gaz jetkizilimi men Baıqońyr jalgerligin talqylady.\n"
)


def _fill(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


# name: (builder of a text of the given length, prose of the same language)
PATHOLOGICAL = {
    "dot run": (lambda n: "." * n, ENGLISH),
    "Mr. Smith repeated": (lambda n: _fill("Mr. Smith ", n), ENGLISH),
    "!?!? run": (lambda n: _fill("!?", n), ENGLISH),
    "one word": (lambda n: "a" * n, ENGLISH),
    "Cyrillic without spaces": (lambda n: _fill("казахстанроссиясанкции", n), RUSSIAN),
    "emoji and ZWJ": (lambda n: _fill("👨\u200d👩\u200d👧\u200d👦🇰🇿", n), ENGLISH),
    "line of commas": (lambda n: "," * n, ENGLISH),
    "full stop then spaces": (lambda n: "a." + " " * (n - 3) + "B", ENGLISH),
    "spaces without a line break": (lambda n: "a" + " \t" * (n // 2), ENGLISH),
    "repeated negators": (lambda n: _fill("не ", n), RUSSIAN),
    "repeated cue words": (lambda n: _fill("sanctions ", n), ENGLISH),
    "negated cues with both sides": (lambda n: _fill("Kazakhstan did not support Russia, not good. ", n), ENGLISH),
    "tone words with both sides": (
        lambda n: _fill("Kazakhstan Russia good bad great awful not happy sad ", n),
        ENGLISH,
    ),
    "töte then blank lines": (lambda n: TOTE * 3 + "\n" * (n - 3 * len(TOTE)), TOTE),
    "töte then spaces after a full stop": (lambda n: TOTE * 3 + ". " + " " * (n - 3 * len(TOTE) - 2), TOTE),
    "Latin Kazakh then blank lines": (lambda n: KAZAKH_LATIN * 3 + "\n" * (n - 3 * len(KAZAKH_LATIN)), KAZAKH_LATIN),
    "Cyrillic with Latin look-alikes": (lambda n: _fill("Кaзaхстaн и Рoссия пoдписaли сoглaшение. ", n), RUSSIAN),
    "hard-wrapped lines": (lambda n: _fill("Kazakhstan and Russia signed\nan agreement on grain\n", n), ENGLISH),
    "the two countries after another pair": (
        lambda n: "Kazakhstan and China agreed. " + _fill("The two countries signed. Russia waited. ", n - 29),
        ENGLISH,
    ),
}


def _seconds(stage, text: str) -> float:
    """Median of three timings of ``stage(text)``; each repeats the call until 20 ms have passed, so
    fast stages are timed as reliably as slow ones."""
    stage(text)  # load lexicons and fill caches first, as in a long ingest
    timings = []
    # The garbage collector's full passes walk the whole test process's heap (large late in the
    # suite) whenever a stage allocates many small objects: that measures the suite, not the stage.
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            # CPU time, not wall time: a busy machine delays a stage without making it do more work.
            calls, start = 0, time.process_time()
            while (elapsed := time.process_time() - start) < 0.02 or not calls:
                stage(text)
                calls += 1
            timings.append(elapsed / calls)
    finally:
        gc.enable()
    return statistics.median(timings)


STAGES = {"split_sentences": split_sentences, "score_article": _score, "fingerprint": fingerprint}


@cache
def _prose_seconds(stage_name: str, prose: str) -> float:
    return _seconds(STAGES[stage_name], _fill(prose, LENGTH))


@pytest.mark.parametrize("stage_name", sorted(STAGES))
@pytest.mark.parametrize("case", sorted(PATHOLOGICAL))
def test_pathological_input_takes_time_in_proportion_to_its_length(stage_name, case):
    stage = STAGES[stage_name]
    build, prose = PATHOLOGICAL[case]
    quarter = _seconds(stage, build(LENGTH // 4))
    full = _seconds(stage, build(LENGTH))
    baseline = _prose_seconds(stage_name, prose)
    assert full <= MAX_GROWTH * quarter, (
        f"{stage_name} on {case}: {full:.4f} s for {LENGTH} characters, {full / quarter:.1f}x the time "
        f"for a quarter of them (linear is 4x)"
    )
    assert full <= MAX_RATIO * baseline, (
        f"{stage_name} on {case}: {full:.4f} s for {LENGTH} characters, {full / baseline:.1f}x the "
        f"{baseline:.4f} s that prose of the same length takes"
    )


@pytest.mark.parametrize("prose", [ENGLISH, RUSSIAN], ids=["en", "ru"])
def test_prose_scoring_grows_linearly(prose):
    quarter = _seconds(_score, _fill(prose, LENGTH // 4))
    full = _seconds(_score, _fill(prose, LENGTH))
    assert full <= MAX_GROWTH * quarter, f"scoring prose: {full / quarter:.1f}x the time for 4x the text"


def test_a_two_hundred_thousand_character_word_is_split_in_linear_time():
    word, prose = "ж" * (2 * LENGTH), _fill(RUSSIAN, 2 * LENGTH)
    assert _seconds(split_sentences, word) <= MAX_RATIO * _seconds(split_sentences, prose)
    assert all(len(piece) <= 2000 for piece in split_sentences(word))


# Pages of distinct paragraphs (trafilatura drops repeated ones), built from a paragraph count.
def _paragraph(i: int, markup: str) -> str:
    return markup.format(
        f"Kazakhstan and Russia discussed point {i} in Astana on Tuesday, officials said.", f"item {i}"
    )


def _page(count: int, markup: str, wrapper: str = "{}") -> str:
    paragraphs = "\n".join(_paragraph(i, markup) for i in range(count))
    return f"<html><head><title>Talks</title></head><body>{wrapper.format(paragraphs)}</body></html>"


PARAGRAPHS = 10_000  # with links: 50,000 text pieces, 1.4 MB; plain trafilatura took 8-20x the time of a quarter
LINKED = "<p>{0} <a href='/t'>Trade</a> and <b>{1}</b> next.</p>"
# name: (paragraph markup, what holds the paragraphs, paragraphs on the full page). Each was quadratic
# in the text pieces inside paragraphs (five in a paragraph with a link) before extraction in sections.
# (Paragraphs straight in the body never were: trafilatura finds no container there, so skips the query.)
PAGES = {
    "paragraphs in an article": ("<p>{0}</p>", "<article>{}</article>", 3 * PARAGRAPHS),
    "paragraphs with links in an article": (LINKED, "<article>{}</article>", PARAGRAPHS),
    "paragraphs with links, each in its own div": (f"<div>{LINKED}</div>", "<div class='content'>{}</div>", PARAGRAPHS),
}


def _cpu_seconds(stage, text: str) -> float:
    """Median of three runs of ``stage(text)`` in this process's CPU time: a second or more of
    extraction is long enough to time once, and CPU time is spared the other processes' load."""
    timings = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            start = time.process_time()
            stage(text)
            timings.append(time.process_time() - start)
    finally:
        gc.enable()
    return statistics.median(timings)


def _extract(html: str):
    return extract_article(html, "https://example.org/talks")


@pytest.mark.parametrize("case", sorted(PAGES))
def test_extraction_takes_time_in_proportion_to_the_page(case):
    markup, wrapper, paragraphs = PAGES[case]
    quarter, full = _page(paragraphs // 4, markup, wrapper), _page(paragraphs, markup, wrapper)
    article = _extract(full)
    assert article.text.count("Kazakhstan and Russia discussed") == paragraphs  # every paragraph, once
    ratio = _cpu_seconds(_extract, full) / _cpu_seconds(_extract, quarter)
    assert ratio <= MAX_GROWTH, (
        f"extracting {case}: {len(full):,} characters took {ratio:.1f}x the time of a quarter of them (linear is 4x)"
    )
