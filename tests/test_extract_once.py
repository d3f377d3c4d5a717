"""extract_article parses each page once and gives, page for page, what it gave before that change."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from lxml import etree
from py3langid.langid import LanguageIdentifier

from pipeline.extract import FULL_EXTRACTION_BELOW, extract_article
from pipeline.ingest.extractor import process_page
from pipeline.models import Page, UrlRequest
from tests.extract_pages import GOLDEN, PAGES, outcome

MARK = "parse-count-mark"  # sits in <head>: extractors' own snippets of the text never carry it


@pytest.fixture
def page_parses(monkeypatch) -> list[int]:
    """Counts lxml parses of a document carrying MARK (every lxml.html parse goes through etree.fromstring)."""
    seen: list[int] = []
    parse = etree.fromstring

    def counting(text, *args, **kwargs):
        if (MARK.encode() if isinstance(text, bytes) else MARK) in text:
            seen.append(len(text))
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(etree, "fromstring", counting)
    return seen


def _marked(name: str) -> tuple[str | bytes, str | None, str]:
    body, charset, url = PAGES[name]
    head = f'<meta name="description" content="{MARK}">'
    marked = body.replace(b"</head>", head.encode() + b"</head>", 1) if isinstance(body, bytes) else None
    return (marked if marked is not None else str(body).replace("</head>", head + "</head>", 1)), charset, url


@pytest.mark.parametrize("name", ["en_article_bytes", "short_story_fallback", "no_container_polish", "sections"])
def test_each_page_is_parsed_once_for_metadata_text_and_the_fallback_pass(page_parses, name):
    body, charset, url = _marked(name)
    result = extract_article(body, url, charset=charset)
    assert result.text, f"{name}: no text extracted"
    assert len(page_parses) == 1, f"{name}: the page was parsed {len(page_parses)} times"


def test_the_short_page_runs_the_fallback_pass_the_parse_count_is_about():
    """The fallback pass (which used to parse the page again) does run on the short page."""
    body, charset, url = _marked("short_story_fallback")
    assert len(extract_article(body, url, charset=charset).text) < FULL_EXTRACTION_BELOW


@pytest.mark.parametrize("name", list(PAGES))
def test_extraction_gives_what_it_gave_before_parsing_once(name):
    """Golden outcomes recorded from the code before the change (title, text, date, source, language,
    fingerprint, decoding note), for pages of every shape the extraction branches on."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert outcome(name) == golden[name]


def test_a_pages_language_is_detected_once_between_extraction_and_scoring(monkeypatch):
    """The scorer takes the language extraction found instead of detecting it again."""
    classify = LanguageIdentifier.classify
    calls: list[str] = []

    def counting(self: LanguageIdentifier, text: str) -> tuple[str, float]:
        calls.append(text[:40])
        return classify(self, text)

    monkeypatch.setattr(LanguageIdentifier, "classify", counting)
    body, charset, url = PAGES["en_article_bytes"]
    page = Page(url, url, 200, "text/html", body, charset)
    article, scores = process_page(page, UrlRequest(url))
    assert article.language == "en" and len(scores) == 1
    assert len(calls) == 1, f"the language was detected {len(calls)} times: {calls}"


_LOADS_SCRIPT = """
import os, sys
from pipeline.ingest.extractor import Extractor
from pipeline.scoring import language
from pipeline.settings import load_settings

loads = []
load = language.load_identifier

def counting(**kwargs):
    loads.append(os.getpid())
    return load(**kwargs)

def loaders():  # defined before the workers are forked, so they know it
    return loads

language.load_identifier = counting
extractor = Extractor(load_settings(workers=2, db=sys.argv[1]), 100)
print(sorted(set(extractor.pool.submit(loaders).result() + extractor.pool.submit(loaders).result())), os.getpid())
extractor.close()
"""


def test_the_worker_processes_share_the_language_model_their_parent_loaded(tmp_path):
    """Forked workers inherit the warmed-up parent: the model is loaded once, not once per worker.

    Runs in a fresh interpreter (this one has long loaded the model)."""
    script = tmp_path / "loads.py"
    script.write_text(_LOADS_SCRIPT, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "unused.sqlite")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    loaders, parent = run.stdout.rsplit("]", 1)
    assert loaders.strip("[ ") == parent.strip(), (
        f"py3langid's model was loaded by processes {loaders}], the parent is {parent}"
    )
