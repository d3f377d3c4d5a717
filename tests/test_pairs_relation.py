"""A pair's own relation words (``[relation.<lang>]`` in its pair file): Kazakhstan–Russia's moved out of
the cue files without changing one score, read for the pair they belong to only, and checked like the
rest of the data files."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from pipeline import score_article
from pipeline.resources import PACKAGE_DATA, DataFileError
from pipeline.scoring.actors import load_pair
from pipeline.scoring.evaluate import DEFAULT_DEVSET
from pipeline.scoring.kazakh_arabic import cyrillic_to_tote
from pipeline.scoring.lexicon import LEXICON_DIR
from pipeline.scoring.normalize import kazakh_arabic_to_cyrillic
from pipeline.scoring.pair_data import relation_patterns, relation_words

DATA = Path(__file__).parent / "data"
SETS = (DEFAULT_DEVSET, *(DATA / f"{name}.jsonl" for name in ("holdout", "holdout2", "holdout3")))
ACTORS = PACKAGE_DATA / "actors"
# Pieces in languages scored with the union of the cue files (no cue file of their own), which read the
# union of the pair's lists (the dev set and holdouts are en/ru/pl/kk only): Baikonur is their one
# relation word, in the sentence that names one side.
UNION_PROBES = (
    ("Rusia anunció nuevos planes espaciales. Baikonur sigue arrendado a Kazajistán hasta 2050.", "es"),
    ("Rusiya yeni kosmik planlarını açıqladı. Baykonur Qazaxıstandan icarəyə götürülüb.", "az"),
    ("Русия обяви нови космически планове. Байконур остава под наем от Казахстан.", "bg"),
)


def _items() -> list[tuple[str, str, str, str]]:
    out = []
    for path in SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            out.append((f"{path.stem}:{item['id']}", item["text"], item.get("title", ""), item.get("language")))
    return out + [(f"union:{lang}", text, "", lang) for text, lang in UNION_PROBES]


def _old_layout(tmp: Path) -> Path:
    """A data directory laid out as before the move: kz-ru's relation words back in each language's cue
    file, the pair file without its [relation] tables."""
    pair_text = (ACTORS / "kz-ru.toml").read_text(encoding="utf-8")
    moved = tomllib.loads(pair_text)["relation"]
    (tmp / "actors").mkdir()
    (tmp / "actors" / "kz-ru.toml").write_text(pair_text[: pair_text.index("\n[relation]\n")], encoding="utf-8")
    shutil.copytree(LEXICON_DIR, tmp / "lexicons")
    for code, words in moved.items():
        path = tmp / "lexicons" / f"cues-{code}.toml"
        lines = [f'"{word}" = {weight}' for word, weight in words.items()]
        path.write_text(
            path.read_text(encoding="utf-8").replace("[relation]\n", "\n".join(["[relation]", *lines, ""]), 1)
        )
    return tmp


def test_kz_ru_scores_the_dev_set_and_holdouts_the_same_as_with_the_words_in_the_cue_files(tmp_path):
    before = load_pair("kz-ru", str(_old_layout(tmp_path)))
    assert not relation_words(before)  # the old layout really has them in the cue files only
    differ = []
    for key, text, title, language in _items():
        old = score_article(text, title, language, pair=before)
        new = score_article(text, title, language, pair="kz-ru")
        if (old.tension, old.relevance, old.sentiment, old.evidence) != (
            new.tension,
            new.relevance,
            new.sentiment,
            new.evidence,
        ):
            differ.append(f"{key}: {old.tension}/{old.relevance} before, {new.tension}/{new.relevance} after")
    assert not differ, "\n".join(differ)


def test_kz_ru_words_are_in_its_pair_file_and_no_longer_in_the_cue_files():
    moved = {
        (code, word)
        for code, words in tomllib.loads((ACTORS / "kz-ru.toml").read_text("utf-8"))["relation"].items()
        for word in words
    }
    assert ("en", "baikonur*") in moved and ("ru", "каспийск* трубопровод*") in moved and ("kk", "кққ") in moved
    for path in sorted(LEXICON_DIR.glob("cues-*.toml")):
        generic = tomllib.loads(path.read_text(encoding="utf-8")).get("relation", {})
        code = path.stem.removeprefix("cues-")
        assert not {w for w in generic if (code, w) in moved}, path.name
        assert not any("baikonur" in w or "байконур" in w or "bajkonur" in w for w in generic), path.name


def test_another_pair_does_not_read_kz_ru_words():
    text = "Russia and Kazakhstan discussed the Baikonur lease."
    kz_ru, am_ru = load_pair("kz-ru"), load_pair("am-ru")
    assert any(p.source == "baikonur*" for p in relation_patterns(kz_ru, "en"))
    assert not any("baikonur" in p.source for p in relation_patterns(am_ru, "en"))
    # a union language reads the pair's lists together, short one-word stems left out as in the cue union
    union = {p.source for p in relation_patterns(kz_ru, "es")}
    assert "baikonur*" in union and "байқоңыр*" in union and "cpc" not in union and "кққ" not in union
    assert score_article(text, pair="kz-ru").relevance > 0


def test_a_pairs_own_relation_words_raise_its_relevance(tmp_path):
    text = (
        "Russian peacekeepers stood by as the Lachin corridor stayed blocked for a third month. "
        "In Yerevan, Pashinyan spoke of Karabakh again."
    )
    shipped = (ACTORS / "am-ru.toml").read_text(encoding="utf-8")
    (tmp_path / "actors").mkdir()
    (tmp_path / "actors" / "am-ru.toml").write_text(shipped[: shipped.index("\n[relation]\n")], encoding="utf-8")
    without = score_article(text, language="en", pair=load_pair("am-ru", str(tmp_path)))
    with_words = score_article(text, language="en", pair="am-ru")
    assert without.relevance < 0.3 <= with_words.relevance


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        ('[relation]\nen = { "baikonur*" = "high" }\n', "[relation.en] holds a weight that is not a number"),
        ('[relation]\nen = ["baikonur*"]\n', "[relation.en] must map words to weights"),
    ],
)
def test_a_broken_relation_table_is_a_data_file_error_naming_the_file(tmp_path, table, reason):
    shipped = (ACTORS / "am-ru.toml").read_text(encoding="utf-8")
    path = tmp_path / "actors" / "am-ru.toml"
    path.parent.mkdir()
    path.write_text(shipped[: shipped.index("\n[relation]\n")] + "\n" + table, encoding="utf-8")
    with pytest.raises(DataFileError, match=r"am-ru\.toml") as err:
        score_article("Armenia and Russia signed a deal.", pair=load_pair("am-ru", str(tmp_path)))
    assert reason in str(err.value)


def test_kazakh_in_arabic_script_still_spells_the_pairs_words_as_the_pair_file_does():
    # The töte reader keeps the lexicons' stems as they are spelt; the pair's relation words are among them
    # ("каспий", not "кәспий", so that the CPC pipeline is still found in a töte text).
    tote = cyrillic_to_tote("каспий құбыр консорциумы")
    assert kazakh_arabic_to_cyrillic(tote).startswith("Каспий құбыр")
