"""Pages cut into sections for extraction (pipeline/extract.py) give the text of the whole page."""

import trafilatura
from trafilatura.utils import load_html

from pipeline.extract import PARAGRAPH_TEXTS_PER_PASS, _sections, extract_article


def _page(paragraphs: int) -> str:
    """Distinct paragraphs in an article, a subheading before every 50th: one falls on a section's end."""
    parts = []
    for i in range(paragraphs):
        if i % 50 == 0:
            parts.append(f"<h2>Round {i // 50} of the talks</h2>")
        parts.append(f"<p>Kazakhstan and Russia discussed point {i} in Astana on Tuesday, officials said.</p>")
    body = "\n".join(parts)
    nav = "<nav><a href='/'>Home</a></nav>"
    return f"<html><head><title>Talks</title></head><body>{nav}<article>{body}</article></body></html>"


def test_a_page_cut_into_sections_gives_the_whole_page_text_with_every_heading():
    html = _page(PARAGRAPH_TEXTS_PER_PASS + 1_000)
    assert len(_sections(load_html(html))) == 2
    whole = trafilatura.bare_extraction(load_html(html), include_comments=False, fast=True).text.strip()
    text = extract_article(html, "https://example.org/talks").text
    assert text == whole
    assert text.count("of the talks") == (PARAGRAPH_TEXTS_PER_PASS + 1_000) // 50


def test_a_page_under_the_limit_is_extracted_whole():
    assert _sections(load_html(_page(PARAGRAPH_TEXTS_PER_PASS))) is None
