"""Ingest's CPU cuts change no stored result: a worker's job (process_page) on the benchmark corpus
gives, field by field, what it gave with the work those cuts skip (issue 12).

The corpus is third-party pages kept beside the project (../shared/corpus, see its README); the
test compares two paths on them and asserts nothing about their content. Without it, it is skipped.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

import pipeline.scoring.language as language_module
import pipeline.scoring.score as score_module
from pipeline.ingest.extractor import process_page
from pipeline.models import Page, UrlRequest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "web-pages"
FULL_SAMPLE = 1500  # characters py3langid read before the cut
EVERY = 3  # a fixed third of the 231 pages: 77 pages, each run twice


def _before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The work the cuts skip, put back: every text through the scorer's passes, 1,500 characters
    for the language."""
    monkeypatch.setattr(score_module, "may_name_a_side", lambda *args: True)
    monkeypatch.setattr(language_module, "_SAMPLE_CHARS", FULL_SAMPLE)


def _fields(result: tuple[object, tuple[object, ...]]) -> dict[str, object]:
    article, scores = result
    fields = {f"article.{k}": v for k, v in asdict(article).items()}  # type: ignore[call-overload]
    for score in scores:
        fields.update({f"score.{k}": v for k, v in asdict(score).items()})  # type: ignore[call-overload]
    return fields


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the benchmark corpus is not at {CORPUS}")
def test_stored_articles_and_scores_are_the_same_as_with_the_skipped_work(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = sorted(CORPUS.glob("*.html"))[::EVERY]
    assert len(pages) >= 70
    jobs = []
    for path in pages:
        url = f"http://127.0.0.1:8000/{path.name}"
        jobs.append((path.name, Page(url, "", 200, "text/html", path.read_bytes(), None), UrlRequest(url)))
    now = {name: _fields(process_page(page, request)) for name, page, request in jobs}
    with monkeypatch.context() as patched:
        _before(patched)
        before = {name: _fields(process_page(page, request)) for name, page, request in jobs}
    for name, fields in before.items():
        for field, value in fields.items():
            assert now[name].get(field) == value, f"{name}: {field} differs from the full work's"
        assert now[name].keys() == fields.keys(), f"{name}: a result without the full work's fields"
    unrelated = sum(1 for fields in now.values() if fields.get("score.relevance") == 0.0)
    assert unrelated > len(pages) // 2  # not vacuous: most of them are settled by the scorer's shortcut
