"""What an ingest pays before its first page: the language model read from an unpacked copy, and no Polars."""

from __future__ import annotations

import json
import lzma
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipeline import langid_model
from tests.httpserver import Reply, article_html

ROOT = Path(__file__).resolve().parent.parent

# Made up for these tests: a sentence or two in each script and several languages the news comes in.
SAMPLES = [
    "Astana and Moscow signed a transit agreement on Tuesday, officials in both capitals said.",
    "Астана и Москва подписали соглашение о транзите во вторник, сообщили официальные лица.",
    "Astana i Moskwa podpisały we wtorek umowę tranzytową, poinformowali urzędnicy obu stolic.",
    "Астана мен Мәскеу сейсенбі күні транзит туралы келісімге қол қойды.",
    "Astana und Moskau haben am Dienstag ein Transitabkommen unterzeichnet.",
    "Astana et Moscou ont signé mardi un accord de transit, selon des responsables des deux capitales.",
]


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def _no_decompression(monkeypatch) -> None:
    """From here on, reading the packaged (LZMA) model fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the packaged language model was decompressed again")

    monkeypatch.setattr(lzma, "open", refuse)


def _ranks(identifier: LanguageIdentifier) -> list[list[tuple[str, float]]]:
    return [identifier.rank(text) for text in SAMPLES]


def test_language_model_is_unpacked_once_and_then_read_from_the_user_cache(cache_home, monkeypatch):
    first = langid_model.load_identifier(norm_probs=True)
    unpacked = langid_model.cached_model_path()
    assert unpacked.parent == cache_home / "bilateral-barometer"
    assert unpacked.is_file()
    _no_decompression(monkeypatch)
    again = langid_model.load_identifier(norm_probs=True)
    assert _ranks(again) == _ranks(first)


def test_the_unpacked_model_identifies_languages_exactly_as_py3langid_does(cache_home):
    ours = langid_model.load_identifier(norm_probs=True)
    ours = langid_model.load_identifier(norm_probs=True)  # the second load reads the unpacked copy
    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    assert _ranks(ours) == _ranks(theirs)  # every language, every probability, bit for bit
    assert [code for code, _ in map(ours.classify, SAMPLES)] == ["en", "ru", "pl", "kk", "de", "fr"]


def test_a_damaged_unpacked_model_is_unpacked_again(cache_home):
    path = langid_model.cached_model_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x03\x04 half a file")  # what a full disk could have left
    identifier = langid_model.load_identifier(norm_probs=True)
    assert identifier.classify(SAMPLES[1])[0] == "ru"
    with np.load(path) as data:  # replaced by a whole copy
        assert data["ptc"].shape == identifier.nb_ptc.shape


def test_without_a_usable_cache_directory_the_packaged_model_is_read(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    identifier = langid_model.load_identifier(norm_probs=True)
    assert identifier.classify(SAMPLES[2])[0] == "pl"


PARAGRAPHS = [
    "Astana and Moscow signed a transit agreement on Tuesday after two days of talks in the capital.",
    "Officials said the deal covers rail freight, customs checks and the shared border crossings.",
    "Both governments called the talks constructive and promised another round before the winter.",
]

# In a fresh interpreter: the workers' job alone, then a whole ingest with worker processes (20 pages,
# over the in-process threshold); after each, which Polars modules are loaded.
_PROBE = """
import json, sys
from pipeline.ingest.extractor import process_page
from pipeline.models import Page, UrlRequest
page = Page("https://a.example/x", "", 200, "text/html", sys.argv[1].encode(), "utf-8")
article, _ = process_page(page, UrlRequest(page.url))
after_job = sorted(m for m in sys.modules if m.split(".")[0] == "polars")
from pipeline.cli import main
code = main(["ingest", "--allow-private", "--no-progress", "--workers", "2", "--db", sys.argv[2], *sys.argv[3:]])
after_ingest = sorted(m for m in sys.modules if m.split(".")[0] == "polars")
print(json.dumps([article.language, code, after_job, after_ingest]))
"""


def test_an_ingest_never_imports_polars(server, tmp_path, cache_home):
    html = article_html("Transit deal", PARAGRAPHS, date="2022-03-04")
    for i in range(20):
        server.routes[f"/a{i}"] = Reply(body=html.replace("Tuesday", f"Tuesday ({i})").encode())
    urls = [server.url(f"/a{i}") for i in range(20)]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, html, str(tmp_path / "probe.sqlite"), *urls],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    language, code, after_job, after_ingest = json.loads(probe.stdout.strip().splitlines()[-1])
    assert (language, code) == ("en", 0)
    assert after_job == [], "the extraction job imported Polars"
    assert after_ingest == [], "the ingest command imported Polars"
