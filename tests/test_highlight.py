"""Evidence sentences highlighted in the article's text: found despite whitespace, quotes, dashes and
case, escaped, never read as a pattern, and in linear time."""

from __future__ import annotations

import time

import pytest

from pipeline.highlight import find_marks, highlighted_html, normalised
from pipeline.models import Evidence

TEXT = (
    "Astana said on Monday that talks went well.\n\n"
    "The minister called it  “a new   chapter” — and Moscow agreed.\n"
    "Nothing else happened."
)


def test_golden_html_with_paragraphs_and_marks():
    evidence = [
        Evidence('The minister called it "a new chapter" - and Moscow agreed.', -0.42),
        Evidence("Astana said on Monday that talks went well.", 0.1),
    ]
    assert highlighted_html(TEXT, evidence) == (
        '<p><mark class="tension" title="tension +0.10">Astana said on Monday that talks went well.</mark>'
        "<sup>+0.10</sup></p><p>"
        '<mark class="cooperation" title="cooperation -0.42">The minister called it  “a new   chapter” — and '
        "Moscow agreed.</mark><sup>-0.42</sup><br>Nothing else happened.</p>"
    )


def test_whitespace_quotes_dashes_and_case_do_not_hide_a_sentence():
    (mark,) = find_marks(TEXT, [Evidence("the MINISTER called it 'a new chapter' – and moscow agreed.", 0.3)])
    assert TEXT[mark.start : mark.end] == "The minister called it  “a new   chapter” — and Moscow agreed."


def test_text_and_sentences_are_escaped_not_html():
    text = "Before <script>alert('x')</script> & after."
    html = highlighted_html(text, [Evidence("<script>alert('x')</script> & after.", 0.5)])
    assert "<script>" not in html
    assert html == (
        '<p>Before <mark class="tension" title="tension +0.50">&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
        " &amp; after.</mark><sup>+0.50</sup></p>"
    )


def test_a_sentence_of_pattern_characters_is_plain_text():
    text = "Prices rose (by 5%) [again]* since 2020\\2021 + more.$ Done."
    (mark,) = find_marks(text, [Evidence("(by 5%) [again]* since 2020\\2021 + more.$", 0.2)])
    assert text[mark.start : mark.end] == "(by 5%) [again]* since 2020\\2021 + more.$"


def test_missing_repeated_and_overlapping_sentences():
    text = "Talks failed. Talks failed. Later talks resumed."
    marks = find_marks(
        text,
        [
            Evidence("Talks failed.", 0.5),
            Evidence("Talks failed.", 0.4),  # the same sentence twice in the evidence: its second occurrence
            Evidence("failed. Talks", 0.3),  # overlaps both marks: left out
            Evidence("Not in the text at all.", 0.9),
            Evidence("   ", 0.9),
        ],
    )
    assert [(m.start, m.end, m.weight) for m in marks] == [(0, 13, 0.5), (14, 27, 0.4)]


def test_letters_whose_lower_case_is_longer_keep_the_places_right():
    text = "İstanbul hosted talks. Then Astana hosted more."
    (mark,) = find_marks(text, [Evidence("Then Astana hosted more.", 0.1)])
    assert text[mark.start : mark.end] == "Then Astana hosted more."
    flat, origin = normalised(text)
    assert len(flat) == len(origin) == len(text)


def _seconds(text: str, sentence: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        find_marks(text, [Evidence(sentence, 0.1)] * 5)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("size", [200_000])
def test_time_is_linear_on_pathological_text(size):
    # A text of one repeated letter and a long sentence of it that never matches (its middle letter
    # differs, so a comparison from either end runs half its length) is a bad case for a search that
    # restarts at every place; prose of the same length is the baseline.
    words = "Astana and Moscow talked about oil, borders and trade; "
    ordinary = (words * (size // len(words) + 1))[:size]
    pathological = "a" * size
    sentence = "a" * 25_000 + "b" + "a" * 25_000
    ratio = _seconds(pathological, sentence) / _seconds(ordinary, "Moscow talked about gas " * 2_000)
    assert ratio < 5, f"{ratio:.1f}× the time of prose of the same length"
